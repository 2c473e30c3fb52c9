from django import forms

from hub.core.roles import CURATOR_GRANTABLE, GROUP_ROLES, Role
from hub.directory.models import Organisation


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Name shown on the hub", max_length=150, required=False,
        help_text="How your name appears next to what you contribute.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        label="Job title", max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", required=False,
        queryset=Organisation.objects.open().only("pk", "name"),
        empty_label="Not given",
        help_text="The organisation you work for, if it is in the directory.",
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name of the new token", max_length=100,
        help_text="What you will use it for, for example “weekly export script”.",
        error_messages={"required": "Enter a name for the token"},
    )


class PractitionerRequestForm(forms.Form):
    organisation_name = forms.CharField(
        label="Which public service organisation do you work for?", max_length=255,
        error_messages={"required": "Enter the organisation you work for"},
    )
    role_description = forms.CharField(
        label="What do you do there?", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="A curator reads this to confirm you work in public services.",
        error_messages={"required": "Describe what you do"},
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Role", required=False,
        choices=[("", "Any role")] + [(role.value, role.label) for role in GROUP_ROLES],
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, grantable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role.value, role.label) for role in grantable]
        if list(grantable) == list(CURATOR_GRANTABLE):
            self.fields["roles"].help_text = "Only admins can make someone a curator or admin."


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[("approve", "Approve: they work in public services"),
                 ("decline", "Decline")],
        error_messages={"required": "Choose approve or decline"},
    )
    note = forms.CharField(
        label="Note to the person (optional)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DomainForm(forms.Form):
    domain = forms.CharField(
        label="Email domain", max_length=253,
        help_text="For example nhs.net (covers it and its subdomains) or *.sch.uk "
        "(subdomains only).",
        error_messages={"required": "Enter an email domain"},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)


ALL_ROLES = [Role(role) for role in GROUP_ROLES]
