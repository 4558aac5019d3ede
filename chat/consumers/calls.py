"""How the live connection reaches the database: each call one trip on a thread, typed (mypy
checks every service call's keyword arguments across the async boundary). Callers look these
up here when they call (`calls.db(...)`), so a test can count the trips a connection makes."""

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async
from django.conf import settings

from core.ablation import design_choice_on
from realtime.internals.asgiref import KeptConnectionCall

P = ParamSpec("P")
R = TypeVar("R")


def db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`database_sync_to_async`, typed."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(function))


_staff_executor: ThreadPoolExecutor | None = None
_staff_executor_lock = threading.Lock()


def staff_db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A staff frame's database work, on threads of its own (CHAT_STAFF_EXECUTOR): on
    Channels' one shared database thread it would wait behind every joining viewer's reads,
    which at 18:00 is seconds. On SQLite these threads keep their connection between calls
    (realtime/internals/asgiref.py)."""
    if not design_choice_on("CHAT_STAFF_EXECUTOR"):
        return db(function)
    global _staff_executor
    with _staff_executor_lock:
        if _staff_executor is None:
            _staff_executor = ThreadPoolExecutor(
                max_workers=settings.CHAT_STAFF_THREADS, thread_name_prefix="staff-db"
            )
    return cast(
        Callable[P, Awaitable[R]],
        KeptConnectionCall(function, thread_sensitive=False, executor=_staff_executor),
    )
