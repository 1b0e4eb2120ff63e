"""Read-only admin views of the unit map. The map is reference data loaded from data/geo by
`chungsuc load_builtin` (geo.services.unit_data_load, audited); it is not edited by hand here."""

from django.contrib import admin

from chungsuc.geo.models import Boundary, ChangeEvent, LineageLink, Unit, UnitVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    fields = ["valid_from", "valid_to", "code", "name", "kind", "parent"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "level", "valid_from", "valid_to", "verified"]
    list_filter = ["level", "kind", "verified"]
    search_fields = ["code", "name", "search_name", "key"]
    inlines = [VersionInline]


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "legal_act", "verified"]
    list_filter = ["kind", "verified", "date"]
    search_fields = ["legal_act", "description", "key"]


@admin.register(LineageLink)
class LineageLinkAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "share", "verified"]
    list_filter = ["verified", "event__kind"]
    list_select_related = ["predecessor", "successor", "event"]


@admin.register(Boundary)
class BoundaryAdmin(ReadOnlyAdmin):
    list_display = ["unit", "valid_from", "valid_to"]
    list_select_related = ["unit"]
    exclude = ["geometry"]
