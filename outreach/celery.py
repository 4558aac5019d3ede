"""The Celery app: configured from Django settings (CELERY_ namespace), tasks found per app."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

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
