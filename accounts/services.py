"""Writes for user accounts."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User
from accounts.roles import EVENT_MANAGERS, MODERATORS, PANELLISTS, user_group_names, user_holds_role
from accounts.signals import user_deleting

logger = logging.getLogger(__name__)

# What each group lets someone do, in the words of an invitation.
ROLE_DESCRIPTIONS = {
    EVENT_MANAGERS: gettext_lazy("set up agencies, panellists and webchats"),
    MODERATORS: gettext_lazy("moderate webchats: read every question before the public sees it"),
    PANELLISTS: gettext_lazy("answer questions in webchats as a member of the panel"),
}


@dataclass(frozen=True)
class AdminAccount:
    user: User
    created: bool
    # Set only when this call generated the password, so it can be shown once.
    generated_password: str | None


def user_email_mark_verified(user: User) -> None:
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
            user_email_mark_verified(user)
            return AdminAccount(user=user, created=created, generated_password=None)

        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            return AdminAccount(user=existing, created=False, generated_password=None)
        generated = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(email=email or "admin@example.org", password=generated)
        user_email_mark_verified(user)
        return AdminAccount(user=user, created=True, generated_password=generated)


class InvitationRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def user_invite(*, user_id: int, invited_by_id: int) -> None:
    """Email a staff-created account a link to choose their own password, saying who
    invited them and why. Setting the password through the link verifies the address
    (accounts.receivers); the link stops working once used, or after
    PASSWORD_RESET_TIMEOUT (3 days)."""
    user = User.objects.get(pk=user_id)
    inviter = User.objects.get(pk=invited_by_id)
    if not user.is_active:
        raise InvitationRefused(f"{user.email} is deactivated: activate the account first.")
    if user.has_usable_password() and user.last_login is not None:
        raise InvitationRefused(
            f"{user.email} has signed in before: they can reset their own password."
        )
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    roles = [
        ROLE_DESCRIPTIONS[name] for name in sorted(user_group_names(user) & set(ROLE_DESCRIPTIONS))
    ]
    context = {
        "user": user,
        "inviter": inviter.full_name or inviter.email,
        "inviter_email": inviter.email,
        "roles": roles,
        "is_staff": user.is_staff,
        "link": settings.SITE_URL + path,
        "sign_in_url": settings.SITE_URL + reverse("account_login"),
        "staff_webchats_url": settings.SITE_URL + reverse("events:staff_webchats"),
        "valid_for_days": timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT).days,
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        render_to_string("accounts/email/invitation_body.txt", context),
        None,
        [user.email],
    )
    logger.info("invitation sent to user %s by user %s", user.pk, inviter.pk)


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
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user_holds_role(user):
            # The English msgid: the view shows it in the reader's language.
            raise AccountDeletionRefused(
                gettext_noop(
                    "Your account has a staff, moderator or panellist role. "
                    "Ask an administrator to close it."
                )
            )
        user_deleting.send(sender=user_delete, user_id=user.pk)
        user.delete()
