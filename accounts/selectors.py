from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from accounts.models import User


@dataclass(frozen=True)
class SessionIdentity:
    # The active user signed in under the session, if any.
    user_id: int | None
    # What the session holds (empty when there is no such session).
    data: dict[str, Any]


def session_identity(session_key: str | None) -> SessionIdentity:
    """Who a session cookie stands for, read once: the session's data, and the user still
    signed in under it. No user when the session ended (signed out, expired, flushed) or no
    longer matches the user (password changed, deactivated, deleted)."""
    if not session_key:
        return SessionIdentity(None, {})
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = dict(store.items())
    user_id = data.get(SESSION_KEY)
    if user_id is None:
        return SessionIdentity(None, data)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(
        data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    ):
        return SessionIdentity(None, data)
    return SessionIdentity(user.pk, data)


def signed_in_user_id(request: HttpRequest) -> int:
    """The signed-in user's id (for views behind login_required)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    return int(request.user.pk)
