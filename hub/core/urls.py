from django.conf import settings
from django.urls import path
from django.views.generic import RedirectView

from hub.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg",
                                             permanent=True)),
    path("audit/", views.audit_log, name="audit_log"),
]
