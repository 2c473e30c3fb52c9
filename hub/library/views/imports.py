"""Curators' imports: upload a CSV or JSON Lines file of cases, follow the background import,
read its report (and download the rejected lines)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from hub.core.csv_export import csv_response
from hub.core.permissions import require_perm
from hub.library.models import ImportRun
from hub.library.services import importing

RECENT_RUNS = 20
REJECTIONS_SHOWN = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV or JSON Lines (.csv or .jsonl), UTF-8, smaller than 20 MB. Each line "
        "needs at least an id, a title, a summary and a challenge area.",
        error_messages={"required": "Select a CSV or JSON Lines file",
                        "empty": "The selected file is empty",
                        "invalid": "Select a CSV or JSON Lines file"},
    )
    dry_run = forms.BooleanField(
        required=False, label="Check only (dry run)",
        help_text="Report what would be created, updated or rejected without changing the "
        "library.",
    )


@login_required
@require_perm("library.import_entries")
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = importing.import_run_start(by=request.user, upload=form.cleaned_data["file"],
                                             dry_run=form.cleaned_data["dry_run"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("library:import_run", pk=run.pk)
    runs = ImportRun.objects.select_related("created_by")[:RECENT_RUNS]
    return render(request, "library/import_start.html", {"form": form, "runs": runs},
                  status=400 if form.errors else 200)


def _run_for(request: HttpRequest, pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)


@login_required
@require_perm("library.import_entries")
def import_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    rejections = run.report.get("rejections", [])
    return render(request, "library/import_run.html", {
        "run": run,
        "in_progress": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
        "percent": int(100 * run.processed / run.total) if run.total else 0,
        "rejections": rejections[:REJECTIONS_SHOWN],
        "more_rejections": max(len(rejections) - REJECTIONS_SHOWN, 0),
    })


@login_required
@require_perm("library.import_entries")
def import_run_rejections(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected lines as CSV, to fix them in a spreadsheet."""
    run = _run_for(request, pk)
    rows = ([item["line"], item["reason"]] for item in run.report.get("rejections", []))
    return csv_response(f"import-{run.pk}-rejected-lines.csv", ["line", "reason"], rows)


urlpatterns = [
    path("import/", import_start, name="import"),
    path("import/<int:pk>/", import_run_detail, name="import_run"),
    path("import/<int:pk>/rejected.csv", import_run_rejections, name="import_run_rejections"),
]
