"""allauth customised through its adapter only (settings and templates do the rest)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context, ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from accounts import onboarding
from accounts.roles import user_holds_role, user_mfa_missing
from core.networks import network_hash

# The English msgid (tests read it); the forms show it in the reader's language.
WRONG_CODE = gettext_noop("The code is wrong or too old. Type the newest code from your app.")


class AccountAdapter(DefaultAccountAdapter):
    # Plain words (GOV.UK style; many of our readers have a learning disability).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": gettext_lazy(
            "The email address or password is wrong. Check them and try again."
        ),
        "email_taken": gettext_lazy(
            "There is already an account with this email address. Sign in, or "
            "reset your password if you have forgotten it."
        ),
        "enter_current_password": gettext_lazy("Enter your current password"),
        "incorrect_code": gettext_lazy(WRONG_CODE),
        "incorrect_password": gettext_lazy("The password is wrong"),
        "invalid_or_expired_key": gettext_lazy(
            "This link does not work any more. Ask for a new one."
        ),
        "too_many_login_attempts": gettext_lazy(
            "Too many tries to sign in. Wait a few minutes, then try again."
        ),
        "rate_limited": gettext_lazy("Too many tries. Wait a few minutes, then try again."),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The keyed hash of the visitor's network, never their address: allauth keys its
        rate limits in Redis by this (and would put it in notification emails)."""
        return network_hash(super().get_client_ip(request))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Failed sign-ins are counted per account and network together
        (`login_failed_account_network`): failures from one network refuse that account from
        that network only, so nobody can lock a moderator out from elsewhere. A slower,
        higher ceiling per account across every network (`login_failed_account`,
        SIGNIN_FAILURES_PER_ACCOUNT) stops a spread-out guessing attack. Only failures count
        (authentication_failed); allauth's own `login_failed` is per network alone."""
        super().pre_authenticate(request, **credentials)
        for action, key in _failure_limits(self.get_client_ip(request), credentials):
            if not ratelimit.consume(request, action=action, key=key, dry_run=True):
                raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        for action, key in _failure_limits(self.get_client_ip(request), credentials):
            ratelimit.consume(request, action=action, key=key)

    def post_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse:
        """A role holder without an authenticator app goes straight to setting one up (not
        only when they open the admin), then on to where they were going."""
        response = super().post_login(request, user, **kwargs)
        location = response.get("Location") if response.status_code == 302 else None
        if location is not None and user_mfa_missing(user):  # type: ignore[arg-type]
            onboarding.remember_destination(request.session, location)
            onboarding.mark_signed_in(request.session)
            response["Location"] = onboarding.mfa_setup_url()
        return response

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Staff land on "Your webchats" (their consoles), everyone else where allauth
        would send them; a `next` from the sign-in link still wins (allauth reads it first)."""
        if user_holds_role(request.user):
            return reverse("events:staff_webchats")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up the app right after signing in does not ask for the password again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if required and app == "allauth.mfa" and request is not None:
            return not onboarding.signed_in_moments_ago(request.session)
        return required


def _failure_limits(network: str, credentials: dict[str, Any]) -> list[tuple[str, str]]:
    """(allauth rate-limit action, key) pairs a failed sign-in counts towards; `network` is
    the keyed hash of the visitor's network (get_client_ip above)."""
    account = str(credentials.get("email", credentials.get("username", ""))).lower()
    return [
        ("login_failed_account_network", f"{account}:{network}"),
        ("login_failed_account", account),
    ]


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy(WRONG_CODE),
        "unverified_email": gettext_lazy(
            "Confirm your email address first, using the link we sent you. "
            "Then set up your authenticator app."
        ),
    }
