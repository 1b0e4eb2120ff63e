"""Core models: the audit log and in-app notifications (and the workflow engine, see workflow_models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chungsuc.core.workflow_models import *  # noqa: F401,F403  (the generic workflow engine's tables)


class AuditEntry(models.Model):
    """One change an official made: who, when, what, before/after, why.

    `unit_id` is the administrative unit the changed record belongs to (or None for province-wide
    records); the viewer scopes entries by it exactly as every other list is scoped. It is a plain
    integer, not a foreign key, because core sits below geo in the dependency order.
    """

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=100, db_index=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self) -> str:
        return self.title


class DataLoad(models.Model):
    """A record that a built-in or demo data set was loaded (name, checksum of its source, when)."""

    name = models.CharField(max_length=100, unique=True)
    checksum = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lần nạp dữ liệu")
        verbose_name_plural = _("lần nạp dữ liệu")

    def __str__(self) -> str:
        return self.name


class LegalAct(models.Model):
    """A legal act (văn bản): a decision, plan, conclusion, report, … with its number and symbol as
    Nghị định 30/2020/NĐ-CP writes them ("2401/QĐ-UBND"; a normative act carries its year:
    "18/2022/QĐ-TTg"), its date, issuing body, signer, summary and signed file, linked to what it decides.

    Recognition and revocation decisions use it now; award decisions, plan amendments and inspection
    conclusions later. Writes go through `chungsuc.core.legal` (`legal_act_create`, `legal_act_link`,
    `legal_act_file_attach`); `unit_id` scopes it like an audit row (a plain integer, core is below geo).
    """

    class Kind(models.TextChoices):
        DECISION = "quyet_dinh", _("Quyết định")
        RESOLUTION = "nghi_quyet", _("Nghị quyết")
        DIRECTIVE = "chi_thi", _("Chỉ thị")
        PLAN = "ke_hoach", _("Kế hoạch")
        PROGRAMME = "chuong_trinh", _("Chương trình")
        CONCLUSION = "ket_luan", _("Kết luận")
        REPORT = "bao_cao", _("Báo cáo")
        NOTICE = "thong_bao", _("Thông báo")
        GUIDANCE = "huong_dan", _("Hướng dẫn")
        SUBMISSION = "to_trinh", _("Tờ trình")
        MINUTES = "bien_ban", _("Biên bản")
        REGULATION = "quy_dinh", _("Quy định")
        LETTER = "cong_van", _("Công văn")

    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số"), max_length=10)
    year = models.PositiveSmallIntegerField(_("năm ban hành (văn bản quy phạm)"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=300)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True)
    unit_id = models.BigIntegerField(_("đơn vị"), null=True, blank=True, db_index=True)
    is_demo = models.BooleanField(_("dữ liệu DEMO"), default=False)
    # The signed file, checked and stored by core.files (generated name; the original name is metadata).
    file = models.FileField(_("bản ký"), max_length=300, blank=True)
    file_original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    file_content_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        indexes = [models.Index(fields=["number", "symbol"], name="core_legalact_ref_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} ngày {self.issued_on:%d/%m/%Y}"

    @property
    def reference(self) -> str:
        """Số, ký hiệu as printed: "2401/QĐ-UBND", or "18/2022/QĐ-TTg" for a normative act."""
        from chungsuc.core.legal import format_reference

        return format_reference(self.number, self.symbol, self.year)

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class LegalActLink(models.Model):
    """What a legal act decides: any record (a register entry, a dossier, a nomination, …) and how."""

    act = models.ForeignKey(LegalAct, on_delete=models.CASCADE, related_name="links")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    role = models.CharField(_("nội dung"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đối tượng của văn bản")
        verbose_name_plural = _("đối tượng của văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["act", "target_type", "target_id", "role"], name="core_legalact_link_unique"
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_legalact_target_idx")]

    def __str__(self) -> str:
        return f"{self.act_id} → {self.target_type_id}:{self.target_id} ({self.role})"

    @property
    def target(self):
        return self.target_type.get_object_for_this_type(pk=self.target_id)
