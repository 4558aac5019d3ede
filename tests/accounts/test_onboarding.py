"""A staff member's first hour: invited by an administrator, a password of their own, an
authenticator app at first sign-in, then on to where they were going."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import MODERATORS
from tests.factories import StaffFactory, UserFactory, grant_role, with_totp

pytestmark = pytest.mark.django_db
PASSWORD = "a long unusual passphrase 41"


def verified(user: User) -> User:
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def code_from_the_app(client: Client) -> str:
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize(
    ("next_path", "lands_on"),
    [("/admin/events/event/", "/admin/events/event/"), ("", "/your-webchats/")],
)
def test_a_role_holder_without_an_app_sets_one_up_at_sign_in_then_goes_on(
    client: Client, next_path: str, lands_on: str
) -> None:
    moderator = verified(grant_role(UserFactory(), MODERATORS, mfa=False))
    login = reverse("account_login") + (f"?next={next_path}" if next_path else "")

    signed_in = client.post(login, {"login": moderator.email, "password": PASSWORD})

    # Straight to setting up the app, not only when they open the admin.
    assert signed_in["Location"] == reverse("mfa_activate_totp")
    # Not asked again for the password typed seconds ago.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    activated = client.post(reverse("mfa_activate_totp"), {"code": code_from_the_app(client)})
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    # The recovery codes are on the way, not a dead end.
    assert re.search(rf'<a href="{re.escape(lands_on)}"[^>]*>\s*Continue\s*</a>', codes), codes
    client.get(lands_on)
    assert "Continue" not in client.get(reverse("mfa_view_recovery_codes")).content.decode()


def test_opening_the_admin_without_an_app_comes_back_to_the_admin_after_setting_one_up(
    client: Client,
) -> None:
    staff = verified(StaffFactory(mfa=False))
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    client.get("/")  # they look around first

    sent = client.get(reverse("admin:chat_question_changelist"))

    assert sent["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("mfa_activate_totp"), {"code": code_from_the_app(client)})
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert f'href="{reverse("admin:chat_question_changelist")}"' in codes


def test_a_moderator_with_an_app_signs_in_to_your_webchats(client: Client) -> None:
    moderator = verified(grant_role(UserFactory(), MODERATORS, mfa=False))
    secret = with_totp(moderator)
    client.post(reverse("account_login"), {"login": moderator.email, "password": PASSWORD})

    second_step = client.post(
        reverse("mfa_authenticate"),
        {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))},
    )

    assert second_step["Location"] == reverse("events:staff_webchats")


def test_a_member_of_the_public_signs_in_as_before(client: Client) -> None:
    member = verified(UserFactory())

    signed_in = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert signed_in["Location"] == "/"


def test_an_administrator_invites_a_new_moderator_who_chooses_a_password_and_signs_in(
    client: Client,
) -> None:
    admin = StaffFactory(full_name="Ada Admin", email="ada@example.org")
    client.force_login(admin)

    added = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.moderator@example.org",
            "full_name": "Nia Moderator",
            "usable_password": "false",
        },
    )
    assert added.status_code == 302, added.content.decode()
    new = User.objects.get(email="new.moderator@example.org")
    assert not new.has_usable_password()
    new.groups.add(Group.objects.get(name=MODERATORS))
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_invitation", "_selected_action": [new.pk]},
    )

    (invitation,) = mail.outbox
    assert invitation.to == ["new.moderator@example.org"]
    assert invitation.subject == "Ada Admin has invited you to Outreach"
    assert "Ada Admin (ada@example.org) has made you an account on Outreach" in invitation.body
    assert "moderate webchats: read every question before the public sees it" in invitation.body
    assert "has given your email address" not in invitation.body
    assert (
        'After that you arrive at "Your webchats" (http://127.0.0.1:8000/your-webchats/)'
        in invitation.body
    )
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/key/\S+)", invitation.body)
    assert link, invitation.body

    invited = Client()
    form_page = invited.get(link[1], follow=True)
    assert form_page.status_code == 200
    chosen = invited.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link[1],
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert chosen.status_code == 302, chosen.content.decode()
    # The link proved the address: no verification email stands between them and signing in.
    assert EmailAddress.objects.get(user=new).verified
    signed_in = invited.post(reverse("account_login"), {"login": new.email, "password": PASSWORD})
    assert signed_in["Location"] == reverse("mfa_activate_totp")
    invited.post(reverse("mfa_activate_totp"), {"code": code_from_the_app(invited)})
    codes = invited.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert f'href="{reverse("events:staff_webchats")}"' in codes
    # The link works once.
    assert "This link does not work" in Client().get(link[1], follow=True).content.decode()


def test_someone_who_has_signed_in_before_is_not_sent_an_invitation(client: Client) -> None:
    client.force_login(StaffFactory())
    member = verified(UserFactory())
    Client().post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_invitation", "_selected_action": [member.pk]},
    )

    assert mail.outbox == []
