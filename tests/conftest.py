import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django import Settings

from accounts.models import User
from tests.factories import StaffFactory
from tests.harness import (  # noqa: F401 - fixtures for real-process tests
    processes,
    scratch_database_url,
)
from tests.live import (  # noqa: F401 - fixtures for every app's tests
    connect,
    default_phrases,
    live,
    server,
)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """The translations compiled from the committed .po files (make does it too; this keeps
    a bare `pytest` right after a .po change)."""
    from django.core.management import call_command

    call_command("compile_catalogues", verbosity=0)


@pytest.fixture(autouse=True)
def second_readings_done() -> Iterator[None]:
    """Each test's questions are read again (chat/read_again.py, a thread of its own; run
    eagerly in the suite) before the next test's database is set up."""
    yield
    from chat import read_again

    assert read_again.wait_until_handed_over(), "a second reading was still running"


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts and ends in the default language: Django's LocaleMiddleware leaves the
    language of a test client's last request active on the test's thread, so a Welsh page
    in one test would make the next test's lazy strings Welsh."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def isolated_cache(settings: Settings) -> None:
    """Each test its own cache namespace (rate limits, ...) on the shared Redis, which is
    never flushed: REDIS_URL may point at a server that holds other data."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture(autouse=True)
def fresh_channel_layers() -> None:
    """Each test its own channel-layer instances: every async test runs in an event loop of
    its own, and a layer made in an earlier test's loop can hold a lock of that loop (a
    server process has one loop for its whole life)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def fresh_process_limits() -> Iterator[None]:
    """Each test starts with every network's replay budget full (chat/replay.py) and no
    client line held back (core/logs.py): every test's sockets share one address."""
    from chat import replay
    from chat.consumers.failures import client_lines

    replay.network_budget.forget()
    client_lines.forget()
    yield
    replay.network_budget.forget()
    client_lines.forget()


@pytest.fixture(autouse=True)
def fresh_join_memory() -> Iterator[None]:
    """Each test starts with no public event remembered by this process, no askers index
    (chat/askers.py) and no kept page (core/kept_pages.py) for its events: event ids
    repeat from test to test."""
    from chat import askers, selectors
    from core import kept_pages

    def forget() -> None:
        selectors.forget_public_events()
        askers.forget_all_indexes()
        kept_pages.forget_all()

    forget()
    yield
    forget()


@pytest.fixture
def staff_user(db: None) -> User:
    return StaffFactory(email="staff@example.org")


@pytest.fixture
def staff_client(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client
