from django import forms

from hub.search.models import UnansweredQuery


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the hub", max_length=300, required=False, strip=True,
        help_text="Describe what you want to do, in your own words: for example, "
                  "“stop people missing hospital appointments”",
        error_messages={"max_length": "Search for at most 300 characters (you have "
                                      "%(show_value)d)"},
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
            raise forms.ValidationError("Search for words only: remove control characters")
        return " ".join(value.split())


class SimilarForm(forms.Form):
    """What someone is writing, for the prior-art panel: its title and summary, the kinds to
    look among ("case"; every kind when none) and the object being edited, never shown as
    like itself ("case:12")."""

    title = forms.CharField(max_length=300, required=False)
    summary = forms.CharField(max_length=20000, required=False)
    kind = forms.MultipleChoiceField(required=False, choices=[])
    exclude = forms.RegexField(regex=r"^[a-z_]+:[0-9]{1,18}$", required=False)

    def __init__(self, *args, **kwargs):
        from hub.search import registry

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, name) for name in registry.kinds()]

    def excluded(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("exclude")
        if not value:
            return None
        kind, object_id = value.split(":")
        return kind, int(object_id)


class UnansweredStatusForm(forms.Form):
    status = forms.ChoiceField(choices=UnansweredQuery.Status.choices)
