"""Sessions do not pile up: beat deletes those past their expiry date every hour."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions


def test_expired_sessions_are_deleted_and_current_ones_kept(db: None) -> None:
    for _ in range(3):
        store = SessionStore()
        store["visited"] = True
        store.create()
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    current = SessionStore()
    current["visited"] = True
    current.create()

    assert clear_expired_sessions.apply().get() == 3
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_the_clean_up_is_on_beats_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "accounts.clear_expired_sessions"
    assert entry["schedule"] == 3600
