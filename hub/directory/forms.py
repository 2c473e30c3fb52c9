from django import forms

from hub.directory.models import PARTNER_KINDS, Kind, Nation
from hub.directory.selectors import organisations_named


class OrganisationFilterForm(forms.Form):
    """The search box and filters of the directory page (a GET form: the URL is the search)."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search by name or abbreviation",
        help_text="For example, HMRC or Kent",
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )
    kind = forms.MultipleChoiceField(
        required=False,
        label="Kind of organisation",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select kinds of organisation from the list"},
    )
    nation = forms.MultipleChoiceField(
        required=False,
        label="Nation",
        choices=Nation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select nations from the list"},
    )
    include_closed = forms.BooleanField(required=False, label="Include closed bodies")

    def filters(self) -> dict:
        """The filters for ``selectors.organisation_list``. A value that is not one of the
        choices is reported as an error and left out; the other ticked values still apply, so
        the results always match the boxes shown ticked."""
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that are valid
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", ""),
            "kinds": self._known_values("kind", Kind.values),
            "nations": self._known_values("nation", Nation.values),
            "include_closed": data.get("include_closed", False),
        }

    def _known_values(self, name: str, known: list[str]) -> list[str]:
        if not self.is_bound:
            return []
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return [value for value in self.data.getlist(name) if value in known]


class ParentsField(forms.CharField):
    """Parent organisations typed one a line, by name, abbreviation or slug. Works without
    JavaScript and without a list of 1,400 options."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value)
        lines = [line for line in (text or "").splitlines() if line.strip()]
        found, problems = organisations_named(names=lines)
        if problems:
            raise forms.ValidationError(
                "We could not find exactly one organisation called "
                + ", ".join(f"“{problem}”" for problem in problems)
                + ": use the full name as the directory shows it"
            )
        return found


class PartnerForm(forms.Form):
    """What a curator types to add or change a company, charity or other partner."""

    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=[(kind.value, kind.label) for kind in PARTNER_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of organisation it is",
            "invalid_choice": "Select company, charity or other",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=255,
        help_text="The name it uses itself, for example National Council for Voluntary "
        "Organisations",
        error_messages={
            "required": "Enter the organisation’s name",
            "max_length": "The name must be 255 characters or fewer",
        },
    )
    abbreviation = forms.CharField(
        label="Abbreviation",
        required=False,
        max_length=50,
        help_text="For example, NCVO",
        error_messages={"max_length": "The abbreviation must be 50 characters or fewer"},
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="For example, https://www.ncvo.org.uk",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.org",
            "max_length": "The web address must be 300 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What it does and how it works with public services",
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    parents = ParentsField(
        label="Parent organisations",
        required=False,
        help_text="If it is part of a larger organisation in the directory, give that "
        "organisation’s name or abbreviation, one a line",
    )


class PublicBodyForm(forms.Form):
    """What a curator may add to a public body: the rest comes from its register."""

    website = PartnerForm.base_fields["website"]
    description = PartnerForm.base_fields["description"]
