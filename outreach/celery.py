"""The Celery app: configured from Django settings (CELERY_ namespace), tasks found per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")

app = Celery("outreach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
