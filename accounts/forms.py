import time
from typing import Any

from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.utils.translation import gettext_lazy


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account and my personal data will be deleted"),
        error_messages={
            "required": gettext_lazy("Tick the box to confirm you want to delete your account")
        },
    )


# How long the authenticator secret shown first stays the one set-up uses: a reload, or
# going back to the page, within it shows the same QR code, so the code from the app that
# scanned it first still works.
SETUP_SECRET_SECONDS = 15 * 60
SETUP_SECRET_SESSION_KEY = "accounts.totp_setup_secret"  # noqa: S105 - a session key


class SteadyActivateTOTPForm(ActivateTOTPForm):
    """allauth's set-up form (MFA_FORMS["activate_totp"]), with one secret per set-up.

    allauth makes a new secret each time the page is shown, so after a reload the code from
    the QR code scanned first is refused. The first secret is kept in the session beside
    allauth's and used for the page, the check and the activation (all read `self.secret`);
    it is forgotten when an authenticator is added (accounts/receivers.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = context.request.session
        kept = session.get(SETUP_SECRET_SESSION_KEY)
        now = time.time()
        if (
            isinstance(kept, dict)
            and kept.get("user_id") == self.user.pk
            and now - float(kept.get("since", 0)) < SETUP_SECRET_SECONDS
        ):
            self.secret = str(kept["secret"])
        else:
            session[SETUP_SECRET_SESSION_KEY] = {
                "secret": self.secret,
                "user_id": self.user.pk,
                "since": now,
            }


def setup_secret_forget(session: Any) -> None:
    session.pop(SETUP_SECRET_SESSION_KEY, None)
