from django.contrib import admin

from chungsuc.accounts.models import Jurisdiction, Membership, Organisation


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    extra = 0
    raw_id_fields = ["unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "short_name"]
    inlines = [JurisdictionInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
