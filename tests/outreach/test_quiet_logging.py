"""`make run`'s output: one line for a refused request, no line per routine Celery task."""

import logging
import sys

import pytest
from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS
from django.test import Client
from django.urls import reverse

from events.enums import EventStatus
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_one_log_line_without_a_traceback(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    event = EventFactory(status=EventStatus.LIVE)
    client.force_login(UserFactory())

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("chat:moderate", args=[event.slug]))

    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in refused] == [
        ("WARNING", f"Forbidden (Permission denied): /events/{event.slug}/moderate/")
    ]
    assert refused[0].exc_info is None


def test_a_server_error_keeps_its_traceback() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", None, None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500

    for log_filter in logging.getLogger("django.request").filters:
        log_filter.filter(record)

    assert record.exc_info is not None


@pytest.mark.parametrize(
    ("logger", "message", "kept"),
    [
        ("celery.beat", "Scheduler: Sending due task %s (%s)", False),
        ("celery.worker.strategy", LOG_RECEIVED, False),
        ("celery.app.trace", LOG_SUCCESS, False),
        ("celery.beat", "beat: Starting...", True),
        ("celery.app.trace", "Task %(name)s[%(id)s] retry: %(exc)s", True),
    ],
)
def test_routine_celery_lines_are_dropped_and_the_rest_kept(
    logger: str, message: str, kept: bool
) -> None:
    record = logging.LogRecord(logger, logging.INFO, "", 0, message, None, None)

    assert logging.getLogger(logger).filter(record) is kept
