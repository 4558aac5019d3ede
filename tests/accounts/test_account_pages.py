"""The allauth pages (sign in, passwords, email, 2-step verification) as a person sees them:
one plain heading, the quick exit, a label for every field, and errors that say what is wrong.
"""

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

from accounts import forms as accounts_forms
from accounts.adapter import WRONG_CODE
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # UserFactory's


@dataclass
class Page:
    title: str = ""
    h1s: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    label_targets: set[str] = field(default_factory=set)
    fields: list[dict[str, str | None]] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    quick_exit_links: list[str] = field(default_factory=list)
    error_summary: str | None = None
    error_summary_links: list[str] = field(default_factory=list)

    def field_by_name(self, name: str) -> dict[str, str | None]:
        (found,) = [f for f in self.fields if f.get("name") == name]
        return found


class PageParser(HTMLParser):
    """Collects what the tests look at; the stdlib parser, as BeautifulSoup is not installed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_title = False
        self._h1: list[str] | None = None
        self._summary_depth = 0
        self._summary_text: list[str] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id"):
            self.page.ids.add(attrs["id"] or "")
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._h1 = []
        elif tag == "label" and attrs.get("for"):
            self.page.label_targets.add(attrs["for"] or "")
        elif tag in ("input", "textarea", "select") and attrs.get("type") != "hidden":
            self.page.fields.append(attrs)
        elif tag == "img":
            self.page.images.append(attrs)
        elif tag == "a" and "govuk-exit-this-page__button" in classes:
            self.page.quick_exit_links.append(attrs.get("href") or "")
        if tag == "div" and (self._summary_depth or "govuk-error-summary" in classes):
            self._summary_depth += 1
        if tag == "a" and self._summary_depth:
            self.page.error_summary_links.append(attrs.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1 is not None:
            self.page.h1s.append(" ".join("".join(self._h1).split()))
            self._h1 = None
        elif tag == "div" and self._summary_depth:
            self._summary_depth -= 1
            if not self._summary_depth:
                self.page.error_summary = " ".join("".join(self._summary_text).split())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._h1 is not None:
            self._h1.append(data)
        if self._summary_depth:
            self._summary_text.append(data)


def parse(html: str) -> Page:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    page = parser.page
    page.title = " ".join(page.title.split())
    return page


def assert_account_page(response, h1: str) -> Page:
    """What every allauth page must give anyone: it loads, says what it is in one heading, has
    the quick exit, and labels every field (hints and errors it points to exist)."""
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert page.h1s == [h1]
    assert page.title.removeprefix("Error: ").startswith(h1)
    assert len(page.quick_exit_links) == 1
    for attrs in page.fields:
        assert attrs.get("id"), attrs
        assert attrs["id"] in page.label_targets, f"no <label for> for {attrs}"
        for described_by in (attrs.get("aria-describedby") or "").split():
            assert described_by in page.ids, f"{attrs['id']} describedby {described_by}"
    return page


def verified_user(email: str = "sam@example.org") -> User:
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client: Client, user: User) -> None:
    """Signed in, and the password given again just now ("Confirm it is you"), which allauth
    asks for before security settings change."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def with_totp(user: User) -> str:
    """An authenticator app and recovery codes, as after the TOTP page; a recovery code."""
    TOTP.activate(user, generate_totp_secret())
    return RecoveryCodes.activate(user).get_unused_codes()[0]


@pytest.mark.parametrize(
    ("url_name", "kwargs", "h1"),
    [
        ("account_login", {}, "Sign in"),
        ("account_signup", {}, "Create an account"),
        ("account_email_verification_sent", {}, "Check your email"),
        ("account_reset_password", {}, "Reset your password"),
        ("account_reset_password_done", {}, "Check your email"),
        (
            "account_reset_password_from_key",
            {"uidb36": "zz", "key": "x-y"},
            "This link does not work",
        ),
        ("account_reset_password_from_key_done", {}, "Your password has changed"),
        ("account_confirm_email", {"key": "not-a-key"}, "This link does not work"),
        ("account_inactive", {}, "This account is not active"),
    ],
)
def test_public_account_page_renders_in_site_layout(
    client: Client, url_name: str, kwargs: dict[str, str], h1: str
) -> None:
    page = assert_account_page(client.get(reverse(url_name, kwargs=kwargs)), h1)

    assert page.error_summary is None


def test_login_page_fields_fill_in_from_the_browser(client: Client) -> None:
    response = client.get(reverse("account_login"))

    page = assert_account_page(response, "Sign in")
    email = page.field_by_name("login")
    password = page.field_by_name("password")
    assert (email["type"], email["autocomplete"]) == ("email", "email")
    assert (password["type"], password["autocomplete"]) == ("password", "current-password")
    assert page.field_by_name("remember")["type"] == "checkbox"
    assert f'<a class="govuk-link" href="{reverse("account_reset_password")}">' in response.text


