"""Stepping a viewer's ASGI `send` coroutine by hand in the hub's loop.

The path for viewers without a direct socket (realtime/internals/uvicorn_websockets.py):
`send_eagerly` runs the coroutine in the caller's stack and finishes it in a task only if it
must wait, which takes CPython 3.11 asyncio's private `_asyncio_future_blocking` flag.
Python 3.12 has eager tasks for this; on 3.11 a task per viewer per item costs five times as
much (bench/outbox_bench.py, docs/performance.md).

Off (a writer task per viewer, public asyncio only) when CHAT_EAGER_SEND is false, on
another Python than `TESTED`, or when asyncio's futures lack the flag.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from django.conf import settings

from realtime.internals.ranges import PathStatus, TestedRange, range_problem, status_once

logger = logging.getLogger(__name__)

PATH = "eager_send"
SWITCH = "CHAT_EAGER_SEND"
TESTED = (TestedRange("python", (3, 11), (3, 12)),)


def path_status() -> PathStatus:
    if not settings.CHAT_EAGER_SEND:
        return PathStatus(False, "switched off (CHAT_EAGER_SEND=false)")
    problem = range_problem(TESTED)
    if problem:
        return PathStatus(False, problem)
    if not hasattr(asyncio.Future, "_asyncio_future_blocking"):
        return PathStatus(False, "asyncio.Future has no _asyncio_future_blocking")
    return PathStatus(True, "ASGI sends stepped in the hub's loop until they must wait")


def eager_send_enabled() -> bool:
    return status_once(PATH, path_status).enabled


def send_eagerly(send: Coroutine[Any, Any, Any]) -> "asyncio.Task[None] | None":
    """Run `send` now, in the caller's stack, for as long as it does not have to wait.

    Writing a frame to a socket whose buffer has room never waits, so fanning out a frame
    costs each viewer a direct call instead of a task and a switch (Python 3.11 has no eager
    tasks). If `send` must wait (a full buffer), a task finishes it; it is returned so the
    caller can keep later frames behind it. A failed send (the viewer has gone) is the
    viewer's business, never the fan-out's.
    """
    try:
        waiting_on = send.send(None)
    except StopIteration:
        return None
    except Exception:
        logger.debug("send to a departing viewer failed", exc_info=True)
        return None
    return asyncio.get_running_loop().create_task(_finish_send(send, waiting_on))


async def _finish_send(send: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
    try:
        while True:
            try:
                if waiting_on is None:  # a bare yield: give the loop one turn
                    await asyncio.sleep(0)
                else:
                    # What a task does with a yielded future: clear the flag, then wait.
                    waiting_on._asyncio_future_blocking = False
                    await waiting_on
            except BaseException as error:
                waiting_on = send.throw(error)
                continue
            waiting_on = send.send(None)
    except StopIteration:
        return
    except Exception:
        logger.debug("send to a departing viewer failed", exc_info=True)
