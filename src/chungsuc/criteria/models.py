"""Criteria sets as versioned data.

A `Framework` row is one version of a criteria set (code + version are unique). Versions are
copy-on-write: editing a threshold copies the whole set into version n+1 (the old one is retired), so
an evaluation always points to the exact thresholds it used. Its `Criterion`, `Indicator` and
`ThresholdRule` rows belong to that version. Every rule carries its legal source and a verified flag;
`key` identifies a rule across versions (for comparing versions and for Excel round trips).

The rule's conditions mirror `engine.Rule`: region, commune group, unit kinds, year range, `when`
terms on other values (e.g. the number of schools) and `also` terms that must hold as well (composite
rules such as QĐ 318 indicator 5); `value_ref` takes the threshold from another framework's rule.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chungsuc.criteria import engine
from chungsuc.geo.models import Region


class Level(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")


class Standard(models.TextChoices):
    NTM = "ntm", _("Nông thôn mới")
    ADVANCED = "advanced", _("Nông thôn mới nâng cao")
    MODEL = "model", _("Nông thôn mới kiểu mẫu")
    TASK_COMPLETED = "task_completed", _("Hoàn thành nhiệm vụ xây dựng nông thôn mới")


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang áp dụng")
    RETIRED = "retired", _("Hết hiệu lực")


class ValueType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Đạt/không đạt")
    PERCENTAGE = "percentage", _("Tỷ lệ (%)")
    NUMBER = "number", _("Số")
    COUNT = "count", _("Số đếm")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="


class Framework(models.Model):
    code = models.SlugField(_("mã"), max_length=60)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=400)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    standard = models.CharField(_("chuẩn"), max_length=20, choices=Standard.choices)
    period_start = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    kinds = models.JSONField(_("loại đơn vị áp dụng"), default=list, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    legal_url = models.URLField(_("nguồn căn cứ"), max_length=500, blank=True)
    legal_verified = models.BooleanField(_("căn cứ đã kiểm chứng"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.IN_FORCE, db_index=True
    )
    presupposes = models.SlugField(
        _("yêu cầu trước bộ tiêu chí"),
        max_length=60,
        blank=True,
        help_text=_("Mã bộ tiêu chí phải đạt trước (ví dụ nâng cao cần NTM)."),
    )
    bands = models.JSONField(_("mức xếp loại"), default=list, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    change_reason = models.TextField(_("lý do thay đổi"), blank=True)
    origin = models.CharField(max_length=20, default="builtin")  # builtin | edit | import
    builtin_checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_framework_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"


class Criterion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=400)
    group = models.CharField(_("nhóm"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criteria_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=600)
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    value_type = models.CharField(_("kiểu giá trị"), max_length=12, choices=ValueType.choices)
    decimals = models.PositiveSmallIntegerField(
        _("số chữ số thập phân"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(engine.MAX_DECIMALS)],
        help_text=_(
            "Độ chính xác mà bộ tiêu chí quy định: giá trị được làm tròn đến số chữ số này khi nhập, khi "
            "so với ngưỡng và khi hiển thị. Để trống: theo kiểu giá trị (tỷ lệ và số: 2 chữ số, số đếm: "
            "số nguyên)."
        ),
    )
    comparator = models.CharField(_("phép so sánh"), max_length=4, choices=Comparator.choices, default="gte")
    inputs = models.JSONField(
        _("giá trị phụ"),
        default=list,
        blank=True,
        help_text=_("Giá trị phụ cần cho ngưỡng phức hợp: [{key, name, value_type, unit, decimals}]."),
    )
    derived = models.JSONField(
        _("tính từ đơn vị cấp dưới"),
        null=True,
        blank=True,
        help_text=_("{framework, kinds}: tỷ lệ % đơn vị cấp dưới đạt chuẩn bộ tiêu chí đó."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False)
    source = models.TextField(_("nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criteria_indicator_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def precision(self) -> int:
        """Digits after the decimal point its values keep: `decimals`, or the value type's default."""
        return engine.precision(self.value_type, self.decimals)


class ThresholdRule(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rules")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules")
    key = models.CharField(_("khóa"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    comparator = models.CharField(_("phép so sánh"), max_length=4, choices=Comparator.choices)
    value = models.FloatField(_("ngưỡng"), null=True, blank=True)
    value_ref = models.JSONField(
        _("ngưỡng tham chiếu"),
        null=True,
        blank=True,
        help_text=_("{framework, indicator, factor}: ngưỡng = hệ số × ngưỡng bộ khác."),
    )
    region = models.CharField(_("vùng"), max_length=40, choices=Region.choices, blank=True)
    group = models.PositiveSmallIntegerField(_("nhóm xã"), null=True, blank=True)
    kinds = models.JSONField(_("loại đơn vị"), default=list, blank=True)
    year_from = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    when = models.JSONField(_("điều kiện áp dụng"), default=list, blank=True)
    also = models.JSONField(_("điều kiện kèm theo"), default=list, blank=True)
    source = models.TextField(_("nguồn pháp lý"), blank=True)
    source_url = models.URLField(_("đường dẫn nguồn"), max_length=500, blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=False, db_index=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # bumped by every in-place write (verify); the edit and verify forms send it back (core.concurrency)
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        ordering = ["framework", "indicator__order", "order"]
        verbose_name = _("ngưỡng")
        verbose_name_plural = _("ngưỡng")
        constraints = [models.UniqueConstraint(fields=["framework", "key"], name="criteria_rule_key")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_comparator_display()} {self.value}"

    def as_engine_dict(self) -> dict:
        return {
            "id": self.pk,
            "key": self.key,
            "comparator": self.comparator,
            "value": self.value,
            "ref": self.value_ref,
            "region": self.region or None,
            "group": self.group,
            "kinds": self.kinds,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "when": self.when,
            "also": self.also,
            "source": self.source,
            "source_url": self.source_url,
            "verified": self.verified,
            "note": self.note,
        }
