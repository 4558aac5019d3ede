"""How a live connection fails: what ends it, what refuses one frame, and its log."""

import logging

import redis
from django.db import DatabaseError

from chat.protocol import FrameError
from core.logs import OncePerKind
from realtime.codes import CloseCode

# One logger for every part of a live connection: operators follow a connection by it.
logger = logging.getLogger("chat.consumers")
# What any client can cause at will (a malformed frame, a flood): one line per kind a minute.
client_lines = OncePerKind(logger)

# What "Redis or the database is unavailable" looks like from here.
UNAVAILABLE_ERRORS = (redis.RedisError, OSError, DatabaseError)


class FeedUnavailable(Exception):
    """Redis (the live feed) or the database cannot be reached: close with 4503."""


class ReplayLimited(Exception):
    """This connection's network has been sent all the history it may for now
    (chat/replay.py): close with 4429; the client waits, then resumes by seq."""


class SessionEnded(Exception):
    """A privileged frame's sender is no longer signed in under its session (signed out
    elsewhere, flushed by an administrator): the frame is refused and the socket closed."""


def note_mistake(mistake: FrameError, *, event_id: int | None) -> None:
    """A client's malformed frame or URL: answered with an `error` frame by the caller, and
    logged here at most once a minute per kind (the message names a field, never its value)."""
    client_lines.log(
        f"mistake:{mistake.code}:{mistake.message}",
        logging.INFO,
        "client mistake refused (%s) at event %s: %s",
        mistake.code,
        event_id,
        mistake.message,
    )


def note_replay_limited(*, event_id: int | None) -> None:
    client_lines.log(
        "replay_limited",
        logging.INFO,
        "connection to event %s closed with %s: its network has had all the history it may for now",
        event_id,
        CloseCode.REPLAY_LIMITED.value,
    )


def close_code_after(error: Exception, *, event_id: int | None) -> CloseCode:
    """What ends a connection that failed, with one log line: 4503 when Redis or the
    database is away (the client waits, then resumes), 1011 for anything else."""
    if isinstance(error, ReplayLimited):
        note_replay_limited(event_id=event_id)
        return CloseCode.REPLAY_LIMITED
    if isinstance(error, (FeedUnavailable, *UNAVAILABLE_ERRORS)):
        code = CloseCode.UNAVAILABLE
        logger.warning("connection to event %s closed with %s: %s", event_id, code, error)
        return code
    code = CloseCode.INTERNAL
    logger.error(
        "connection to event %s failed, closed with %s: %s: %s",
        event_id,
        code,
        type(error).__name__,
        error,
        exc_info=logger.isEnabledFor(logging.DEBUG),
    )
    return code
