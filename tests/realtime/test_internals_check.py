"""Each module in realtime/internals/ names the versions it was tested with; Django's system
check warns when an installed one is outside them and says which path is then active."""

from collections.abc import Callable

import pytest
from django.core import checks
from pytest_django import Settings

from realtime import internals
from realtime.internals import channels_redis, ranges, uvicorn_websockets


def versions(**overrides: str) -> Callable[[str], str | None]:
    installed = ranges.installed_version

    def lookup(package: str) -> str | None:
        return overrides.get(package, installed(package))

    return lookup


def test_the_system_check_is_silent_at_the_tested_versions() -> None:
    assert internals.system_check() == []
    assert internals.system_check in checks.registry.registry.get_checks()


def test_an_untested_uvicorn_is_a_warning_that_says_the_direct_socket_and_head_timeout_are_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ranges, "installed_version", versions(uvicorn="0.55.0"))

    found = internals.system_check()

    assert [(warning.id, warning.msg, warning.hint) for warning in found] == [
        (
            "realtime.W001",
            "uvicorn 0.55.0 is outside the tested range uvicorn >=0.54,<0.55 "
            "(realtime.internals.uvicorn_websockets).",
            "Active path: the direct socket write is off: frames go through ASGI `send`; "
            "client pings are not counted against the frame budget. "
            "Test the new version, then widen TESTED and the pin in pyproject.toml; or set "
            "CHAT_DIRECT_SOCKET=false to say so explicitly.",
        ),
        (
            "realtime.W004",
            "uvicorn 0.55.0 is outside the tested range uvicorn >=0.54,<0.55 "
            "(realtime.internals.uvicorn_websockets, the request head's timeout).",
            "Active path: uvicorn's own, with no bound on how long a request's head may take "
            "(put nginx in front). Run tests/realtime/test_request_head_timeout.py with the "
            "new uvicorn, then widen HEAD_TESTED and the pin in pyproject.toml.",
        ),
    ]
    assert isinstance(found[0], checks.Warning)
    # ...and the paths themselves agree.
    assert uvicorn_websockets.path_status() == ranges.PathStatus(
        False, "uvicorn 0.55.0 is outside the tested range uvicorn >=0.54,<0.55"
    )
    assert uvicorn_websockets.head_path_status() == ranges.PathStatus(
        False, "uvicorn 0.55.0 is outside the tested range uvicorn >=0.54,<0.55"
    )


def test_the_request_head_timeout_is_off_at_zero(settings: Settings) -> None:
    settings.WEB_REQUEST_HEAD_SECONDS = 0

    assert uvicorn_websockets.head_path_status() == ranges.PathStatus(
        False, "switched off (WEB_REQUEST_HEAD_SECONDS=0)"
    )


def test_an_untested_asgiref_with_its_switch_off_says_it_stays_off(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    settings.CHAT_KEEP_SQLITE_CONNECTIONS = False
    monkeypatch.setattr(ranges, "installed_version", versions(asgiref="3.14.1"))

    [warning] = internals.system_check()

    assert warning.msg == (
        "asgiref 3.14.1 is outside the tested range asgiref >=3.13,<3.14 "
        "(realtime.internals.asgiref)."
    )
    assert warning.hint is not None and warning.hint.startswith(
        "Active path: the path is switched off (CHAT_KEEP_SQLITE_CONNECTIONS=false) and stays off."
    )


def test_a_channels_redis_without_the_overridden_method_is_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(channels_redis, "cancel_guard_active", lambda: False)

    assert [warning.id for warning in internals.system_check()] == ["realtime.W002"]
