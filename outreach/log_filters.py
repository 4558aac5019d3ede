"""Logging filters: one line for the operator, not a traceback a second."""

import logging
import time


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
