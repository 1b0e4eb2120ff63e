"""Administrative units through time.

A `Unit` is an identity that persists through renames and reclassifications (Huyện Tịnh Biên and
Thị xã Tịnh Biên are one unit). Its state over time is a series of `UnitVersion` rows, each with a
name, kind, national code and parent valid on [valid_from, valid_to] (inclusive; None = open).
Merges and splits end units and create new ones; `ChangeEvent` records what happened, when and by
which legal act, and `LineageLink` connects predecessors to successors. National codes are reused
across time (30292 was Phường Bình Khánh, and since 1/7/2025 is the merged Phường Bình Đức), so a code
is unique only among versions whose dates overlap.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CITY_CENTRAL = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    DISTRICT = "huyen", _("Huyện")
    TOWN = "thi_xa", _("Thị xã")
    CITY = "thanh_pho", _("Thành phố")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


LEVEL_OF_KIND = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.CITY_CENTRAL: UnitLevel.PROVINCE,
    UnitKind.DISTRICT: UnitLevel.DISTRICT,
    UnitKind.TOWN: UnitLevel.DISTRICT,
    UnitKind.CITY: UnitLevel.DISTRICT,
    UnitKind.COMMUNE: UnitLevel.COMMUNE,
    UnitKind.WARD: UnitLevel.COMMUNE,
    UnitKind.TOWNSHIP: UnitLevel.COMMUNE,
    UnitKind.SPECIAL_ZONE: UnitLevel.COMMUNE,
}


class Region(models.TextChoices):
    """Socio-economic regions used by the 2021–2025 criteria thresholds."""

    NORTHERN_MIDLANDS_MOUNTAINS = "trung_du_mien_nui_phia_bac", _("Trung du và miền núi phía Bắc")
    RED_RIVER_DELTA = "dong_bang_song_hong", _("Đồng bằng sông Hồng")
    NORTH_CENTRAL_COAST = "bac_trung_bo_duyen_hai_mien_trung", _("Bắc Trung Bộ và Duyên hải miền Trung")
    CENTRAL_HIGHLANDS = "tay_nguyen", _("Tây Nguyên")
    SOUTHEAST = "dong_nam_bo", _("Đông Nam Bộ")
    MEKONG_DELTA = "dong_bang_song_cuu_long", _("Đồng bằng sông Cửu Long")


class Unit(models.Model):
    """An administrative unit's identity. Name, kind, code and parent live on its versions;
    the fields here mirror the latest version for convenient display and search.

    `key` is the natural key the built-in loader upserts by: the national code for a unit that existed
    before the data begins, "code@first-day" otherwise (codes are reused: "30292" was Phường Bình Khánh,
    "30292@2025-07-01" is the merged Phường Bình Đức)."""

    key = models.CharField(_("khóa"), max_length=40, unique=True)
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    region = models.CharField(_("vùng"), max_length=40, choices=Region.choices, blank=True)
    commune_group = models.PositiveSmallIntegerField(_("nhóm xã"), null=True, blank=True)
    search_name = models.CharField(max_length=200, blank=True, db_index=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UnitVersion(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices, db_index=True)
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True, db_index=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["unit", "valid_from"]
        verbose_name = _("trạng thái đơn vị")
        verbose_name_plural = _("trạng thái đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unitversion_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}) {self.valid_from or '…'}–{self.valid_to or '…'}"


class ChangeKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    DISSOLVE = "dissolve", _("Giải thể")
    RENAME = "rename", _("Đổi tên")
    RECLASSIFY = "reclassify", _("Chuyển loại")
    MERGE = "merge", _("Nhập, hợp nhất")
    SPLIT = "split", _("Chia, tách")
    TRANSFER = "transfer", _("Điều chỉnh địa giới")


class ChangeEvent(models.Model):
    """What happened to administrative units on a date, by which legal act. `units` are the units it
    affects (also those without a lineage link, e.g. districts ended by the abolition of the district
    level); `key` is the built-in loader's natural key (None for events entered by hand)."""

    key = models.CharField(_("khóa"), max_length=100, unique=True, null=True, blank=True)
    date = models.DateField(_("ngày hiệu lực"), db_index=True)
    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=ChangeKind.choices)
    legal_act = models.CharField(_("văn bản"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    verified = models.BooleanField(_("đã kiểm chứng"), default=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="change_events", verbose_name=_("đơn vị"))

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("sự kiện thay đổi địa giới")
        verbose_name_plural = _("sự kiện thay đổi địa giới")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} — {self.legal_act}"


class LineageLink(models.Model):
    """predecessor → successor through an event. For a rename or reclassification the predecessor and
    the successor are the same unit. `share` is an approximate area share where known."""

    event = models.ForeignKey(ChangeEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="predecessor_links")
    share = models.DecimalField(
        _("tỉ lệ (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Phần trăm diện tích của đơn vị tiền thân thuộc về đơn vị kế thừa (gần đúng)."),
    )
    verified = models.BooleanField(_("đã kiểm chứng"), default=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["event", "predecessor", "successor"], name="geo_lineage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.event.date})"


class Boundary(models.Model):
    """A unit's boundary (GeoJSON geometry) for the offline map, with its source and licence."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="boundaries")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    geometry = models.JSONField()
    source = models.TextField(blank=True)

    class Meta:
        verbose_name = _("ranh giới")
        verbose_name_plural = _("ranh giới")

    def __str__(self) -> str:
        return f"{self.unit} {self.valid_from or '…'}–{self.valid_to or '…'}"


class UnitAncestor(models.Model):
    """Derived closure of the unit tree through time: `ancestor` was `descendant` itself or above it
    on every day of [valid_from, valid_to] (inclusive, None = open). Built by
    `geo.closure.closure_rebuild` from the versions and kept in sync by the loader and by signals, so
    that the permission layer finds a jurisdiction's subtree with one join instead of a walk."""

    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=True)
    descendant = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("quan hệ cấp trên của đơn vị")
        verbose_name_plural = _("quan hệ cấp trên của đơn vị")
        indexes = [models.Index(fields=["ancestor", "descendant"], name="geo_unitanc_anc_desc")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id} {self.valid_from or '…'}–{self.valid_to or '…'}"


class UnitHeir(models.Model):
    """Derived: on [valid_from, valid_to] the open business of `unit` is held by `heir`. Every unit is
    its own heir while it exists; after it ends, its successors through the lineage hold it (a split
    unit has several), and a unit ended without a successor (a district abolished on 1/7/2025) passes
    it to the unit that was its parent on its last day — each followed on to today's units."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=True)
    heir = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị kế thừa công việc")
        verbose_name_plural = _("đơn vị kế thừa công việc")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.heir_id} {self.valid_from or '…'}–{self.valid_to or '…'}"
