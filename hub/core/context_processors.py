from django.conf import settings
from django.urls import reverse


def _nav(request):
    user = getattr(request, "user", None)
    items = [
        ("Library", reverse("library:home")),
        ("Organisations", reverse("directory:list")),
        ("API", reverse("api-1.0.0:openapi-view")),
    ]
    if user is not None and user.is_authenticated:
        if user.has_perm("core.view_audit_log"):
            items.append(("Audit log", reverse("core:audit_log")))
        if user.has_perm("accounts.view_people"):
            items.append(("People and roles", reverse("people:list")))
    path = request.path
    return [
        {"text": text, "href": href, "current": path == href, "active": path.startswith(href)}
        for text, href in items
    ]


def hub(request):
    return {
        "service_name": settings.HUB_SERVICE_NAME,
        "phase": settings.HUB_PHASE,
        "contact_email": settings.HUB_CONTACT_EMAIL,
        "navigation": _nav(request),
    }
