"""Sign-in failures are counted per account and network together, with a slower, higher
ceiling per account: nobody can lock a moderator out from somewhere else (issue 30)."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from accounts.models import User
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long unusual passphrase 41"
TOO_MANY = "Too many tries to sign in. Wait a few minutes, then try again."
ATTACKER = "203.0.113.7"
MODERATOR_AT_WORK = "198.51.100.20"


@pytest.fixture
def moderator() -> User:
    user = StaffFactory(email="moderator@example.org", mfa=False)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(address: str, password: str, email: str = "moderator@example.org") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )
    return response.status_code, response.content.decode()


def test_wrong_passwords_from_one_network_do_not_lock_the_account_out_elsewhere(
    moderator: User,
) -> None:
    for _ in range(6):
        status, page = sign_in(ATTACKER, "wrong password")
        assert status == 200
    assert TOO_MANY in page

    # The moderator, from another network, signs in (on to their second step).
    status, _ = sign_in(MODERATOR_AT_WORK, PASSWORD)
    assert status == 302
    # The network that tried is still refused, even with the right password.
    status, page = sign_in(ATTACKER, PASSWORD)
    assert (status, TOO_MANY in page) == (200, True)


def test_an_account_has_a_ceiling_across_networks(moderator: User, settings: Settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "8/1h/key",
    }

    for network in range(4):
        for _ in range(2):
            status, page = sign_in(f"192.0.2.{network + 1}", "wrong password")
            assert (status, TOO_MANY in page) == (200, False)

    # Eight failures from four networks: the account rests, whichever network asks.
    status, page = sign_in(MODERATOR_AT_WORK, PASSWORD)
    assert (status, TOO_MANY in page) == (200, True)


def test_the_ceiling_counts_failures_only(moderator: User, settings: Settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "2/1h/key",
    }

    for _ in range(3):
        status, _ = sign_in(MODERATOR_AT_WORK, PASSWORD)
        assert status == 302
