from django import forms


class AttachForm(forms.Form):
    """Attach a waiting question (the URL's) to a published one (a hidden field)."""

    to_question_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
