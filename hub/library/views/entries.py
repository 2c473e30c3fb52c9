"""The library's reading and writing pages: the home page, the list with its filters and
downloads, an entry (with its printable view and its history), and the form to add or change
an entry. The workflow (submit, review, publish…) is in ``review.py``."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries as all_countries

from hub.library import forms, history, selectors
from hub.library.models import Entry, Status
from hub.library.services import entries as services
from hub.library.taxonomy import EVIDENCE_EXPLAINED, ChallengeArea, EntryKind
from hub.search import selectors as search_selectors

PAGE_SIZE = 20
EXPORT_FORMATS = ("csv", "json", "jsonl")
NEWEST_ON_HOME = 5
TOP_COUNTRIES = 12


# --- Home and list ---------------------------------------------------------------------------


def library_home(request: HttpRequest) -> HttpResponse:
    countries = selectors.published_country_counts()
    newest = selectors.entry_list(filters=selectors.EntryFilters())[:NEWEST_ON_HOME]
    return render(request, "library/home.html", {
        "counts": selectors.browse_counts(),
        "countries": [{"code": code, "name": all_countries.name(code) or code, "count": number}
                      for code, number in countries.most_common(TOP_COUNTRIES)],
        "newest": selectors.with_display_fields(newest),
        "collections": selectors.published_collections()[:6],
        "filter_form": forms.EntryFilterForm(),
    })


def entry_list(request: HttpRequest) -> HttpResponse:
    form = forms.EntryFilterForm(request.GET or None,
                                 countries=selectors.country_choices(selectors.published_country_counts()))
    filters = form.filters()
    entries = selectors.entry_list(filters=filters)
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        # Imported here so this page works while the export helper is being written.
        from hub.library.services.exporting import export_response

        return export_response(entries=entries, fmt=fmt, filename_stem="library-entries",
                               base_url=request.build_absolute_uri("/")[:-1])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_display_fields(page.object_list)
    return render(request, "library/entry_list.html", {
        "form": form, "page_obj": page, "export_formats": EXPORT_FORMATS,
        **_followable(filters),
    })


def _followable(filters: selectors.EntryFilters) -> dict:
    """A list narrowed to one tag (of published entries) or one challenge area offers to
    follow it, as the entry pages do."""
    if filters.tag:
        try:
            return {"follow_tag": selectors.get_public_tag(slug=filters.tag)}
        except Http404:
            return {}
    if len(filters.areas) == 1:
        return {"follow_area": ChallengeArea(filters.areas[0])}
    return {}


# --- One entry -------------------------------------------------------------------------------


def _actions(user, entry: Entry) -> list[dict]:
    """The buttons this person may press on this entry, in the order they are shown."""
    possible = [
        ("submit", "Resubmit for review" if entry.status == Status.CHANGES_REQUESTED
         else "Submit for review", ""),
        ("review", "Take into review", ""),
        ("publish", "Publish", ""),
        ("restore", "Restore", "govuk-button--secondary"),
        ("archive", "Archive", "govuk-button--warning"),
    ]
    return [
        {"name": name, "label": label, "style": style,
         "url": reverse(f"library:entry_{name}", kwargs={"slug": entry.slug})}
        for name, label, style in possible
        if user.has_perm(f"library.{name}_entry", entry)
    ]


def json_ld(request: HttpRequest, entry: Entry) -> SafeString:
    """schema.org metadata for a published entry, safe inside a ``<script>`` element."""
    url = request.build_absolute_uri(entry.get_absolute_url())
    authors = [
        {"@type": "Organization", "name": organisation.name,
         "url": request.build_absolute_uri(organisation.get_absolute_url())}
        for organisation in entry.organisations.all()
    ] + [{"@type": "Organization", "name": name} for name in entry.unmatched_organisation_names]
    places = [{"@type": "Place", "name": country.name} for country in entry.countries]
    if not places and entry.country_text:
        places = [{"@type": "Place", "name": entry.country_text}]
    if entry.locality:
        places.append({"@type": "Place", "name": entry.locality})
    data = {
        "@context": "https://schema.org",
        "@type": "Article" if entry.kind == EntryKind.CASE_STUDY else "CreativeWork",
        "@id": url,
        "url": url,
        "name": entry.title,
        "headline": entry.title[:110],
        "description": entry.summary,
        "genre": entry.get_kind_display(),
        "about": {"@type": "Thing", "name": entry.get_challenge_area_display()},
        "inLanguage": "en-GB",
        "publisher": {"@type": "Organization", "name": settings.HUB_SERVICE_NAME,
                      "url": request.build_absolute_uri(reverse("core:home"))},
        "datePublished": entry.published_at.isoformat() if entry.published_at else None,
        "dateModified": entry.updated_at.isoformat(),
        "author": authors or None,
        "spatialCoverage": places or None,
        "keywords": ", ".join(tag.name for tag in entry.tags.all()) or None,
        "isBasedOn": safe_links(entry)["sources"] or None,
        "license": entry.licence or None,
        "temporalCoverage": (f"{entry.start_year}/{entry.end_year or '..'}"
                             if entry.start_year else None),
    }
    text = json.dumps({key: value for key, value in data.items() if value is not None},
                      ensure_ascii=False, indent=1)
    # "</script>" or "<!--" in a title must not end the element early.
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return mark_safe(text)  # noqa: S308 - JSON with <, > and & escaped


def safe_links(entry: Entry) -> dict:
    """The entry's further reading and sources that are web addresses (imports may hold
    anything; a ``javascript:`` link must never reach a page)."""
    def is_web(url) -> bool:
        return str(url or "").lower().startswith(("https://", "http://"))

    return {
        "further": [link for link in entry.links if is_web(link.get("url"))],
        "sources": [url for url in entry.sources if is_web(url)],
    }


def render_entry(request: HttpRequest, entry: Entry, *, form=None, status: int = 200):
    """The entry page; ``form`` is a comment or request-changes form that failed to
    validate, shown with its errors."""
    user = request.user
    # The author and the curators read the review conversation (the same people who may
    # read the entry's history).
    sees_review = user.has_perm("library.history_entry", entry)
    comments = (list(entry.comments.select_related("author")) if sees_review else [])
    context = {
        "entry": entry,
        "actions": _actions(user, entry),
        "can_edit": user.has_perm("library.edit_entry", entry),
        "can_comment": user.has_perm("library.comment_entry", entry),
        "can_request_changes": user.has_perm("library.request_changes_entry", entry),
        "sees_review": sees_review,
        "comments": comments,
        "changes_requested": next(
            (comment for comment in reversed(comments)
             if comment.kind == comment.Kind.CHANGES_REQUESTED), None),
        "comment_form": form if isinstance(form, forms.CommentForm) else forms.CommentForm(),
        "request_form": (form if isinstance(form, forms.RequestChangesForm)
                         else forms.RequestChangesForm()),
        "form": form,
        "evidence_explained": EVIDENCE_EXPLAINED.get(entry.evidence_level),
        "challenge_area": ChallengeArea(entry.challenge_area),
        "web_links": safe_links(entry),
        "similar": selectors.similar_entries(entry=entry, user=request.user),
        "json_ld": json_ld(request, entry) if entry.is_published else None,
        "absolute_url": request.build_absolute_uri(entry.get_absolute_url()),
    }
    return render(request, "library/entry.html", context, status=status)


def entry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    return render_entry(request, entry)


def entry_print(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    return render(request, "library/entry_print.html", {
        "entry": entry,
        "web_links": safe_links(entry),
        "evidence_explained": EVIDENCE_EXPLAINED.get(entry.evidence_level),
        "absolute_url": request.build_absolute_uri(entry.get_absolute_url()),
    })


# --- History ---------------------------------------------------------------------------------


@login_required
def entry_history(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    if not request.user.has_perm("library.history_entry", entry):
        raise PermissionDenied
    records = entry.history.select_related("history_user").order_by("-history_date",
                                                                     "-history_id")
    page = Paginator(records, history.HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # One more than the page, to compare the page's oldest version with the one before it.
    window = (list(records[page.start_index() - 1:page.end_index() + 1])
              if page.paginator.count else [])
    versions = []
    for index, record in enumerate(window[:len(page.object_list)]):
        previous = window[index + 1] if index + 1 < len(window) else None
        versions.append({
            "record": record,
            "who": history.who_changed(record),
            "what": history.CHANGE_REASONS.get(record.history_change_reason or "",
                                       record.history_change_reason or "Changed"),
            "status": Status(record.status).label,
            "changes": history.changes_between(record, previous) if previous else [],
            "first": previous is None,
        })
    return render(request, "library/entry_history.html", {
        "entry": entry, "versions": versions, "page_obj": page,
    })


# --- Adding and changing ---------------------------------------------------------------------


def _save_and_maybe_submit(request, *, form, entry: Entry | None) -> Entry:
    submit = request.POST.get("action") == "submit"
    with transaction.atomic():
        if entry is None:
            entry = services.entry_create(by=request.user, data=form.entry_data())
        else:
            entry = services.entry_update(entry=entry, by=request.user, data=form.entry_data())
        if submit:
            services.entry_submit(entry=entry, by=request.user)
    return entry


def _saved_message(entry: Entry, form, *, submitted: bool) -> str:
    text = (f"“{entry.title}” has been sent to the curators for review." if submitted
            else f"“{entry.title}” has been saved.")
    if form.unmatched_names:
        text += (" These organisations are not in the directory and are shown as written: "
                 + ", ".join(form.unmatched_names) + ".")
    return text


def _form_page(request, *, form, entry: Entry | None, status: int = 200,
               prior_art: list | None = None):
    can_submit = (request.user.has_perm("library.create_entry") if entry is None
                  else request.user.has_perm("library.submit_entry", entry))
    return render(request, "library/entry_form.html", {
        "form": form, "entry": entry, "can_submit": can_submit,
        "unmatched": entry.unmatched_organisation_names if entry is not None else [],
        "prior_art": prior_art or [], "checked": prior_art is not None,
    }, status=status)


def _checking_similar(request) -> bool:
    return request.method == "POST" and request.POST.get("action") == "check_similar"


def _prior_art_page(request, *, form, entry: Entry | None):
    """The form again, everything typed kept and nothing saved, with the closest entries
    already in the hub (the "Check for similar entries" button, which needs no JavaScript).
    Nothing is validated yet: the person has not asked to save."""
    prior_art = search_selectors.similar_to_text(
        request.POST.get("title", "")[:300], request.POST.get("summary", "")[:20000],
        user=request.user, kinds=["case"],
        exclude=("case", entry.pk) if entry is not None else None)
    form.full_clean()
    form._errors.clear()
    return _form_page(request, form=form, entry=entry, prior_art=prior_art)


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("library.create_entry"):
        return render(request, "library/entry_create_denied.html", status=403)
    form = forms.EntryForm(request.POST if request.method == "POST" else None)
    if _checking_similar(request):
        return _prior_art_page(request, form=form, entry=None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = _save_and_maybe_submit(request, form=form, entry=None)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _saved_message(
                entry, form, submitted=entry.status == Status.SUBMITTED))
            return redirect(entry)
    return _form_page(request, form=form, entry=None)


@login_required
def entry_edit(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    if not request.user.has_perm("library.edit_entry", entry):
        raise PermissionDenied
    form = forms.EntryForm(request.POST if request.method == "POST" else None, entry=entry)
    if _checking_similar(request):
        return _prior_art_page(request, form=form, entry=entry)
    if request.method == "POST" and form.is_valid():
        before = entry.status
        try:
            entry = _save_and_maybe_submit(request, form=form, entry=entry)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _saved_message(
                entry, form, submitted=entry.status != before))
            return redirect(entry)
    return _form_page(request, form=form, entry=entry)


urlpatterns = [
    path("", library_home, name="home"),
    path("entries/", entry_list, name="entries"),
    path("entries/new/", entry_create, name="entry_create"),
    path("entries/<slug:slug>/", entry_detail, name="entry"),
    path("entries/<slug:slug>/print/", entry_print, name="entry_print"),
    path("entries/<slug:slug>/history/", entry_history, name="entry_history"),
    path("entries/<slug:slug>/edit/", entry_edit, name="entry_edit"),
]
