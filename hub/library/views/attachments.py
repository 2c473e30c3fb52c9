"""Attaching files to an entry, removing them, and downloading them. Downloads are served by
the hub itself (never from a public media folder) to people who may see the entry."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from hub.library import selectors
from hub.library.models import Attachment
from hub.library.services import attachments as services


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG, smaller than 20 MB",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded – try again",
        },
    )
    title = forms.CharField(
        label="Title (optional)", required=False, max_length=200,
        help_text="What people see instead of the file name, for example “Evaluation report”",
    )


def _entry_for_editing(request, slug: str):
    entry = selectors.get_entry_for_user(user=request.user, slug=slug)  # 404 when hidden
    if not request.user.has_perm("library.edit_entry", entry):
        raise PermissionDenied("You cannot change the attachments of this entry now.")
    return entry


def attachment_manage(request, slug: str):
    entry = _entry_for_editing(request, slug)
    posted = request.method == "POST"
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            attachment = services.attachment_add(
                entry=entry, by=request.user, uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error("file", message)
        else:
            messages.success(request, f"“{attachment}” has been attached.")
            return redirect("library:attachments", slug=entry.slug)
    return render(request, "library/attachment_manage.html", {
        "entry": entry,
        "form": form,
        "attachments": list(entry.attachments.all()),
        "accepted": services.ACCEPTED,
    })


@require_POST
def attachment_remove(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("entry"), pk=pk)
    entry = attachment.entry
    if not request.user.has_perm("library.view_entry", entry):
        raise Http404("No such attachment")
    services.attachment_remove(attachment=attachment, by=request.user)  # 403 if not allowed
    messages.success(request, f"“{attachment}” has been removed.")
    return redirect("library:attachments", slug=entry.slug)


def attachment_download(request, pk: int, filename: str):
    attachment = get_object_or_404(Attachment.objects.select_related("entry"), pk=pk)
    if filename != attachment.filename or not request.user.has_perm(
        "library.view_entry", attachment.entry
    ):
        raise Http404("No such attachment")
    try:
        file = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing") from None
    response = FileResponse(file, as_attachment=True, filename=attachment.filename,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Drafts' files are only for their author and curators: never in a shared cache.
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("entries/<slug:slug>/attachments/", attachment_manage, name="attachments"),
    path("attachments/<int:pk>/remove/", attachment_remove, name="attachment_remove"),
    path("attachments/<int:pk>/<str:filename>", attachment_download,
         name="attachment_download"),
]
