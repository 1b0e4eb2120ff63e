"""The recognition dossier's back half: conditions of recognition and their checks, the public
consultation and its comments, decisions (recognition, refusal, revocation) and the register.

Moved out of `assessments` (issue 8 §2); the tables were renamed from `assessments_*` by migration
0002 and the models keep their constraint names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chungsuc.assessments.models import Assessment, Standard


def signed_pdf_path(instance, filename: str) -> str:
    import uuid

    return f"decisions/{uuid.uuid4().hex}.pdf"


class RecognitionCondition(models.Model):
    """A condition of recognition besides the criteria (QĐ 318: satisfaction rate, no construction
    debt, security and order) — data with its legal source."""

    class Kind(models.TextChoices):
        SATISFACTION = "satisfaction", _("Tỷ lệ hài lòng của người dân")
        ATTESTATION = "attestation", _("Xác nhận của cơ quan có thẩm quyền")
        CRITERIA = "criteria", _("Đạt đầy đủ các tiêu chí")

    code = models.SlugField(_("mã"), max_length=60)
    framework_code = models.CharField(_("bộ tiêu chí"), max_length=60, blank=True)
    levels = models.CharField(
        _("áp dụng cho cấp"),
        max_length=60,
        blank=True,
        help_text=_(
            "Các cấp áp dụng, cách nhau bởi dấu phẩy (commune, district, province); để trống = mọi cấp."
        ),
    )
    name = models.CharField(_("điều kiện"), max_length=300)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    threshold = models.FloatField(_("ngưỡng"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("điều kiện công nhận")
        verbose_name_plural = _("điều kiện công nhận")
        constraints = [
            models.UniqueConstraint(fields=["code", "framework_code"], name="assessments_condition_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ConditionCheck(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="condition_checks")
    condition = models.ForeignKey(RecognitionCondition, on_delete=models.PROTECT, related_name="checks")
    met = models.BooleanField(_("đạt"))
    note = models.TextField(_("ghi chú"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "condition"], name="assessments_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.condition_id}: {self.met}"


class Consultation(models.Model):
    """The public consultation on a commune proposed for recognition (published on the portal)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="consultation")
    opens_on = models.DateField(_("ngày bắt đầu"))
    closes_on = models.DateField(_("ngày kết thúc"))
    closed_at = models.DateTimeField(_("đã đóng lúc"), null=True, blank=True)
    summary = models.TextField(_("nội dung công khai"), blank=True)
    # The appraised result as it stood when the consultation opened (criteria met, each criterion's
    # status and name): the public page shows this, never live values changed after a reopen.
    snapshot = models.JSONField(_("kết quả khi công khai"), default=dict, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lấy ý kiến nhân dân")
        verbose_name_plural = _("lấy ý kiến nhân dân")

    def __str__(self) -> str:
        return f"{self.assessment} ({self.opens_on}–{self.closes_on})"

    def get_absolute_url(self) -> str:
        return reverse("portal:consultation", args=[self.pk])


class ConsultationComment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(_("họ tên"), max_length=120, blank=True)
    hamlet = models.CharField(_("ấp"), max_length=120, blank=True)
    satisfied = models.BooleanField(_("hài lòng"), null=True)
    text = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Public feedback, never counted into the satisfaction condition (that is the official survey).
    # `client_key` is a keyed hash of the sender's address (rate limit), `text_key` of the folded text
    # (duplicates); neither can be turned back into an address or a name.
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    text_key = models.CharField(max_length=64, blank=True, db_index=True)
    hidden_at = models.DateTimeField(_("ẩn lúc"), null=True, blank=True)
    hidden_reason = models.TextField(_("lý do ẩn"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ý kiến người dân")
        verbose_name_plural = _("ý kiến người dân")

    def __str__(self) -> str:
        return f"{self.name or '—'}: {self.satisfied}"


class SatisfactionSurvey(models.Model):
    """The official survey of residents' satisfaction (QĐ 318: ≥ 90 % satisfied), recorded by the
    organiser with its minutes as evidence and attested by a second official. The satisfaction
    condition is met from this survey only; web comments on the portal are feedback beside it."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="survey")
    surveyed = models.PositiveIntegerField(_("số người được lấy ý kiến"))
    satisfied = models.PositiveIntegerField(_("số người hài lòng"))
    method = models.TextField(_("cách thức lấy ý kiến"))
    conducted_on = models.DateField(_("ngày lấy ý kiến"))
    minutes = models.FileField(_("biên bản"), max_length=300)
    minutes_name = models.CharField(_("tên tệp biên bản"), max_length=255)
    minutes_content_type = models.CharField(max_length=120, blank=True)
    minutes_size = models.PositiveBigIntegerField(default=0)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attested_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    attestation_note = models.TextField(_("ghi chú xác nhận"), blank=True)

    class Meta:
        verbose_name = _("kết quả lấy ý kiến sự hài lòng")
        verbose_name_plural = _("kết quả lấy ý kiến sự hài lòng")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfied__lte=models.F("surveyed")), name="recognitions_survey_satisfied_le"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.satisfied}/{self.surveyed}"

    @property
    def rate(self) -> float | None:
        return round(100.0 * self.satisfied / self.surveyed, 1) if self.surveyed else None

    @property
    def attested(self) -> bool:
        return self.attested_at is not None


class Decision(models.Model):
    """A signed decision: recognition (or refusal) of an assessment's unit, or a revocation."""

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Công nhận")
        REFUSAL = "refusal", _("Không công nhận")
        REVOCATION = "revocation", _("Thu hồi")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="ntm_decisions")
    standard = models.CharField(_("mức"), max_length=20, choices=Standard.choices)
    number = models.CharField(_("số quyết định"), max_length=100)
    date = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=200)
    # Who decides: the chairman of the provincial people's committee for communes, the Prime Minister
    # for districts and provinces (QĐ 18/2022/QĐ-TTg) — see services.decision_authority.
    authority = models.CharField(_("cấp quyết định"), max_length=200, blank=True)
    signed_pdf = models.FileField(_("bản ký (PDF)"), upload_to=signed_pdf_path, blank=True)
    # The legal act (core): number and symbol per Nghị định 30/2020, issuing body, signer, signed file.
    # Decisions recorded before it existed have none and keep `signed_pdf`.
    act = models.ForeignKey(
        "core.LegalAct", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.number} ({self.date:%d/%m/%Y})"

    @property
    def has_signed_file(self) -> bool:
        return bool((self.act_id and self.act.file) or self.signed_pdf)


class RecognitionRecordQuerySet(models.QuerySet):
    def as_of(self, date):
        return self.filter(since__lte=date).filter(Q(until__isnull=True) | Q(until__gte=date))


class RecognitionRecord(models.Model):
    """The register: `unit` holds `standard` from `since` (until `until`, if revoked), by a decision.

    Past recognitions are imported with their source; what is uncertain (e.g. only the year is known,
    the decision number is not) is said in `uncertainty` and `verified` is False where the fact itself
    is not confirmed by the cited source.
    """

    class Origin(models.TextChoices):
        BUILTIN = "builtin", _("Dữ liệu có nguồn (nạp sẵn)")
        IMPORT = "import", _("Nhập từ tệp")
        DECISION = "decision", _("Quyết định ghi nhận trên hệ thống")

    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="recognitions")
    standard = models.CharField(_("mức đạt chuẩn"), max_length=20, choices=Standard.choices)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    since = models.DateField(_("từ ngày"))
    since_precision = models.CharField(
        _("độ chính xác của ngày"),
        max_length=10,
        default="day",
        choices=[("day", _("ngày")), ("year", _("năm"))],
    )
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    revocation = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="revoked_records"
    )
    decision_text = models.CharField(_("quyết định"), max_length=300, blank=True)
    fact = models.TextField(_("nội dung theo nguồn"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=True)
    uncertainty = models.TextField(_("điểm chưa chắc chắn"), blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.DECISION)

    objects = RecognitionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "since", "id"]
        verbose_name = _("đơn vị được công nhận")
        verbose_name_plural = _("sổ công nhận")
        constraints = [
            models.UniqueConstraint(fields=["unit", "standard", "year"], name="assessments_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.get_standard_display()} ({self.year})"
