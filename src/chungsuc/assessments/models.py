"""Yearly self-assessments, their values and evidence, evaluation results (the register, decisions and
consultations are in `chungsuc.recognitions`).

Storage, chosen for reading (the design guide's "reading is the cost"):

- `AssessmentValue` is the record of truth for one indicator's value: who entered it, when, a comment,
  evidence files, and its full history (django-simple-history).
- `Assessment.packed` is a column-store copy of the same values: one float64 per indicator, in the
  framework's indicator order (`layout`), NaN for missing, pass/fail as 1.0/0.0. Services write it in
  the same transaction as the value rows, so reading every commune-year for set-at-a-time evaluation
  is one row per assessment (`numpy.frombuffer`), not one row per value. `values_hash` is the SHA-256
  of the packed bytes; an `EvaluationResult` stores it together with the framework version it used.
- `EvaluationResult` keeps one row per evaluation with the per-criterion statuses as a compact JSON
  map (`{"1": "met", "2": "not_met", ...}`) — 19 criteria per row rather than 19 rows.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chungsuc.core.concurrency import VersionedModel


class Standard(models.TextChoices):
    NTM = "ntm", _("Nông thôn mới")
    ADVANCED = "advanced", _("Nông thôn mới nâng cao")
    MODEL = "model", _("Nông thôn mới kiểu mẫu")
    TASK_COMPLETED = "task_completed", _("Hoàn thành nhiệm vụ xây dựng nông thôn mới")


STANDARD_RANK = {Standard.NTM: 1, Standard.TASK_COMPLETED: 1, Standard.ADVANCED: 2, Standard.MODEL: 3}


def layout_key(codes: list[str]) -> str:
    return hashlib.sha256("\x1f".join(codes).encode()).hexdigest()[:16]


def pack(values: dict[str, float | None], codes: list[str]) -> bytes:
    arr = np.full(len(codes), np.nan, dtype="<f8")
    for i, code in enumerate(codes):
        v = values.get(code)
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            arr[i] = float(v)
    return arr.tobytes()


def unpack(blob: bytes | memoryview | None, codes: list[str]) -> dict[str, float | None]:
    if not blob:
        return dict.fromkeys(codes)
    values = np.frombuffer(bytes(blob), dtype="<f8").tolist()  # Python floats: 10 × faster than arr[i]
    return {code: (None if v != v else v) for code, v in zip(codes, values, strict=False)}


def values_hash(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class Assessment(VersionedModel):
    """A unit's self-assessment for one year against one framework. It is the recognition dossier too:
    its workflow case (core engine) carries it from draft to decision."""

    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    framework = models.ForeignKey("criteria.Framework", on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("dữ liệu DEMO"), default=False)
    packed = models.BinaryField(_("giá trị (dạng cột)"), blank=True, default=b"")
    layout = models.CharField(max_length=16, blank=True)
    values_hash = models.CharField(max_length=64, blank=True)
    filled = models.PositiveSmallIntegerField(_("số chỉ tiêu đã nhập"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit__code"]
        verbose_name = _("hồ sơ tự đánh giá")
        verbose_name_plural = _("hồ sơ tự đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "framework"], name="assessments_one_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.unit.name} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])


class AssessmentValue(models.Model):
    """One indicator's value in one assessment (None = not entered yet), with comment and history."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="values")
    indicator_code = models.CharField(_("chỉ tiêu"), max_length=20)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator_code"], name="assessments_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.indicator_code}={self.value}"


def evidence_path(instance, filename: str) -> str:
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}.{ext[:8]}"


class Evidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator_code = models.CharField(_("chỉ tiêu"), max_length=20, blank=True)
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator_code", "id"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class EvaluationResult(models.Model):
    """One evaluation of an assessment: framework version and values hash it used, and the outcome."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    evaluated_at = models.DateTimeField(auto_now_add=True, db_index=True)
    framework_code = models.CharField(max_length=60)
    framework_version = models.CharField(max_length=30)
    values_hash = models.CharField(max_length=64)
    standard_met = models.BooleanField(default=False, db_index=True)
    criteria_met = models.PositiveSmallIntegerField(default=0)
    criteria_total = models.PositiveSmallIntegerField(default=0)
    band = models.CharField(max_length=30, blank=True)
    missing = models.PositiveSmallIntegerField(default=0)
    criteria = models.JSONField(default=dict)
    # For frameworks with derived indicators (district, province): the child units used, each with its
    # status per referenced framework and where it came from (see `derived`); {} otherwise.
    children = models.JSONField(_("đơn vị cấp dưới đã dùng"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("kết quả đánh giá")
        verbose_name_plural = _("kết quả đánh giá")
        indexes = [models.Index(fields=["assessment", "-id"], name="assess_result_latest_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.criteria_met}/{self.criteria_total}"

    @property
    def failing(self) -> list[str]:
        return [c for c, s in self.criteria.items() if s != "met"]


# --- recognition (moved to chungsuc.recognitions) --------------------------------------------------


def signed_pdf_path(instance, filename: str) -> str:
    """Kept for the historical migrations that name it; the models live in chungsuc.recognitions."""
    import uuid

    return f"decisions/{uuid.uuid4().hex}.pdf"


class WorkflowRule(models.Model):
    """Which workflow a dossier follows, as data: by framework level and assessment year
    (three tiers for years up to 2024, assessed before 30/6/2025; two tiers after)."""

    workflow_code = models.SlugField(max_length=80)
    level = models.CharField(_("cấp"), max_length=10, blank=True)
    year_from = models.PositiveSmallIntegerField(null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["level", "year_from"]
        verbose_name = _("quy tắc chọn quy trình")
        verbose_name_plural = _("quy tắc chọn quy trình")

    def __str__(self) -> str:
        return f"{self.level or '*'} {self.year_from or '…'}–{self.year_to or '…'} → {self.workflow_code}"


class QualitySettings(models.Model):
    """Configurable limits of the data-quality flags (one row; defaults used when absent)."""

    max_yoy_change_pct_points = models.FloatField(
        _("mức tăng/giảm tối đa giữa hai năm (điểm %)"), default=20.0
    )
    max_yoy_change_ratio = models.FloatField(_("tỷ lệ thay đổi tối đa giữa hai năm (số)"), default=0.5)

    class Meta:
        verbose_name = _("ngưỡng cảnh báo chất lượng dữ liệu")
        verbose_name_plural = _("ngưỡng cảnh báo chất lượng dữ liệu")

    def __str__(self) -> str:
        return f"±{self.max_yoy_change_pct_points} điểm %, ±{self.max_yoy_change_ratio:.0%}"
