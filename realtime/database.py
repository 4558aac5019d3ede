"""Staff frames' database calls, on threads that keep their SQLite connection.

Channels' `database_sync_to_async` closes the thread's connections before and after every
call (Django's CONN_MAX_AGE is 0). On SQLite that is a new connection per call (the file
opened, WAL mode set) and, when it was the only one open, a WAL checkpoint with an fsync as
it closes: every moderator's action paid for both (a tenth of the server's samples while a
moderator published, docs/performance.md). The staff executor's threads are a fixed few
(CHAT_STAFF_THREADS), so on SQLite their connections are kept
(`CHAT_KEEP_SQLITE_CONNECTIONS`): one open connection per thread. A call that raises closes
them, so the next one starts afresh. PostgreSQL, with its pool, keeps Channels' behaviour.
"""

from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connections


def keeps_connections() -> bool:
    return bool(settings.CHAT_KEEP_SQLITE_CONNECTIONS) and (
        connections["default"].vendor == "sqlite"
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
