from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hub.accounts.models import ApiToken, PractitionerDomain, PractitionerRequest, User


@admin.register(User)
class HubUserAdmin(UserAdmin):
    list_display = ["email", "display_name", "organisation", "is_active", "erased_at"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    fieldsets = UserAdmin.fieldsets + (
        ("On the hub", {"fields": ["display_name", "job_title", "organisation", "erased_at"]}),
    )
    # Roles are granted on the hub's People and roles page, where every grant is audited.
    readonly_fields = ["groups", "user_permissions", "is_superuser", "is_staff", "erased_at",
                       "last_login", "date_joined"]


@admin.register(PractitionerDomain)
class PractitionerDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain"]


@admin.register(PractitionerRequest)
class PractitionerRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation_name", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "decided_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
    raw_id_fields = ["user"]
