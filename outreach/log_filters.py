"""Logging filters: one line for the operator, not a traceback a second; `make run`'s
output readable (lines for changes and failures only); and no network address in any line
(docs/safeguarding.md, "Network addresses").

- A request refused with a 4xx (PermissionDenied, Http404, ...) is one line: Django logs it
  with the exception's traceback, which tells an operator nothing (it was refused as
  designed). Server errors (5xx) keep theirs.
- Each WebSocket's "accepted" and "connection open" lines from uvicorn and websockets are
  dropped (LOG_LEVEL=DEBUG keeps them): an access log by another name, off like uvicorn's.
- Celery's routine lines every few seconds while nothing changes (beat sending a due task,
  the worker receiving it and it succeeding) are dropped. Our tasks log what they change
  (transitions, lateness, archives); Celery's failures, retries and start-up lines stay.
  Written for Celery 5.x: the routine messages are Celery's own format strings, imported
  where Celery exposes them, so a wording change there leaves the lines in (noisy, not lost).

Every log handler the portal's processes write through (web, worker, beat) carries
`RedactAddresses`: it replaces each IPv4 or IPv6 address in a record's message, exception
and stack text with `[address]` before the line is formatted. uvicorn's own loggers are
routed to the same handler (outreach/settings.py LOGGING), because uvicorn writes a
WebSocket's handshake (`<address>:<port> - "WebSocket /ws/..." [accepted]`) to
`uvicorn.error` even with `--no-access-log`. Loopback and unspecified addresses (the
server's own `127.0.0.1`, `0.0.0.0`) are nobody's, so they stay readable.
"""

import ipaddress
import logging
import re
import time

import redis
from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS
from kombu.exceptions import OperationalError as BrokerUnreachable

# celery/beat.py logs this literal (no constant to import).
BEAT_SENDING_DUE_TASK = "Scheduler: Sending due task"


class OncePerMinute(logging.Filter):
    """Pass a repeated message at most once per `seconds`, as one line without its
    traceback. channels-redis' pub/sub receive task logs a full traceback every second while
    Redis is unreachable; the hubs already say once what that means (realtime/hub.py)."""

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


# What "Redis cannot be reached" looks like in an exception's chain.
REDIS_DOWN_ERRORS = (
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerUnreachable,
    ConnectionRefusedError,
)


def redis_down_in(error: BaseException | None) -> bool:
    """Whether Redis being unreachable is in `error`'s chain (its causes and contexts)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, REDIS_DOWN_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class RedisDownOneLine(logging.Filter):
    """Celery's line for a failure whose cause is Redis being unreachable (beat could not
    send a due task: some 150 lines of stack and chained tracebacks, every few seconds while
    Redis is away; a task that lost its connection): one WARNING a minute per logger, without
    the traceback, saying how many were left out. Other lines pass unchanged."""

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self.last_seen: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not redis_down_in(error):
            return True
        now = time.monotonic()
        if now - self.last_seen.get(record.name, float("-inf")) < self.seconds:
            self.held[record.name] = self.held.get(record.name, 0) + 1
            return False
        self.last_seen[record.name] = now
        held = self.held.pop(record.name, 0)
        more = f"; {held} more since the last such line" if held else ""
        record.msg = f"Redis unavailable: {error} (one line a minute while it lasts{more})"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


# uvicorn's line for a client's mistake, which it logs with a traceback (websockets-sansio:
# a text frame that is not UTF-8; the client is closed with 1007 either way).
CLIENT_MISTAKE_MESSAGES = frozenset({"Invalid UTF-8 sequence received from client."})


class ClientMistakesOncePerMinute(OncePerMinute):
    """uvicorn's lines for a client's mistakes: one INFO line a minute, without the
    traceback (anyone can send invalid UTF-8 a thousand times a second); others pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in CLIENT_MISTAKE_MESSAGES:
            return True
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return super().filter(record)


REDACTED = "[address]"

# Candidates only: each is confirmed with `ipaddress` before it is replaced, so times
# ("18:05:09"), versions and hashes are left alone.
_CANDIDATE = re.compile(
    r"(?<![\w.:])(?:[0-9A-Fa-f]{0,4}:){2,}[0-9A-Fa-f.:]*(?:%\w+)?"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"
)
_TRAILING_PORT = re.compile(r":\d{1,5}$")


def _is_someones_address(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (address.is_loopback or address.is_unspecified)


def _replace(match: re.Match[str]) -> str:
    candidate = match.group(0)
    if _is_someones_address(candidate):
        return REDACTED
    # uvicorn writes an IPv6 client as "<address>:<port>" without brackets.
    without_port = _TRAILING_PORT.sub("", candidate)
    if without_port != candidate and _is_someones_address(without_port):
        return REDACTED + candidate[len(without_port) :]
    return candidate


def redact_addresses(text: str) -> str:
    """`text` with every network address (except loopback and unspecified) replaced."""
    return _CANDIDATE.sub(_replace, text)


class RedactAddresses(logging.Filter):
    """A handler filter: the record's final message, exception and stack without addresses."""

    _exception_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True
        record.msg = redact_addresses(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_addresses(record.stack_info)
        return True


# uvicorn's and websockets' line for each WebSocket opened (on `uvicorn.error`, even with
# --no-access-log): at 18:00, two lines per arriving viewer, which bury the lines that matter
# and were 3% of the server's samples in a storm (docs/performance.md).
PER_CONNECTION_MESSAGES = frozenset(
    {'%s - "WebSocket %s" [accepted]', "connection open", "connection closed"}
)


class PerConnectionLines(logging.Filter):
    """Drops each WebSocket's "accepted" and "connection open/closed" lines, unless `keep`
    (LOG_LEVEL=DEBUG). Refusals, errors and start-up lines stay."""

    def __init__(self, keep: bool = False) -> None:
        super().__init__()
        self.keep = keep

    def filter(self, record: logging.LogRecord) -> bool:
        return self.keep or record.msg not in PER_CONNECTION_MESSAGES


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
