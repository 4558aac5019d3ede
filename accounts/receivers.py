"""allauth's signals, answered."""

from typing import Any

from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from accounts.forms import setup_secret_forget
from accounts.models import User
from accounts.services import user_email_mark_verified


@receiver(password_reset)
def email_verified_by_password_reset(sender: type[User], user: User, **kwargs: Any) -> None:
    """A password set from an emailed link (a reset, or a staff invitation) proves the
    address works: it need not be verified again before the first sign-in."""
    user_email_mark_verified(user)


@receiver(authenticator_added)
def setup_secret_forgotten(sender: object, request: Any, **kwargs: Any) -> None:
    """A finished set-up's secret is not offered to the next one (accounts/forms.py)."""
    setup_secret_forget(request.session)
