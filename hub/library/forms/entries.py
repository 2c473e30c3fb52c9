"""Adding and changing an entry."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from hub.directory.selectors import organisations_named
from hub.library.countries import country_code
from hub.library.forms.common import MARKDOWN_HINT, text_field, year_field
from hub.library.models import Entry
from hub.library.services.entries import EntryData
from hub.library.taxonomy import (
    EVIDENCE_EXPLAINED,
    ChallengeArea,
    EntryKind,
    EvaluationType,
    EvidenceLevel,
    OriginSector,
)

# --- Adding and changing an entry -----------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


class CountriesField(forms.CharField):
    """Countries typed one a line or separated by commas, by name or ISO code; cleaned to a
    list of codes."""

    widget = forms.Textarea(attrs={"rows": 2})

    @staticmethod
    def parse(text: str) -> tuple[list[str], list[str]]:
        names = [name.strip() for name in re.split(r"[\n,;]", text or "") if name.strip()]
        codes, unknown = [], []
        for name in names:
            code = country_code(name)
            if not code:
                unknown.append(name)
            elif code not in codes:
                codes.append(code)
        return codes, unknown

    def clean(self, value):
        codes, unknown = self.parse(super().clean(value))
        if unknown:
            raise ValidationError(
                "We do not recognise "
                + ", ".join(f"“{name}”" for name in unknown)
                + " as a country: give its name, like France, or its code, like FR. "
                "Put regions and cities under ‘Region or locality’"
            )
        return codes

    def has_changed(self, initial, data) -> bool:
        return sorted(self.parse(initial or "")[0]) != sorted(self.parse(data or "")[0])


class LinksField(forms.CharField):
    """Further reading, one a line: ``Title | https://…`` or just the address."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        links = []
        for number, line in enumerate(_lines(super().clean(value)), start=1):
            title, _bar, url = line.rpartition("|")
            title, url = title.strip(), url.strip()
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                raise ValidationError(
                    f"Line {number} of the links must end with a web address starting "
                    f"https://, like “Evaluation report | https://example.org/report”"
                ) from None
            links.append({"title": title, "url": url} if title else {"url": url})
        return links


