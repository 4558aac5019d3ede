import socket

import pytest
from django.db import OperationalError, connection
from django.test import Client
from pytest_django import Settings

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_healthz_ok_when_database_and_redis_answer(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "checks", "failed")} == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok"},
        "failed": [],
    }
    # Under the test suite's uvicorn, websockets and Python, every fast path is on.
    assert body["realtime"] == {
        "direct_socket": {
            "enabled": True,
            "reason": "uvicorn websockets-sansio: frames written straight to sockets",
        },
        "eager_send": {
            "enabled": True,
            "reason": "ASGI sends stepped in the hub's loop until they must wait",
        },
        "direct_publish": {"enabled": True, "reason": "PUBLISH from the committing thread"},
        "request_head_timeout": {
            "enabled": True,
            "reason": "a request's head must be complete within 15 s",
        },
        "one_hop_http": {
            "enabled": True,
            "reason": "each HTTP request in one hop to a thread (middleware in sync mode)",
        },
    }


def test_healthz_says_when_a_direct_path_is_switched_off(
    client: Client, settings: Settings
) -> None:
    from realtime import internals

    settings.CHAT_DIRECT_SOCKET = False
    internals.reset()
    try:
        realtime = client.get("/healthz").json()["realtime"]
    finally:
        internals.reset()

    assert realtime["direct_socket"] == {
        "enabled": False,
        "reason": "switched off (CHAT_DIRECT_SOCKET=false)",
    }
    assert realtime["direct_publish"]["enabled"] is True


def test_the_direct_path_is_on_whichever_thread_checks_first(client: Client) -> None:
    """A service publishing from a worker thread (no event loop there) may be the first to
    ask; the direct write's check must not turn it off for the whole process."""
    import threading

    from realtime import internals

    internals.reset()
    try:
        checker = threading.Thread(target=internals.check)
        checker.start()
        checker.join()
        realtime = client.get("/healthz").json()["realtime"]
    finally:
        internals.reset()

    assert realtime["direct_socket"]["enabled"] is True, realtime["direct_socket"]


def test_healthz_503_names_redis_when_it_is_down(client: Client, settings: Settings) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert {key: body[key] for key in ("status", "checks", "failed")} == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unreachable"},
        "failed": ["redis"],
    }


def test_healthz_503_names_the_database_when_it_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    # The database's own connection breaking is the failure; nothing else is replaced.
    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"] == "unreachable"
