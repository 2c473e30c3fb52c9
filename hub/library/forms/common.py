"""What the library's forms share: years, sorting and evidence wording."""


from django import forms
from django.utils import timezone

from hub.library.selectors import SORTS

EARLIEST_YEAR = 1900
SORT_CHOICES = [
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("title", "Title (A to Z)"),
    ("evidence", "Strongest evidence first"),
    ("year", "Most recent start year first"),
]
assert {value for value, _label in SORT_CHOICES} == set(SORTS)

EVIDENCE_SHORT = {
    1: "Level 1: describes what it does",
    2: "Level 2: data shows change",
    3: "Level 3: causality shown",
    4: "Level 4: independently replicated",
    5: "Level 5: replicated at scale",
}


def latest_year() -> int:
    return timezone.now().year + 10


def year_field(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=EARLIEST_YEAR, max_value=2100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": f"{label} must be a year, like 2019",
            "min_value": f"{label} must be {EARLIEST_YEAR} or later",
            "max_value": f"{label} must be a real year, like 2019",
        },
    )


MARKDOWN_HINT = "You can use Markdown: a blank line between paragraphs, * for bullet points, " \
                "**bold**, [link text](https://…)."


def text_field(label: str, *, rows: int = 5, required: bool = False, help_text: str = MARKDOWN_HINT,
          max_length: int = 20000, required_message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message or f"Enter the {label.lower()}",
            "max_length": f"The {label.lower()} must be {max_length:,} characters or fewer",
        },
    )
