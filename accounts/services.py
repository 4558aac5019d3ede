"""Writes for user accounts."""

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from accounts.roles import user_holds_role


@dataclass(frozen=True)
class AdminAccount:
    user: User
    created: bool
    # Set only when this call generated the password, so it can be shown once.
    generated_password: str | None


def _email_verified(user: User) -> None:
    """The address was given by whoever runs the portal: allauth need not send a link."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def user_ensure_admin(*, email: str | None = None, password: str | None = None) -> AdminAccount:
    """Make sure a superuser exists.

    With an email and password (from the environment), that account is created or its
    password reset. Without them, a first superuser is made with a generated password;
    if any superuser exists already, nothing changes.
    """
    with transaction.atomic():
        if email and password:
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_superuser(email=email, password=password)
            else:
                user.is_staff = user.is_superuser = user.is_active = True
                user.set_password(password)
                user.save(update_fields=["is_staff", "is_superuser", "is_active", "password"])
            _email_verified(user)
            return AdminAccount(user=user, created=created, generated_password=None)

        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            return AdminAccount(user=existing, created=False, generated_password=None)
        generated = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(email=email or "admin@example.org", password=generated)
        _email_verified(user)
        return AdminAccount(user=user, created=True, generated_password=generated)


class AccountDeletionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def user_delete(*, user_id: int) -> None:
    """Delete a member of the public's account and their personal data.

    Questions waiting for a moderator, or declined, are deleted with it. Published ones
    stay where they are public (the live page, the archived transcripts), as anonymous as
    everyone's: they carry no link to the person. Follows, email addresses, authenticators
    and the user row go. Staff and other role holders are removed by an administrator,
    so that their actions keep an accountable author.
    """
    from chat.services import participant_questions_forget

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user_holds_role(user):
            raise AccountDeletionRefused(
                "Your account has a staff, moderator or panellist role. "
                "Ask an administrator to close it."
            )
        participant_questions_forget(user_id=user.pk)
        user.delete()
