"""The Celery app: configured from Django settings (CELERY_ namespace), tasks found per app."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, setup_logging, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: Any) -> None:
    """Workers and beat log through Django's LOGGING (its handler removes network
    addresses, outreach/log_filters.py) instead of Celery's own root handler."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
def refuse_another_namespace_in_worker(**kwargs: Any) -> None:
    """A worker on another Redis namespace than its deployment's never starts."""
    from core.deployment import check_namespace_at_start

    check_namespace_at_start("worker")


@beat_init.connect
def refuse_another_namespace_in_beat(**kwargs: Any) -> None:
    from core.deployment import check_namespace_at_start

    check_namespace_at_start("beat")


@worker_init.connect
def read_the_sentence_model(**kwargs: Any) -> None:
    """A worker reads crisis triage's sentence model (about 120 MB, a quarter of a second)
    when it starts, before its pool's processes are forked (they share it), not at the first
    question of 18:00; the web processes never read it (docs/safeguarding.md, "The second
    reading")."""
    from safeguarding import second_reading

    second_reading.warm()
