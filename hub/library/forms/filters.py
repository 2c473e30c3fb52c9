"""The filters of the library's lists."""


from django import forms

from hub.library.forms.common import EVIDENCE_SHORT, SORT_CHOICES, year_field
from hub.library.models import Status
from hub.library.selectors import EntryFilters
from hub.library.taxonomy import (
    ChallengeArea,
    EntryKind,
    EvidenceLevel,
)

# --- The list's filters ---------------------------------------------------------------------


class EntryFilterForm(forms.Form):
    """The search box, filters and sort order of the list page (a GET form: the URL is the
    search). ``countries`` are the choices to offer: those present among published entries."""

    q = forms.CharField(
        label="Search the library", required=False, max_length=200,
        help_text="Words from the title, summary, results, organisations or country",
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )
    kind = forms.MultipleChoiceField(
        label="Kind of entry", required=False, choices=EntryKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select kinds of entry from the list"},
    )
    area = forms.MultipleChoiceField(
        label="Challenge area", required=False, choices=ChallengeArea.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select challenge areas from the list"},
    )
    evidence = forms.TypedMultipleChoiceField(
        label="Evidence level", required=False, coerce=int,
        choices=[(str(level), EVIDENCE_SHORT[level]) for level in EvidenceLevel.values],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select evidence levels from the list"},
    )
    country = forms.MultipleChoiceField(
        label="Country", required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select countries from the list"},
    )
    year_from = year_field("Started from", "For example, 2015")
    year_to = year_field("Started by", "For example, 2024")
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=SORT_CHOICES,
        error_messages={"invalid_choice": "Choose a sort order from the list"},
    )
    # Set by links from elsewhere (a tag on an entry, an organisation's page); not shown as
    # boxes.
    tag = forms.SlugField(required=False, max_length=90)
    organisation = forms.SlugField(required=False, max_length=255)

    # The API's names for the same filters (GET /api/v1/cases?challenge_area=…): a link built
    # for the API works on the page too.
    API_NAMES = {"challenge_area": "area", "evidence_level": "evidence"}

    def __init__(self, data=None, *args, countries: list[tuple[str, str]] = (), **kwargs):
        if hasattr(data, "getlist") and any(name in data for name in self.API_NAMES):
            data = data.copy()
            for api_name, name in self.API_NAMES.items():
                if api_name in data and name not in data:
                    data.setlist(name, data.getlist(api_name))
                data.pop(api_name, None)
        super().__init__(data, *args, **kwargs)
        self.fields["country"].choices = list(countries)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", "‘Started by’ must be the same as or after "
                                      "‘Started from’")
        return cleaned

    def filters(self) -> EntryFilters:
        """The filters for ``selectors.entry_list``. A value that is not one of the choices is
        reported as an error and left out; the valid ones still apply, so the results always
        match the boxes shown ticked."""
        if not self.is_bound:
            return EntryFilters()
        self.is_valid()
        data = self.cleaned_data
        return EntryFilters(
            q=data.get("q", ""),
            kinds=self._known("kind", EntryKind.values),
            areas=self._known("area", ChallengeArea.values),
            countries=self._known("country", [code for code, _name in
                                              self.fields["country"].choices]),
            evidence_levels=[int(level) for level in self._known(
                "evidence", [str(level) for level in EvidenceLevel.values])],
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            tag=data.get("tag", ""),
            organisation=data.get("organisation", ""),
            sort=data.get("sort") or "newest",
        )

    def _known(self, name: str, known: list[str]) -> list:
        if name in self.cleaned_data:
            return list(self.cleaned_data[name])
        return [value for value in self.data.getlist(name) if value in known]

    @property
    def has_filters(self) -> bool:
        return self.is_bound and any(
            self.data.get(name) for name in ("q", "kind", "area", "evidence", "country",
                                             "year_from", "year_to", "tag", "organisation")
        )


class AllEntriesFilterForm(EntryFilterForm):
    """Curators' list of every entry: the same filters, plus the state."""

    status = forms.MultipleChoiceField(
        label="State", required=False, choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select states from the list"},
    )

    def statuses(self) -> list[str]:
        if not self.is_bound:
            return []
        self.is_valid()
        return self._known("status", Status.values)
