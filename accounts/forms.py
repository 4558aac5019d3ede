from django import forms


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and my personal data will be deleted",
        error_messages={"required": "Tick the box to confirm you want to delete your account"},
    )
