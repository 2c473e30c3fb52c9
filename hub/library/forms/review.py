"""Comments and requests for changes during review."""


from django import forms

# --- Review -------------------------------------------------------------------------------


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The author and the curators can read it.",
        error_messages={"required": "Enter a comment",
                        "max_length": "The comment must be 5,000 characters or fewer"},
    )


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label="What does the author need to change?", max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The author sees this as a comment on the entry. Be specific: which part, "
        "and what would make it ready to publish.",
        error_messages={"required": "Say what the author needs to change",
                        "max_length": "The message must be 5,000 characters or fewer"},
    )
