"""The versions of an entry as people read them: who changed what, with a word-level diff
of long text (django-simple-history records the versions)."""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries as all_countries

from hub.library.models import Entry

HISTORY_PAGE_SIZE = 20
# Recorded with every version but shown elsewhere on the page, or not meaningful to people.
HISTORY_HIDDEN = ["author", "source_id", "submitted_at", "published_at", "slug"]
LONG_TEXT = {
    "summary",
    "problem",
    "approach",
    "results",
    "lessons",
    "costs",
    "evidence_reason",
    "contact_text",
}
_TOKENS = re.compile(r"\s+|[^\s]+")


def _shown(name: str, value) -> str:
    """A stored value as people read it."""
    if value in (None, "", []):
        return ""
    field = Entry._meta.get_field(name)
    if name == "countries":
        codes = value if isinstance(value, list | tuple) else str(value).split(",")
        return ", ".join(
            all_countries.name(str(getattr(code, "code", code))) or str(code)
            for code in codes
            if code
        )
    if name == "links":
        return "\n".join(f"{link.get('title', '')} {link.get('url', '')}".strip() for link in value)
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def word_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` word by word: removed words in <del>, added ones in <ins>, each
    labelled for screen readers; everything escaped."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if operation in ("delete", "replace"):
            parts.append(
                format_html(
                    '<del class="hub-diff__del"><span class="govuk-visually-hidden">removed: '
                    "</span>{}</del>",
                    "".join(before[a1:a2]),
                )
            )
        if operation in ("insert", "replace"):
            parts.append(
                format_html(
                    '<ins class="hub-diff__ins"><span class="govuk-visually-hidden">added: '
                    "</span>{}</ins>",
                    "".join(after[b1:b2]),
                )
            )
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


def changes_between(new_record, old_record) -> list[dict]:
    delta = new_record.diff_against(old_record, excluded_fields=HISTORY_HIDDEN)
    order = [field.name for field in Entry._meta.fields]
    changes = []
    for change in sorted(delta.changes, key=lambda change: order.index(change.field)):
        old, new = _shown(change.field, change.old), _shown(change.field, change.new)
        if old == new:
            continue
        changes.append(
            {
                "label": Entry._meta.get_field(change.field).verbose_name.capitalize(),
                "old": old,
                "new": new,
                "diff": word_diff(old, new) if change.field in LONG_TEXT and old and new else None,
            }
        )
    return changes


# The reasons the services record with each version, in words.
CHANGE_REASONS = {
    "": "Changed",
    "created": "Created",
    "imported": "Imported",
    "edited": "Edited",
    "entry.submit": "Submitted for review",
    "entry.review": "Taken into review",
    "entry.request_changes": "Sent back for changes",
    "entry.publish": "Published",
    "entry.archive": "Archived",
    "entry.restore": "Restored",
}


def who_changed(record) -> str:
    if record.history_user is not None:
        return record.history_user.public_name
    return "the hub" if record.history_change_reason == "imported" else "someone not recorded"
