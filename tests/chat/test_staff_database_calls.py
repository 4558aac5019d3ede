"""Staff frames' database calls keep their thread's SQLite connection between calls
(realtime/internals/asgiref.py): a moderator's every action no longer opens the database file
and checkpoints its log as it closes. PostgreSQL keeps its pool's behaviour."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from events.models import Event
from realtime.internals.asgiref import KeptConnectionCall, keeps_connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """Connections opened, by thread name, while the test runs."""
    names: list[str] = []

    def count(sender: object, **kwargs: object) -> None:
        names.append(threading.current_thread().name)

    connection_created.connect(count)
    yield names
    connection_created.disconnect(count)


@pytest.fixture
def staff_thread() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-staff-db")
    yield executor
    # The kept connection goes with its thread.
    executor.submit(lambda: connection.close()).result()
    executor.shutdown()


def events_counted() -> int:
    return Event.objects.count()


def refused() -> None:
    Event.objects.count()
    raise ValueError("refused")


async def test_three_calls_on_one_thread_open_one_connection_on_sqlite(
    opened: list[str], staff_thread: ThreadPoolExecutor
) -> None:
    call = KeptConnectionCall(events_counted, thread_sensitive=False, executor=staff_thread)
    for _ in range(3):
        assert await call() == 0

    if connection.vendor == "sqlite":
        assert len(opened) == 1
    else:  # PostgreSQL: Channels' behaviour, with its pool
        assert keeps_connections() is False


async def test_a_call_that_raises_leaves_the_next_a_fresh_connection(
    opened: list[str], staff_thread: ThreadPoolExecutor
) -> None:
    await KeptConnectionCall(events_counted, thread_sensitive=False, executor=staff_thread)()
    with pytest.raises(ValueError, match="refused"):
        await KeptConnectionCall(refused, thread_sensitive=False, executor=staff_thread)()
    await KeptConnectionCall(events_counted, thread_sensitive=False, executor=staff_thread)()

    if connection.vendor == "sqlite":
        # The failure closed the kept connection and the next call opened another.
        assert len(opened) == 2
    else:
        assert keeps_connections() is False
