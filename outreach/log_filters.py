"""Logging filters: one line for the operator, not a traceback a second, and `make run`'s
output readable (lines for changes and failures only).

- A request refused with a 4xx (PermissionDenied, Http404, ...) is one line: Django logs it
  with the exception's traceback, which tells an operator nothing (it was refused as
  designed). Server errors (5xx) keep theirs.
- Celery's routine lines every few seconds while nothing changes (beat sending a due task,
  the worker receiving it and it succeeding) are dropped. Our tasks log what they change
  (transitions, lateness, archives); Celery's failures, retries and start-up lines stay.
  Written for Celery 5.x: the routine messages are Celery's own format strings, imported
  where Celery exposes them, so a wording change there leaves the lines in (noisy, not lost).
"""

import logging
import time

from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS

# celery/beat.py logs this literal (no constant to import).
BEAT_SENDING_DUE_TASK = "Scheduler: Sending due task"


class OncePerMinute(logging.Filter):
    """Pass a repeated message at most once per `seconds`, as one line without its
    traceback. channels-redis' pub/sub receive task logs a full traceback every second while
    Redis is unreachable; the hubs already say once what that means (chat/realtime/hub.py)."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self.last_seen: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        message = record.getMessage()
        if now - self.last_seen.get(message, float("-inf")) < self.seconds:
            return False
        self.last_seen[message] = now
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{message}: {record.exc_info[1]!r} (repeats are not logged for a minute)"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class ClientErrorWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class RoutineCeleryLines(logging.Filter):
    """Drops the routine lines; keeps everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        return not (
            message in (LOG_RECEIVED, LOG_SUCCESS) or message.startswith(BEAT_SENDING_DUE_TASK)
        )
