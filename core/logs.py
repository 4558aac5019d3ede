"""Log lines an anonymous client can cause, at most one per kind per minute per process.

Anyone can send a malformed frame a thousand times a second; the operator needs to know
that it happens, not each time. A line that was held back is counted, and the next one of
its kind says how many were.
"""

import logging
import threading
import time

# Kinds are a small fixed set (error codes, log messages); the bound is a safety net.
_KINDS_MAX = 1000


class OncePerKind:
    """`log(kind, ...)` writes at most one line per `kind` every `seconds` (with a
    traceback only when asked: a bug a client can trigger at will)."""

    def __init__(self, logger: logging.Logger, *, seconds: float = 60.0) -> None:
        self.logger = logger
        self.seconds = seconds
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    def log(
        self, kind: str, level: int, message: str, *args: object, exc_info: bool = False
    ) -> bool:
        """Log `message % args` unless a line of this `kind` was logged in the last
        `seconds`; True if it was logged."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self.seconds:
                self._held[kind] = self._held.get(kind, 0) + 1
                return False
            if len(self._last) >= _KINDS_MAX:
                self._last.clear()
                self._held.clear()
            self._last[kind] = now
            held = self._held.pop(kind, 0)
        if held:
            message += f" ({held} more like it since the last such line)"
        self.logger.log(level, message, *args, exc_info=True if exc_info else None)
        return True

    def forget(self) -> None:
        """Start afresh (tests)."""
        with self._lock:
            self._last.clear()
            self._held.clear()
