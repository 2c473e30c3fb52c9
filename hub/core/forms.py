from django import forms

from hub.core.selectors import audit_action_choices


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, label="Action")
    actor_email = forms.EmailField(required=False, label="Done by (email address)")
    target_id = forms.CharField(required=False, label="Object ID", max_length=64)
    date_from = forms.DateField(
        required=False,
        label="From",
        help_text="For example, 2026-11-01",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        help_text="For example, 2026-11-30",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = audit_action_choices()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned
