"""The library's workflow pages: an author's own entries, the curators' review queue and list
of every entry, and the buttons that move an entry through its lifecycle (submit, take into
review, request changes, publish, archive, restore) and add review comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from hub.core.permissions import require_perm
from hub.library import forms, selectors
from hub.library.models import Entry
from hub.library.services import entries as services
from hub.library.views.entries import render_entry

# action → (service, permission, what the person is told afterwards)
TRANSITIONS = {
    "submit": (services.entry_submit, "library.submit_entry",
               "“{title}” has been sent to the curators for review."),
    "review": (services.entry_start_review, "library.review_entry",
               "You have taken “{title}” into review."),
    "publish": (services.entry_publish, "library.publish_entry",
                "“{title}” has been published."),
    "archive": (services.entry_archive, "library.archive_entry",
                "“{title}” has been archived: it is no longer shown in the library."),
    "restore": (services.entry_restore, "library.restore_entry",
                "“{title}” has been restored and is published again."),
}


@login_required
@require_POST
def entry_transition(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    service, perm, message = TRANSITIONS[action]
    if not request.user.has_perm(perm, entry):
        raise PermissionDenied
    service(entry=entry, by=request.user)
    messages.success(request, message.format(title=entry.title))
    return redirect(entry)


@login_required
def entry_request_changes(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    if not request.user.has_perm("library.request_changes_entry", entry):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(entry.get_absolute_url() + "#request-changes")
    form = forms.RequestChangesForm(request.POST)
    if form.is_valid():
        try:
            services.entry_request_changes(entry=entry, by=request.user,
                                           message=form.cleaned_data["message"])
        except ValidationError as error:
            form.add_error("message", error.messages)
        else:
            messages.success(request, f"“{entry.title}” has been sent back to its author "
                                      "with your message.")
            return redirect(entry)
    return render_entry(request, entry, form=form, status=400)


@login_required
@require_POST
def entry_comment(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)
    if not request.user.has_perm("library.comment_entry", entry):
        raise PermissionDenied
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.entry_comment(entry=entry, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.messages)
        else:
            messages.success(request, "Your comment has been added.")
            return redirect(entry.get_absolute_url() + "#comments")
    return render_entry(request, entry, form=form, status=400)


# --- Lists -----------------------------------------------------------------------------------


@login_required
def my_entries(request: HttpRequest) -> HttpResponse:
    entries = selectors.entries_by_author(user=request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "library/mine.html", {"page_obj": page})


@login_required
@require_perm("library.view_review_queue")
def review_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "library/review_queue.html", {"page_obj": page})


@login_required
@require_perm("library.view_review_queue")
def all_entries(request: HttpRequest) -> HttpResponse:
    """Every entry in every state, for curators, with the list's filters and the state."""
    form = forms.AllEntriesFilterForm(request.GET or None,
                                      countries=selectors.country_choices(selectors.published_country_counts()))
    base = Entry.objects.all()
    statuses = form.statuses()
    if statuses:
        base = base.filter(status__in=statuses)
    entries = selectors.entry_list(filters=form.filters(), base=base)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_display_fields(page.object_list)
    return render(request, "library/all_entries.html", {"form": form, "page_obj": page})


urlpatterns = [
    path("mine/", my_entries, name="mine"),
    path("review/", review_queue, name="review_queue"),
    path("review/all/", all_entries, name="all_entries"),
    *[
        path(f"entries/<slug:slug>/{action}/", entry_transition, {"action": action},
             name=f"entry_{action}")
        for action in TRANSITIONS
    ],
    path("entries/<slug:slug>/request-changes/", entry_request_changes,
         name="entry_request_changes"),
    path("entries/<slug:slug>/comments/", entry_comment, name="entry_comment"),
]