def test_login_with_wrong_password_names_the_problem(client: Client) -> None:
    user = verified_user()

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "not the password"}
    )

    page = assert_account_page(response, "Sign in")
    assert page.title.startswith("Error: Sign in")
    assert page.error_summary == (
        "There is a problem The email address or password is wrong. Check them and try again."
    )
    assert page.error_summary_links == ["#id_login"]
    assert "id_login-error" in (page.field_by_name("login")["aria-describedby"] or "")
    assert "_auth_user_id" not in client.session


def test_login_with_nothing_typed_links_each_error_to_its_field(client: Client) -> None:
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    page = assert_account_page(response, "Sign in")
    assert page.error_summary_links == ["#id_login", "#id_password"]
    for name in ("login", "password"):
        assert page.field_by_name(name)["aria-describedby"] == f"id_{name}-error"


def test_signup_asks_for_a_new_password_twice(client: Client) -> None:
    page = assert_account_page(client.get(reverse("account_signup")), "Create an account")

    assert [(f["name"], f["autocomplete"]) for f in page.fields] == [
        ("email", "email"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]
    # The hint under the email field is read out with it.
    assert page.field_by_name("email")["aria-describedby"] == "id_email-hint"


def test_signup_with_different_passwords_shows_the_error_at_the_second_one(
    client: Client,
) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a long passphrase", "password2": "another"},
    )

    page = assert_account_page(response, "Create an account")
    assert page.error_summary == "There is a problem You must type the same password each time."
    assert page.error_summary_links == ["#id_password2"]
    assert not User.objects.filter(email="new@example.org").exists()


def test_confirm_email_page_shows_the_address_to_confirm(client: Client) -> None:
    user = UserFactory(email="new@example.org")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False)
    key = EmailConfirmationHMAC(address).key

    response = client.get(reverse("account_confirm_email", args=[key]))

    assert_account_page(response, "Confirm your email address")
    assert "new@example.org" in response.text


def test_password_reset_link_asks_for_the_new_password(client: Client) -> None:
    user = verified_user()
    uidb36, key = user_pk_to_url_str(user), default_token_generator.make_token(user)
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": key})

    response = client.get(url, follow=True)  # allauth moves the key out of the address first

    page = assert_account_page(response, "Choose a new password")
    assert [(f["name"], f["autocomplete"]) for f in page.fields] == [
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]


@pytest.mark.parametrize(
    ("url_name", "h1"),
    [
        ("account_email", "Your email addresses"),
        ("account_change_password", "Change your password"),
        ("account_logout", "Sign out"),
        ("account_reauthenticate", "Confirm it is you"),
        ("mfa_index", "2-step verification"),
    ],
)
def test_signed_in_account_page_renders_in_site_layout(
    client: Client, url_name: str, h1: str
) -> None:
    client.force_login(verified_user())

    page = assert_account_page(client.get(reverse(url_name)), h1)

    assert page.error_summary is None


