"""Staff frames' database calls, on threads that keep their SQLite connection.

Leans on asgiref's undocumented `SyncToAsync.thread_handler` and on Channels'
`DatabaseSyncToAsync` overriding it; written for and tested with the versions in `TESTED`
(pyproject.toml pins them).

Channels' `database_sync_to_async` closes the thread's connections before and after every
call (Django's CONN_MAX_AGE is 0). On SQLite that is a new connection per call (the file
opened, WAL mode set) and, when it was the only one open, a WAL checkpoint with an fsync as
it closes: every moderator's action paid for both (docs/performance.md). The staff
executor's threads are a fixed few (CHAT_STAFF_THREADS), so on SQLite their connections are
kept: one open connection per thread. A call that raises closes them, so the next one
starts afresh. PostgreSQL, with its pool, keeps Channels' behaviour, and so does every
database when CHAT_KEEP_SQLITE_CONNECTIONS is false or a version is outside `TESTED`.
"""

from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connections

from realtime.internals.ranges import PathStatus, TestedRange, range_problem, status_once

PATH = "keep_sqlite_connections"
SWITCH = "CHAT_KEEP_SQLITE_CONNECTIONS"
TESTED = (TestedRange("asgiref", (3, 13), (3, 14)), TestedRange("channels", (4, 3), (4, 4)))


def path_status() -> PathStatus:
    """Whether the override may be used at all (the setting is read on every call)."""
    problem = range_problem(TESTED)
    if problem:
        return PathStatus(False, problem)
    if not callable(getattr(SyncToAsync, "thread_handler", None)):
        return PathStatus(False, "asgiref's SyncToAsync has no thread_handler")
    return PathStatus(True, "staff threads keep their SQLite connection")


def keeps_connections() -> bool:
    return (
        bool(settings.CHAT_KEEP_SQLITE_CONNECTIONS)
        and connections["default"].vendor == "sqlite"
        and status_once(PATH, path_status).enabled
    )


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        connection.close()


class KeptConnectionCall(DatabaseSyncToAsync):
    """`database_sync_to_async` that keeps the worker thread's SQLite connection."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        if not keeps_connections():
            return super().thread_handler(loop, *args, **kwargs)
        try:
            return SyncToAsync.thread_handler(self, loop, *args, **kwargs)
        except BaseException:
            # Whatever went wrong (a refused action included), start the next call on a
            # fresh connection rather than judge whether this one is still sound.
            close_connections()
            raise
