import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_one_admin_and_shows_the_password_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)

    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    second = capsys.readouterr().out

    admin = User.objects.get()
    password = first.split("password: ")[1].split()[0]
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(password)
    assert "password" not in second
    assert "exists already (admin@example.org)" in second


def test_ensure_admin_takes_credentials_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.org")
    monkeypatch.setenv("ADMIN_PASSWORD", "a long pass phrase")

    call_command("ensure_admin")

    admin = User.objects.get(email="ops@example.org")
    assert admin.check_password("a long pass phrase")
    assert admin.is_superuser


def test_the_admin_signs_in_through_allauth_and_is_sent_to_set_up_mfa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.org")
    monkeypatch.setenv("ADMIN_PASSWORD", "a long pass phrase")
    call_command("ensure_admin")
    client = Client()

    signed_in = client.post(
        reverse("account_login"), {"login": "ops@example.org", "password": "a long pass phrase"}
    )
    # No verification email to wait for: the address came from whoever runs the portal.
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"]
    admin = client.get(reverse("admin:index"))
    assert admin["Location"] == reverse("mfa_activate_totp")
