from django.contrib import admin
from django.urls import include, path

from hub.api.api import api

urlpatterns = [
    path("", include("hub.core.urls")),
    path("accounts/", include("hub.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("hub.accounts.urls_people")),
    path("organisations/", include("hub.directory.urls")),
    path("library/", include("hub.library.urls")),
    path("search/", include("hub.search.views")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler400 = "hub.core.views.error_400"
handler403 = "hub.core.views.error_403"
handler404 = "hub.core.views.error_404"
handler500 = "hub.core.views.error_500"
