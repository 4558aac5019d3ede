"""A role holder's first sign-in: straight to setting up an authenticator app, then on to
where they were going (the admin or a console), with the recovery codes on the way.

Where they were going is kept in their session from the moment they are sent to set up the
app (at sign-in, by accounts.adapter; or on opening the admin or a console, by
accounts.middleware) until they have one. The recovery codes page, where allauth lands after
the app is set up, offers a "Continue" button to it.
"""

import time

from allauth.account import app_settings as allauth_settings
from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

AFTER_MFA_SETUP_SESSION_KEY = "outreach_after_mfa_setup"
SIGNED_IN_AT_SESSION_KEY = "outreach_signed_in_for_mfa_setup_at"


def mfa_setup_url() -> str:
    return reverse("mfa_activate_totp")


def remember_destination(session: SessionBase, url: str) -> None:
    """Keep a local URL (never another site, never the setup pages themselves)."""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or not url.startswith("/"):
        return
    if url.startswith(reverse("mfa_index")):
        return
    session[AFTER_MFA_SETUP_SESSION_KEY] = url


def destination_after_setup(session: SessionBase) -> str | None:
    value = session.get(AFTER_MFA_SETUP_SESSION_KEY)
    return value if isinstance(value, str) else None


def forget_destination(session: SessionBase) -> None:
    session.pop(AFTER_MFA_SETUP_SESSION_KEY, None)


def mark_signed_in(session: SessionBase) -> None:
    """They have just typed their password to sign in (see signed_in_moments_ago)."""
    session[SIGNED_IN_AT_SESSION_KEY] = time.time()


def signed_in_moments_ago(session: SessionBase) -> bool:
    """Signed in with their password within ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes).
    allauth asks for the password again before an authenticator app is set up; asking
    someone who typed it seconds ago, on their first sign-in, only gets in their way."""
    at = session.get(SIGNED_IN_AT_SESSION_KEY)
    return isinstance(at, float) and time.time() - at < allauth_settings.REAUTHENTICATION_TIMEOUT