def test_change_password_fields_fill_in_from_the_browser(client: Client) -> None:
    client.force_login(verified_user())

    response = client.get(reverse("account_change_password"))

    page = assert_account_page(response, "Change your password")

    assert [(f["name"], f["autocomplete"]) for f in page.fields] == [
        ("oldpassword", "current-password"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]


def test_set_password_page_for_an_account_without_one(client: Client) -> None:
    user = verified_user()
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    page = assert_account_page(client.get(reverse("account_set_password")), "Create a password")

    assert [f["name"] for f in page.fields] == ["password1", "password2"]


def test_email_page_shows_the_address_and_that_it_is_confirmed(client: Client) -> None:
    client.force_login(verified_user("sam@example.org"))

    response = client.get(reverse("account_email"))

    page = assert_account_page(response, "Your email addresses")
    assert "sam@example.org" in response.text
    assert "Confirmed" in response.text
    assert page.field_by_name("email")["autocomplete"] == "email"  # the "add another" field


def test_mfa_index_offers_to_set_up_an_authenticator_app(client: Client) -> None:
    client.force_login(verified_user())

    response = client.get(reverse("mfa_index"))

    assert_account_page(response, "2-step verification")
    assert reverse("mfa_activate_totp") in response.text
    assert "You have not set up an authenticator app." in response.text


def test_totp_setup_shows_qr_code_key_and_a_numeric_code_field(client: Client) -> None:
    sign_in(client, verified_user())

    response = client.get(reverse("mfa_activate_totp"))

    page = assert_account_page(response, "Set up an authenticator app")
    (qr_code,) = page.images
    assert (qr_code["src"] or "").startswith("data:image/svg+xml;base64,")
    assert (qr_code["alt"] or "").startswith("QR code to scan with your authenticator app.")
    secret = response.context["form"].secret
    shown_key = response.text.split('id="authenticator-secret">')[1].split("</code>")[0]
    groups = shown_key.replace('<span class="app-secret__group">', "").split("</span>")
    assert "".join(groups) == secret
    assert all(len(group) == 4 for group in groups[:-2])
    code = page.field_by_name("code")
    assert (code["inputmode"], code["autocomplete"]) == ("numeric", "one-time-code")


def test_totp_setup_with_a_wrong_code_names_the_problem(client: Client) -> None:
    sign_in(client, verified_user())
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    page = assert_account_page(response, "Set up an authenticator app")
    assert page.error_summary == f"There is a problem {WRONG_CODE}"
    assert page.error_summary_links == ["#id_code"]


def test_totp_setup_with_the_code_from_the_app_turns_it_on(client: Client) -> None:
    user = verified_user()
    sign_in(client, user)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    code_in_app = format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    response = client.post(reverse("mfa_activate_totp"), {"code": code_in_app}, follow=True)

    # Next: the recovery codes made with it. (The "2-step verification is on" banner is added
    # on commit, which the test transaction never reaches.)
    assert_account_page(response, "Your recovery codes")
    assert user.authenticator_set.filter(type="totp").exists()


def test_mfa_authenticate_is_the_second_step_of_signing_in(client: Client) -> None:
    user = verified_user()
    with_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    page = assert_account_page(
        client.get(reverse("mfa_authenticate")), "Type the code from your authenticator app"
    )

    code = page.field_by_name("code")
    assert (code["inputmode"], code["autocomplete"]) == ("numeric", "one-time-code")
    assert code["aria-describedby"] == "id_code-hint"


def test_mfa_authenticate_with_a_wrong_code_names_the_problem(client: Client) -> None:
    user = verified_user()
    with_totp(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": "12345678"})

    page = assert_account_page(response, "Type the code from your authenticator app")
    assert page.error_summary == f"There is a problem {WRONG_CODE}"
    assert page.field_by_name("code")["aria-describedby"] == "id_code-hint id_code-error"


@pytest.mark.parametrize(
    ("url_name", "h1"),
    [
        ("mfa_index", "2-step verification"),
        ("mfa_deactivate_totp", "Turn off your authenticator app"),
        ("mfa_view_recovery_codes", "Your recovery codes"),
        ("mfa_generate_recovery_codes", "Make new recovery codes"),
        ("mfa_reauthenticate", "Confirm it is you"),
    ],
)
def test_page_for_someone_with_an_authenticator_app(client: Client, url_name: str, h1: str) -> None:
    user = verified_user()
    with_totp(user)
    sign_in(client, user)

    assert_account_page(client.get(reverse(url_name)), h1)


def test_recovery_codes_page_lists_the_unused_codes(client: Client) -> None:
    user = verified_user()
    used_code = with_totp(user)
    sign_in(client, user)
    RecoveryCodes.activate(user).validate_code(used_code)
    unused = RecoveryCodes.activate(user).get_unused_codes()

    response = client.get(reverse("mfa_view_recovery_codes"))

    assert_account_page(response, "Your recovery codes")
    assert len(unused) == 9
    assert "You have <strong>9</strong> codes left out of 10." in response.text
    for code in unused:
        assert f"<li><code>{code}</code></li>" in response.text
    assert used_code not in response.text


def test_recovery_codes_download_is_a_text_file_of_unused_codes(client: Client) -> None:
    user = verified_user()
    with_totp(user)
    sign_in(client, user)

    response = client.get(reverse("mfa_download_recovery_codes"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.text.split() == RecoveryCodes.activate(user).get_unused_codes()


def test_account_pages_link_to_each_other_when_signed_in(client: Client) -> None:
    client.force_login(verified_user())

    response = client.get(reverse("mfa_index"))

    nav = response.text.split('aria-label="Your account"')[1].split("</nav>")[0]
    for url_name in ("account_email", "account_change_password", "account_logout"):
        assert f'href="{reverse(url_name)}"' in nav
    assert f'href="{reverse("mfa_index")}" aria-current="page"' in nav


def test_signing_out_says_so(client: Client) -> None:
    client.force_login(verified_user())

    response = client.post(reverse("account_logout"), follow=True)

    assert response.status_code == 200
    assert "You are signed out." in response.text
    assert "_auth_user_id" not in client.session


def test_totp_setup_reloaded_shows_the_same_secret_and_takes_the_first_codes(
    client: Client,
) -> None:
    user = verified_user()
    sign_in(client, user)
    scanned = client.get(reverse("mfa_activate_totp")).context["form"].secret
    reloaded = client.get(reverse("mfa_activate_totp"))
    code_in_app = format_hotp_value(hotp_value(scanned, int(time.time()) // 30))

    response = client.post(reverse("mfa_activate_totp"), {"code": code_in_app}, follow=True)

    assert reloaded.context["form"].secret == scanned
    assert 'id="authenticator-secret">' in reloaded.text
    assert_account_page(response, "Your recovery codes")
    assert user.authenticator_set.filter(type="totp").exists()


def test_totp_setup_left_for_over_15_minutes_starts_with_a_new_secret(client: Client) -> None:
    sign_in(client, verified_user())
    first = client.get(reverse("mfa_activate_totp")).context["form"].secret
    session = client.session
    session[accounts_forms.SETUP_SECRET_SESSION_KEY]["since"] -= 15 * 60 + 1
    session.save()

    second = client.get(reverse("mfa_activate_totp")).context["form"].secret

    assert second != first
