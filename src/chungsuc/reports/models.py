"""Generated documents: what was asked for, by whom, its progress, and the stored file when ready."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    EVALUATION_SHEET = "evaluation_sheet", _("Biểu tổng hợp kết quả thực hiện các tiêu chí")
    RECOGNISED_LIST = "recognised_list", _("Danh sách đơn vị đạt chuẩn")
    ANNUAL_REPORT = "annual_report", _("Báo cáo kết quả thực hiện phong trào thi đua")
    INSPECTION_CONCLUSION = "inspection_conclusion", _("Kết luận kiểm tra")


class DocumentFormat(models.TextChoices):
    DOCX = "docx", _("Word (.docx, sửa được)")
    PDF = "pdf", _("PDF")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ tạo")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


class GeneratedDocument(models.Model):
    kind = models.CharField(_("loại văn bản"), max_length=30, choices=DocumentKind.choices)
    fmt = models.CharField(_("định dạng"), max_length=10, choices=DocumentFormat.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước đang làm"), max_length=200, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    title = models.CharField(_("tên văn bản"), max_length=300, blank=True)
    reference = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    # the unit the document is about (scoping); None for a province-wide document of a superuser
    unit = models.ForeignKey(
        "geo.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="generated_documents"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="generated_documents"
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    error = models.TextField(_("lý do không tạo được"), blank=True)
    file = models.FileField(_("tệp"), max_length=300, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("văn bản được tạo")
        verbose_name_plural = _("văn bản được tạo")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def finished(self) -> bool:
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)
