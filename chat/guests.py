"""A guest's identity at the live chat, read by the socket without a database trip.

The live page keeps a guest's participation token in the session (chat/views.py). For the
socket to learn it, it would read the session row: at 18:00 that is one query per arriving
viewer. So the page also sets a signed cookie holding the token, bound to a hash of the
session key it was issued with. The socket trusts it only while the browser's session
cookie is still that session: signing in changes the session key (Django's `login` cycles
or flushes it), and so does signing out (flush), so a signed-in or signed-out browser is
always checked against the database in full. Nothing in the cookie is personal or secret
beyond what the session cookie already is; it cannot be forged without SECRET_KEY.
"""

import hashlib
import uuid

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare

GUEST_COOKIE_NAME = "outreach_guest"
_SALT = "chat.guest-cookie"


def _session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def guest_cookie_value(*, session_key: str, guest_token: uuid.UUID) -> str:
    """The signed value for a guest's cookie: their token, bound to their session."""
    return signing.dumps([_session_digest(session_key), str(guest_token)], salt=_SALT)


def guest_token_from_cookie(value: str | None, *, session_key: str | None) -> uuid.UUID | None:
    """The guest's token if `value` is a genuine guest cookie for this very session, else
    None (the caller then reads the session from the database)."""
    if not value or not session_key:
        return None
    try:
        bound, token = signing.loads(value, salt=_SALT, max_age=settings.SESSION_COOKIE_AGE)
        if not constant_time_compare(str(bound), _session_digest(session_key)):
            return None
        return uuid.UUID(str(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None
