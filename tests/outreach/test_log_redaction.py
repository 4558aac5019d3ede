"""Network addresses never reach a log line (outreach/log_filters.py)."""

import io
import logging
import logging.config

import pytest
from celery.signals import setup_logging
from django.conf import settings

from outreach.log_filters import PerConnectionLines, RedactAddresses, redact_addresses


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (
            '203.0.113.77:0 - "WebSocket /ws/events/x/" [accepted]',
            '[address]:0 - "WebSocket /ws/events/x/" [accepted]',
        ),
        ("('203.0.113.77', 51234) - ASGI [3] Started", "('[address]', 51234) - ASGI [3] Started"),
        ('2001:db8:4d2:77::1234:0 - "WebSocket /ws/"', '[address] - "WebSocket /ws/"'),
        ("client 2001:db8:1:2:3:4:5:6:443 left", "client [address]:443 left"),
        ("from [2001:db8::1]:443", "from [[address]]:443"),
        ("mapped ::ffff:198.51.100.4 here", "mapped [address] here"),
        ("fe80::1%eth0 and 10.0.0.8", "[address] and [address]"),
    ],
)
def test_addresses_are_replaced(line: str, shown: str) -> None:
    assert redact_addresses(line) == shown


@pytest.mark.parametrize(
    "line",
    [
        "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
        "listening on [::1]:8000 and 0.0.0.0:8001",
        "event 42 opened at 18:05:09, version 1.2.3, took 0.25 s",
        "hash 9f86d081884c7d659a2feaa0c55ad015 seq 12",
        "value 999.1.1.1 is not an address",
    ],
)
def test_other_text_is_left_alone(line: str) -> None:
    assert redact_addresses(line) == line


def _log_through_filter(emit: object) -> str:
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(RedactAddresses())
    logger = logging.getLogger("tests.log_privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)  # type: ignore[operator]
    finally:
        logger.removeHandler(handler)
    return output.getvalue()


def test_filter_redacts_arguments_exceptions_and_stacks() -> None:
    def emit(logger: logging.Logger) -> None:
        logger.warning("%s - %s", ("203.0.113.77", 0), "GET /")
        try:
            raise ConnectionError("reset by 198.51.100.23")
        except ConnectionError:
            logger.exception("lost 2001:db8::7")

    text = _log_through_filter(emit)

    assert "('[address]', 0) - GET /" in text
    assert "ConnectionError: reset by [address]" in text
    assert "lost [address]" in text
    assert "203.0.113" not in text and "198.51.100" not in text and "2001:db8" not in text


def test_every_logger_with_handlers_writes_through_the_filter() -> None:
    logging.config.dictConfig(settings.LOGGING)
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in ("django", "django.server", "uvicorn", "uvicorn.error")
    ]
    handlers = [handler for logger in loggers for handler in logger.handlers]

    assert handlers  # the root's console handler
    assert all(any(isinstance(f, RedactAddresses) for f in handler.filters) for handler in handlers)
    # uvicorn's access log (an address beside a path on every line) writes nowhere.
    access = logging.getLogger("uvicorn.access")
    assert (access.handlers, access.propagate) == ([], False)


def test_celery_workers_and_beat_use_the_filtered_logging() -> None:
    import outreach.celery  # noqa: F401 - connects the receiver

    root = logging.getLogger()
    kept = root.handlers[:]
    root.handlers.clear()
    try:
        responses = setup_logging.send(
            sender=None, loglevel="INFO", logfile=None, format="", colorize=False
        )
        handlers = root.handlers[:]
    finally:
        root.handlers[:] = kept

    # A receiver answered, so Celery leaves the root logger to Django's LOGGING.
    assert any(receiver.__name__ == "use_django_logging" for receiver, _ in responses)
    assert any(isinstance(f, RedactAddresses) for handler in handlers for f in handler.filters)


def test_each_websockets_open_and_accept_lines_are_not_logged() -> None:
    logging.config.dictConfig(settings.LOGGING)
    server_log = logging.getLogger("uvicorn.error")
    written: list[str] = []
    collector = logging.Handler()
    collector.emit = lambda record: written.append(record.getMessage())  # type: ignore[method-assign]
    server_log.addHandler(collector)
    level = server_log.level
    server_log.setLevel(logging.INFO)
    try:
        server_log.info('%s - "WebSocket %s" [accepted]', "[address]:0", "/ws/events/x/")
        server_log.info("connection open")
        server_log.info("connection rejected (%d %s)", 403, "Forbidden")
        server_log.error("Exception in ASGI application\n")
    finally:
        server_log.removeHandler(collector)
        server_log.setLevel(level)

    assert written == ["connection rejected (403 Forbidden)", "Exception in ASGI application\n"]


def test_with_log_level_debug_each_websockets_lines_stay() -> None:
    record = logging.LogRecord("uvicorn.error", logging.INFO, "", 0, "connection open", None, None)
    assert PerConnectionLines(keep=True).filter(record)
    assert not PerConnectionLines(keep=False).filter(record)
