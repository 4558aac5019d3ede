"""Every use of another library's private internals: one module per library.

- uvicorn_websockets.py: frames written straight to uvicorn's sockets (CHAT_DIRECT_SOCKET),
  a bound on how long a request's head may take (WEB_REQUEST_HEAD_SECONDS), and client pings
  counted against the frame budget (CHAT_PING_BUDGET).
- cpython_asyncio.py: ASGI sends stepped in the hub's loop (CHAT_EAGER_SEND).
- channels_redis.py: PUBLISH from the committing thread (CHAT_DIRECT_PUBLISH), and the
  default channel layer's cancellation guard.
- asgiref.py: staff threads that keep their SQLite connection (CHAT_KEEP_SQLITE_CONNECTIONS).
- django_handler.py: each HTTP request in one hop to a thread (WEB_ONE_HOP_HTTP).

Each module names the versions it was written and tested for (`TESTED`; pyproject.toml pins
the same ranges) and decides once per process whether its path is on: its setting, the
installed versions and the attributes it uses. `check()` runs at a server's start-up
(outreach/asgi.py) and logs which delivery paths are active; /healthz shows them; Django's
system check (`system_check`, registered by realtime/apps.py) warns when an installed
version is outside a tested range and says which path is then active. Without these paths
everything goes through public APIs (ASGI `send` from a writer task, `group_send`,
`database_sync_to_async`), only slower.
"""

from typing import Any

from django.conf import settings
from django.core import checks

from realtime.internals import (
    asgiref,
    channels_consumer,
    channels_redis,
    cpython_asyncio,
    django_handler,
    uvicorn_websockets,
)
from realtime.internals.ranges import PathStatus, forget_statuses, range_problem, status_once

# The delivery paths /healthz reports, in the order they are logged.
DELIVERY_PATHS = (uvicorn_websockets, cpython_asyncio, channels_redis, django_handler)


def check() -> dict[str, PathStatus]:
    """Each delivery path's status, and the request head's timeout's, decided and logged
    once per process."""
    statuses = {
        module.PATH: status_once(module.PATH, module.path_status) for module in DELIVERY_PATHS
    }
    statuses[uvicorn_websockets.HEAD_PATH] = status_once(
        uvicorn_websockets.HEAD_PATH, uvicorn_websockets.head_path_status
    )
    return statuses


def reset() -> None:
    """Forget the decisions (tests that change the settings)."""
    forget_statuses()


def direct_socket_enabled() -> bool:
    return uvicorn_websockets.direct_socket_enabled()


def direct_publish_enabled() -> bool:
    return channels_redis.direct_publish_enabled()


def eager_send_enabled() -> bool:
    return cpython_asyncio.eager_send_enabled()


# (module, what runs when its versions are untested)
_WHEN_UNTESTED = (
    (
        uvicorn_websockets,
        "the direct socket write is off: frames go through ASGI `send`; client pings are "
        "not counted against the frame budget",
    ),
    (cpython_asyncio, "eager sends are off: a writer task per viewer"),
    (
        channels_redis,
        "the direct PUBLISH is off: public frames go through `group_send`; the default "
        "layer's cancellation guard still applies",
    ),
    (asgiref, "staff threads use Channels' database_sync_to_async unchanged"),
    (django_handler, "Django's ASGI handler: a thread hop per middleware"),
)


def system_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A Warning for each module whose library is outside its tested range (and one when the
    channel layer's guard can no longer apply), saying which path is active. Silent when
    every version is one the modules were tested with."""
    found: list[checks.CheckMessage] = []
    for module, fallback in _WHEN_UNTESTED:
        problem = range_problem(module.TESTED)
        if problem is None:
            continue
        switch = module.SWITCH
        if not getattr(settings, switch):
            active = f"the path is switched off ({switch}=false) and stays off"
        else:
            active = fallback
        found.append(
            checks.Warning(
                f"{problem} ({module.__name__}).",
                hint=f"Active path: {active}. Test the new version, then widen TESTED and "
                f"the pin in pyproject.toml; or set {switch}=false to say so explicitly.",
                obj=module.__name__,
                id="realtime.W001",
            )
        )
    if not channels_redis.cancel_guard_active():
        found.append(
            checks.Warning(
                "channels-redis no longer has _brpop_with_clean, which the default channel "
                "layer overrides (realtime.internals.channels_redis).",
                hint="Active path: channels-redis' own receive; OutreachRedisChannelLayer's "
                "cancellation guard is inactive (tests/realtime/test_channel_layers.py says "
                "whether cancelled receives still end).",
                obj=channels_redis.__name__,
                id="realtime.W002",
            )
        )
    problem = range_problem(uvicorn_websockets.HEAD_TESTED)
    if problem is not None:
        found.append(
            checks.Warning(
                f"{problem} (realtime.internals.uvicorn_websockets, the request head's timeout).",
                hint="Active path: uvicorn's own, with no bound on how long a request's head "
                "may take (put nginx in front). Run tests/realtime/test_request_head_timeout.py "
                "with the new uvicorn, then widen HEAD_TESTED and the pin in pyproject.toml.",
                obj=uvicorn_websockets.__name__,
                id="realtime.W004",
            )
        )
    problem = range_problem(channels_consumer.TESTED)
    if problem is not None:
        found.append(
            checks.Warning(
                f"{problem} (realtime.internals.channels_consumer).",
                hint="The live chat's consumer loop re-implements Channels' consumer call and "
                "has no other path: run tests/chat with the new Channels, then widen TESTED "
                "and the pin in pyproject.toml.",
                obj=channels_consumer.__name__,
                id="realtime.W003",
            )
        )
    return found
