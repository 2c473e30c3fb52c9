"""Curators' forms for collections."""

import re

from django import forms
from django.core.exceptions import ValidationError

from hub.library.forms.common import MARKDOWN_HINT, text_field
from hub.library.models import Entry

# --- Collections ----------------------------------------------------------------------------


class CollectionForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200,
        help_text="For example, Ten ways councils cut energy bills",
        error_messages={"required": "Enter a title",
                        "max_length": "The title must be 200 characters or fewer"},
    )
    introduction = text_field("Introduction", rows=6, max_length=10000,
                         help_text="What the collection is for and who it will help. "
                         + MARKDOWN_HINT)


ENTRY_ADDRESS = re.compile(r"/library/entries/(?P<slug>[-a-zA-Z0-9_]+)/?")


class CollectionItemForm(forms.Form):
    entry = forms.CharField(
        label="Entry to add", max_length=500,
        help_text="Paste the entry’s web address, or type its exact title",
        error_messages={"required": "Enter the address or title of the entry to add"},
    )
    note = forms.CharField(
        label="Why it is in the collection", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def clean_entry(self) -> Entry:
        text = self.cleaned_data["entry"].strip()
        match = ENTRY_ADDRESS.search(text)
        lookups = [{"slug": match.group("slug")}] if match else [{"slug": text},
                                                                 {"title__iexact": text}]
        for lookup in lookups:
            found = list(Entry.objects.filter(**lookup)[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValidationError("More than one entry has this title: paste the web "
                                      "address of the one you mean")
        raise ValidationError("We could not find that entry: paste its web address from "
                              "the library")
