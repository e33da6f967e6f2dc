from django.contrib import admin

from treem.core.models import Agency, ApiToken, Area, AuditLog, Membership, PublicHoliday, Role


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("key", "full_name", "kind", "level", "valid_to")
    list_filter = ("level", "kind")
    search_fields = ("key", "name", "name_folded")
    raw_id_fields = ("parent",)
    filter_horizontal = ("successors",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "focal_point")
    raw_id_fields = ("area", "focal_point")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "area_level")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "area", "is_active")
    raw_id_fields = ("user", "area", "agency")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("key_hash",)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
