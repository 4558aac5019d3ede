"""allauth's emails in our careful voice, and its rate limits keyed without addresses.

Someone else may read the inbox (a partner who controls the household's email): each
email says only what the reader needs to act, never the address it went to, the visitor's
network address or browser, or what the site is about.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.networks import network_hash
from tests.accounts.test_accounts import PASSWORD, link_in, verified_user

pytestmark = pytest.mark.django_db
VISITOR = "203.0.113.45"
# Words that would tell another reader of the inbox what the person was doing here.
TELLING_WORDS = re.compile(
    r"webchat|police|abuse|hate crime|victim|question|IP address|browser|203\.0\.113",
    re.IGNORECASE,
)


def only_email() -> mail.EmailMessage:
    (message,) = mail.outbox
    return message


def assert_careful(message: mail.EmailMessage, *, recipient: str) -> None:
    text = f"{message.subject}\n{message.body}"
    assert TELLING_WORDS.search(text) is None, text
    assert recipient not in message.body  # the reader knows their own address
    assert message.body.startswith("Hello,\n")
    assert message.body.rstrip().endswith(
        "This email was sent automatically. Please do not reply to it."
    )


def test_password_reset_email_says_only_how_to_set_a_new_password(client: Client) -> None:
    verified_user("sam@example.org")
    client.post(
        reverse("account_reset_password"), {"email": "sam@example.org"}, REMOTE_ADDR=VISITOR
    )

    message = only_email()
    assert message.subject.endswith("Set a new password")
    assert "If it was not you, you can ignore this email: your password has not changed." in (
        message.body
    )
    assert link_in(message).startswith("/accounts/password/reset/key/")
    assert_careful(message, recipient="sam@example.org")


def test_unknown_account_email_does_not_invite_a_sign_up(client: Client) -> None:
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    message = only_email()
    assert message.subject.endswith("Your request")
    assert "there is no account with it" in message.body
    assert "http" not in message.body  # no link: nothing to click for whoever reads it
    assert_careful(message, recipient="nobody@example.org")


def test_account_already_exists_email_offers_the_reset_link_only(client: Client) -> None:
    verified_user("sam@example.org")
    client.post(
        reverse("account_signup"),
        {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    message = only_email()
    assert message.subject.endswith("Signing in")
    assert "it already has one" in message.body
    assert link_in(message) == reverse("account_reset_password")
    assert_careful(message, recipient="sam@example.org")


def test_confirmation_email_asks_to_confirm_the_address_and_nothing_else(client: Client) -> None:
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    message = only_email()
    assert message.subject.endswith("Confirm your email address")
    confirm = link_in(message)
    assert confirm.startswith("/accounts/confirm-email/")
    assert_careful(message, recipient="new@example.org")
    client.post(confirm)
    assert EmailAddress.objects.get(email="new@example.org").verified


def test_sign_in_limits_count_a_keyed_hash_never_the_address(client: Client) -> None:
    verified_user("sam@example.org")
    for _ in range(3):
        client.post(
            reverse("account_login"),
            {"login": "sam@example.org", "password": "wrong"},
            REMOTE_ADDR=VISITOR,
        )

    keys = [key.decode() for key in cache._cache.get_client().scan_iter(match="*allauth:rl:*")]  # type: ignore[attr-defined]
    mine = [key for key in keys if cache.key_prefix in key]
    assert mine
    assert not [key for key in mine if VISITOR in key]
    assert [key for key in mine if key.endswith(f":ip:{network_hash(VISITOR)}")]