class SourcesField(forms.CharField):
    """Where the entry's facts come from: web addresses, one a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        urls = []
        for number, line in enumerate(_lines(super().clean(value)), start=1):
            try:
                URLValidator(schemes=["http", "https"])(line)
            except ValidationError:
                raise ValidationError(
                    f"Line {number} of the sources must be a web address starting https://"
                ) from None
            urls.append(line)
        return urls


class EntryForm(forms.Form):
    """Everything a practitioner or curator writes about an entry."""

    kind = forms.ChoiceField(
        label="What kind of entry is it?", choices=EntryKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of entry it is",
                        "invalid_choice": "Select what kind of entry it is"},
    )
    title = forms.CharField(
        label="Title", max_length=300,
        help_text="Say what was done and what happened, for example “Text message reminders "
        "cut missed hospital appointments”",
        error_messages={"required": "Enter a title",
                        "max_length": "The title must be 300 characters or fewer"},
    )
    summary = text_field("Summary", rows=4, required=True, max_length=5000,
                    help_text="Two or three sentences: what was done, by whom, and what "
                    "happened. " + MARKDOWN_HINT,
                    required_message="Enter a summary")
    problem = text_field("The problem")
    approach = text_field("What they did")
    results = text_field("Results")
    lessons = text_field("Lessons learned")
    costs = text_field("Costs", rows=3)
    organisation_names = forms.CharField(
        label="Organisations", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, by name or abbreviation, for example HMRC. Names we find in the "
        "directory are linked to it; others are kept as you wrote them.",
        error_messages={"max_length": "The organisations must be 5,000 characters or fewer"},
    )
    countries = CountriesField(
        label="Countries", required=False, max_length=1000,
        help_text="One a line or separated by commas, by name or code, for example United "
        "Kingdom or FR",
    )
    locality = forms.CharField(
        label="Region or locality", required=False, max_length=200,
        help_text="For example, Greater Manchester or Bavaria",
        error_messages={"max_length": "The region or locality must be 200 characters or fewer"},
    )
    start_year = year_field("Start year", "The year it began, for example 2019")
    end_year = year_field("End year", "Leave empty if it is still running")
    challenge_area = forms.ChoiceField(
        label="Challenge area", choices=ChallengeArea.choices, initial=ChallengeArea.OTHER,
        error_messages={"required": "Select a challenge area",
                        "invalid_choice": "Select a challenge area from the list"},
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=1000,
        help_text="Topics, separated by commas, for example nudges, data sharing",
        error_messages={"max_length": "The tags must be 1,000 characters or fewer"},
    )
    origin_sector = forms.ChoiceField(
        label="Where did the idea come from?", required=False,
        choices=[*OriginSector.choices, ("", "Not known")], widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select where the idea came from"},
    )
    evidence_level = forms.TypedChoiceField(
        label="Evidence level", required=False, coerce=int, empty_value=None,
        choices=[(str(level), label) for level, label in EvidenceLevel.choices]
        + [("", "Not assessed yet")],
        widget=forms.RadioSelect,
        help_text="How strong is the evidence that it works? These are Nesta’s Standards of "
        "Evidence.",
        error_messages={"invalid_choice": "Select an evidence level from the list"},
    )
    evidence_reason = text_field("Why this evidence level", rows=3, max_length=5000,
                            help_text="What the evidence is: the data, the comparison, the "
                            "evaluation. " + MARKDOWN_HINT)
    evaluation_type = forms.ChoiceField(
        label="Type of evaluation", required=False,
        choices=[("", "Not recorded"), *EvaluationType.choices],
        error_messages={"invalid_choice": "Select a type of evaluation from the list"},
    )
    links = LinksField(
        label="Links to further reading", required=False, max_length=10000,
        help_text="One a line: a title, a vertical bar, then the web address, for example "
        "Evaluation report | https://example.org/report",
    )
    sources = SourcesField(
        label="Sources", required=False, max_length=10000,
        help_text="Where the facts come from: web addresses, one a line",
    )
    licence = forms.CharField(
        label="Licence", required=False, max_length=200,
        help_text="For example, Open Government Licence v3.0 or CC BY 4.0",
        error_messages={"max_length": "The licence must be 200 characters or fewer"},
    )
    contact_text = text_field("Who to contact", rows=3, max_length=2000,
                         help_text="Names, roles or team email addresses of people happy to "
                         "talk about it")

    # Filled by clean(): the organisations found in the directory, and the names that were not.
    matched_organisations: list = ()
    unmatched_names: list[str] = ()

    def __init__(self, *args, entry: Entry | None = None, **kwargs):
        self.entry = entry
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(entry)
        super().__init__(*args, **kwargs)

    def evidence_options(self) -> list[dict]:
        """The evidence level radios with their plain-words explanations."""
        field = self["evidence_level"]
        chosen = str(field.value() if field.value() is not None else "")
        return [
            {"value": value, "label": label, "checked": chosen == value,
             "hint": EVIDENCE_EXPLAINED.get(int(value)) if value else "",
             "id": field.auto_id if number == 0 else f"{field.auto_id}_{number}"}
            for number, (value, label) in enumerate(self.fields["evidence_level"].choices)
        ]

    def clean_organisation_names(self) -> list[str]:
        names = _lines(self.cleaned_data.get("organisation_names", ""))
        found, problems = organisations_named(names=names)
        self.matched_organisations = found
        self.unmatched_names = problems
        return names

    def clean_tags(self) -> list[str]:
        text = self.cleaned_data.get("tags", "")
        return [" ".join(name.split()) for name in text.split(",") if name.strip()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "The end year must be the same as or after the start "
                                       "year")
        return cleaned

    def entry_data(self) -> EntryData:
        data = dict(self.cleaned_data)
        organisations = self.matched_organisations
        tags = data.pop("tags")
        data["evaluation_type"] = data.get("evaluation_type") or ""
        data["origin_sector"] = data.get("origin_sector") or ""
        # The country as given at import stays until someone changes the countries.
        if self.entry is None or "countries" in self.changed_data:
            data["country_text"] = ""
        return EntryData(values=data, organisations=organisations, tags=tags)

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's validation error against the field it names, if the form has it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def initial_for(entry: Entry) -> dict:
    """An entry as the form shows it for changing."""
    names = entry.organisation_names or [org.name for org in entry.organisations.all()]
    return {
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "problem": entry.problem,
        "approach": entry.approach,
        "results": entry.results,
        "lessons": entry.lessons,
        "costs": entry.costs,
        "organisation_names": "\n".join(names),
        "countries": "\n".join(country.name for country in entry.countries),
        "locality": entry.locality,
        "start_year": entry.start_year,
        "end_year": entry.end_year,
        "challenge_area": entry.challenge_area,
        "tags": ", ".join(tag.name for tag in entry.tags.all()),
        "origin_sector": entry.origin_sector,
        "evidence_level": "" if entry.evidence_level is None else str(entry.evidence_level),
        "evidence_reason": entry.evidence_reason,
        "evaluation_type": entry.evaluation_type,
        "links": "\n".join(
            f"{link['title']} | {link.get('url', '')}" if link.get("title")
            else link.get("url", "") for link in entry.links
        ),
        "sources": "\n".join(entry.sources),
        "licence": entry.licence,
        "contact_text": entry.contact_text,
    }
