"""Celery tasks for accounts: thin, idempotent, safe to run twice or late."""

from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="accounts.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> int:
    """Hourly: sessions past their expiry date are deleted, as `manage.py clearsessions`
    does; returns how many database sessions went (other engines report nothing)."""
    expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return expired
