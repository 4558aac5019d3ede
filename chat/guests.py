"""A guest's identity at the live chat: a signed cookie, so neither the page nor the socket
writes or reads a session for it.

The live page gives every guest a participation token in a signed cookie that lasts until
the browser closes (the next person at a shared device starts afresh). The token is bound
to the session the browser had when it was issued, or to having none: a watcher has no
session at all (no row written for the crowd at 18:00; docs/performance.md). Signing in
starts a session, so a guest cookie from before no longer counts and a signed-in browser
is always read from the database in full; signing out deletes the cookie
(chat/middleware.py), as does "Forget my questions". Nothing in the cookie is personal or
secret; it cannot be forged without SECRET_KEY.
"""

import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpResponseBase
from django.utils.crypto import constant_time_compare

GUEST_COOKIE_NAME = "outreach_guest"
_SALT = "chat.guest-cookie"


def _session_digest(session_key: str | None) -> str:
    # "" for a browser without a session: a watcher's, or a guest who has only asked.
    return hashlib.sha256(session_key.encode()).hexdigest()[:32] if session_key else ""


def guest_cookie_value(*, session_key: str | None, guest_token: uuid.UUID) -> str:
    """The signed value for a guest's cookie: their token, bound to their session (or to
    having none)."""
    return signing.dumps([_session_digest(session_key), str(guest_token)], salt=_SALT)


def guest_token_from_cookie(value: str | None, *, session_key: str | None) -> uuid.UUID | None:
    """The guest's token if `value` is a genuine guest cookie for this very session (or,
    with `session_key` None, for a browser without one), else None (the caller then reads
    the session from the database, if there is one)."""
    if not value:
        return None
    try:
        bound, token = signing.loads(value, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE)
        if not constant_time_compare(str(bound), _session_digest(session_key)):
            return None
        return uuid.UUID(str(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def set_guest_cookie(response: HttpResponseBase, value: str) -> None:
    """Until the browser closes (no max-age): the next person at a shared device starts
    afresh. HttpOnly, and SameSite=Lax as the session cookie."""
    response.set_cookie(
        GUEST_COOKIE_NAME,
        value,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget_guest_cookie(response: HttpResponseBase) -> None:
    response.delete_cookie(GUEST_COOKIE_NAME, samesite="Lax")
