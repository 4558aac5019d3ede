"""Log filters that keep `make run`'s output readable: lines for changes and failures only.

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

from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS

# celery/beat.py logs this literal (no constant to import).
BEAT_SENDING_DUE_TASK = "Scheduler: Sending due task"


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
