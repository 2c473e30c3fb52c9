import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hub.core.csv_export import csv_response
from hub.core.forms import AuditFilterForm
from hub.core.permissions import require_perm
from hub.core.selectors import audit_entries

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: can we reach the database and the cache?"""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        logger.exception("Health check: database unreachable")
        checks["database"] = {"status": "error", "error": error.__class__.__name__}
    try:
        cache.set("healthz", "1", 5)
        ok = cache.get("healthz") == "1"
        checks["cache"] = {
            "status": "ok" if ok else "error",
            "backend": caches["default"].__class__.__name__,
        }
    except Exception as error:  # noqa: BLE001
        logger.exception("Health check: cache unreachable")
        checks["cache"] = {"status": "error", "error": error.__class__.__name__}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


AUDIT_CSV_HEADER = [
    "when",
    "who",
    "action",
    "object type",
    "object id",
    "object",
    "from state",
    "to state",
]


def _audit_rows(entries):
    for entry in entries.iterator(chunk_size=500):
        yield [
            entry.created_at.isoformat(),
            entry.actor_name,
            entry.action,
            entry.target_type.model if entry.target_type else "",
            entry.target_id,
            entry.target_label,
            entry.from_state,
            entry.to_state,
        ]


@login_required
@require_perm("core.view_audit_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entries(**filters)
    if request.GET.get("format") == "csv" and request.user.has_perm("core.export_audit_log"):
        return csv_response("audit-log.csv", AUDIT_CSV_HEADER, _audit_rows(entries))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page_obj": page})


def _error(request, template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template, {}, request), status=status)


def error_400(request, exception=None):
    return _error(request, "400.html", 400)


def error_403(request, exception=None):
    return _error(request, "403.html", 403)


def error_404(request, exception=None):
    return _error(request, "404.html", 404)


def error_500(request):
    # No request context: the error may have come from a context processor or the database.
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)


def csrf_failure(request, reason=""):
    return _error(request, "403_csrf.html", 403)
