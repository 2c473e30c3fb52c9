from django.contrib import admin

from hub.directory.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Read-only: the pages at /organisations/ are how curators add and change partners (and
    those changes are audited), and ``load_public_bodies`` is how public bodies change."""

    list_display = ["name", "abbreviation", "kind", "nation", "status", "source", "updated_at"]
    list_filter = ["kind", "nation", "status", "source"]
    search_fields = [
        "name",
        "abbreviation",
        "other_names",
        "slug",
        "govuk_slug",
        "la_code",
        "gss_code",
        "ods_code",
    ]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
