"""The web server's command line: written once, here.

`python -m outreach.serve web` runs it (the Procfile's `web` line, docs/deployment.md), the
real-process tests and the fan-out benchmark build it with `command()`, and in-process
tests take `UVICORN_OPTIONS`. The WebSocket settings matter: `websockets-sansio` is the
implementation the direct write path is written for (realtime/internals/uvicorn_websockets.py), and
permessage-deflate off keeps every viewer on it (compression costs about 39 KiB a
connection and cuts throughput to about a quarter: docs/performance.md). The loop is
outreach/web_loop.py's, which sets up new connections a few per turn so that a crowd
arriving at once cannot hold up staff frames and deliveries.
"""

import os
import sys
from typing import Any

APP = "outreach.asgi:application"
# uvicorn.Config's keyword arguments; `command()` spells the same as flags.
UVICORN_OPTIONS: dict[str, Any] = {
    "ws": "websockets-sansio",
    "ws_max_size": 65536,
    "ws_per_message_deflate": False,
    "lifespan": "off",
    "access_log": False,
    # New connections set up a few per loop turn (outreach/web_loop.py, WEB_CONNECTIONS_PER_TURN).
    "loop": "outreach.web_loop:new_event_loop",
    # Reached without nginx, a client must not hold a connection for nothing: an idle
    # keep-alive connection is closed after 5 s, and a request's head may not exceed
    # 16 KiB (h11; httptools has its own fixed limits).
    "timeout_keep_alive": 5,
    "h11_max_incomplete_event_size": 16 * 1024,
    # uvicorn's httptools protocol with a bound on how long a request's head may take
    # (WEB_REQUEST_HEAD_SECONDS): uvicorn itself has none.
    "http": "realtime.internals.uvicorn_websockets:HeadTimeoutProtocol",
}


def command(*, host: str, port: int | str, python: str = sys.executable) -> list[str]:
    return [
        python,
        "-m",
        "uvicorn",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--ws",
        UVICORN_OPTIONS["ws"],
        "--ws-max-size",
        str(UVICORN_OPTIONS["ws_max_size"]),
        "--ws-per-message-deflate",
        "true" if UVICORN_OPTIONS["ws_per_message_deflate"] else "false",
        "--lifespan",
        UVICORN_OPTIONS["lifespan"],
        "--loop",
        UVICORN_OPTIONS["loop"],
        "--timeout-keep-alive",
        str(UVICORN_OPTIONS["timeout_keep_alive"]),
        "--h11-max-incomplete-event-size",
        str(UVICORN_OPTIONS["h11_max_incomplete_event_size"]),
        "--http",
        UVICORN_OPTIONS["http"],
        *([] if UVICORN_OPTIONS["access_log"] else ["--no-access-log"]),
    ]


def run() -> None:
    """Replace this process with uvicorn on WEB_HOST:WEB_PORT (127.0.0.1:8000 by default),
    so signals from a process manager reach uvicorn itself."""
    argv = command(
        host=os.environ.get("WEB_HOST", "127.0.0.1"), port=os.environ.get("WEB_PORT", "8000")
    )
    refuse_another_namespace()
    os.execv(argv[0], argv)  # noqa: S606 - our interpreter, fixed arguments


def refuse_another_namespace() -> None:
    """Before uvicorn starts: this process's Redis namespace must be the deployment's
    (core/deployment.py); otherwise the web process exits with the reason."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
    import django

    django.setup()
    from core.deployment import check_namespace_at_start

    check_namespace_at_start("web")
