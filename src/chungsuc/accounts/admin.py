"""The Django admin for organisations, jurisdictions and memberships. Every change made here is audited
like a change made through the product's own services (`core.audit`): who, when, which fields went
from what to what, in the same transaction as the change."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from chungsuc.accounts import permissions
from chungsuc.accounts.models import Jurisdiction, Membership, Organisation
from chungsuc.core.audit import audit_record

AUDIT_ACTIONS = {
    Organisation: ("organisation.create", "organisation.update", "organisation.delete"),
    Jurisdiction: ("jurisdiction.create", "jurisdiction.update", "jurisdiction.delete"),
    Membership: ("membership.grant", "membership.update", "membership.delete"),
}


def _fields(obj) -> dict:
    data = model_to_dict(obj)
    data.pop("id", None)
    return data


def _unit_of(obj):
    return getattr(obj, "unit_id", None)


def audit_admin_change(*, actor, obj, before: dict | None, deleted: bool = False) -> None:
    """One audit row for a create, update or delete made in the admin ("(quản trị)" as the reason)."""
    create, update, delete = AUDIT_ACTIONS[type(obj)]
    if deleted:
        action, after = delete, {}
    elif before is None:
        action, before, after = create, {}, _fields(obj)
    else:
        action, after = update, _fields(obj)
        if before == after:
            return
    audit_record(
        actor=actor,
        action=action,
        target=obj,
        unit_id=_unit_of(obj),
        before=before,
        after=after,
        reason="Thay đổi trong trang quản trị (Django admin)",
    )


class AuditedAdminMixin:
    """Writes a `core.audit` row for every save and delete of the object and of its inlines."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = _fields(old) if old is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_admin_change(actor=request.user, obj=obj, before=before)
        permissions.forget(request.user)

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_admin_change(actor=request.user, obj=obj, before=_fields(obj), deleted=True)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_admin_change(actor=request.user, obj=obj, before=_fields(obj), deleted=True)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        audited = formset.model in AUDIT_ACTIONS
        befores = {}
        if audited:
            for f in formset.forms:
                if f.instance.pk and f.has_changed():
                    old = formset.model.objects.filter(pk=f.instance.pk).first()
                    if old is not None:
                        befores[f.instance.pk] = _fields(old)
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if audited:
                for obj in formset.new_objects:
                    audit_admin_change(actor=request.user, obj=obj, before=None)
                for obj, _changed in formset.changed_objects:
                    audit_admin_change(actor=request.user, obj=obj, before=befores.get(obj.pk, {}))
                for obj in formset.deleted_objects:
                    audit_admin_change(actor=request.user, obj=obj, before=_fields(obj), deleted=True)


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    extra = 0
    raw_id_fields = ["unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "short_name"]
    inlines = [JurisdictionInline, MembershipInline]


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "unit", "valid_from", "valid_to"]
    search_fields = ["organisation__name", "unit__name", "unit__code"]
    raw_id_fields = ["organisation", "unit"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
