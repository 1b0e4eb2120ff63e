"""Organisations, their jurisdictions over time, and users' memberships with a role."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles from the design guide. A membership gives a user one role in one organisation."""

    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh (Ban Thi đua–Khen thưởng)")
    PROGRAMME_OFFICE = "programme_office", _("Văn phòng Điều phối NTM")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    PARTICIPANT_OFFICER = "participant_officer", _("Cán bộ sở, ngành, đoàn thể")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng Thi đua–Khen thưởng")
    INSPECTOR = "inspector", _("Thành viên đoàn kiểm tra")


class OrganisationKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PARTY_BODY = "party", _("Cơ quan Đảng")
    FATHERLAND_FRONT = "mttq", _("Mặt trận Tổ quốc")
    MASS_ORGANISATION = "mass_org", _("Tổ chức chính trị – xã hội")
    COUNCIL = "council", _("Hội đồng Thi đua–Khen thưởng")
    STEERING_COMMITTEE = "steering", _("Ban Chỉ đạo")


class Organisation(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    """The organisation acts over `unit`'s subtree on [valid_from, valid_to] (inclusive, None = open)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="jurisdictions")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="jurisdictions")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("địa bàn phụ trách")
        verbose_name_plural = _("địa bàn phụ trách")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="accounts_jurisdiction_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.unit}"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
