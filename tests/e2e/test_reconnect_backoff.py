"""During an outage, the live page backs off instead of hammering the server.

The browser's clock is a fake one the test moves forward, and the socket is routed through
the test, which plays the server: it answers every connection during the outage by closing
it, then lets connections through to the real portal. The page must wait longer and longer
between attempts (longer still after 4503, "unavailable"), come back once the outage is
over, and say so on the page.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.servers import Portal

OUTAGE_MS = 120_000
STEP_MS = 250


def live_page_in_an_outage(
    portal: Portal, new_context: NewContext, close_code: int | None
) -> tuple[Any, dict[str, Any]]:
    page = new_context().new_page()
    page.clock.install()
    state: dict[str, Any] = {"outage": True, "attempts": 0}

    def server(ws: Any) -> None:
        if not state["outage"]:
            ws.connect_to_server()
            return
        state["attempts"] += 1
        # Accepted, then dropped at once: what a server that cannot reach Redis used to do.
        ws.send('{"type": "synced", "last_seq": 0}')
        if close_code is None:
            ws.close()
        else:
            ws.close(code=close_code, reason="")

    page.route_web_socket(re.compile(r".*/ws/events/.*"), server)
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    return page, state


def run_outage(page: Any) -> None:
    for _ in range(OUTAGE_MS // STEP_MS):
        page.clock.run_for(STEP_MS)


@pytest.mark.parametrize(
    ("close_code", "most_attempts", "status"),
    [
        # 1 s doubling to 30 s, each delay between half and all of it: the first and at
        # most 11 more in 2 min (0.5 + 1 + 2 + 4 + 8 + 15 + 15 + ... s at the least).
        (None, 12, "Connection lost. Trying again…"),
        # "Unavailable": at least 7.5 s between attempts, so at most 17 in 2 min.
        (4503, 17, "Live updates are unavailable for a moment. Trying again shortly…"),
    ],
)
def test_the_live_page_backs_off_during_an_outage_and_comes_back(
    portal: Portal,
    new_context: NewContext,
    close_code: int | None,
    most_attempts: int,
    status: str,
) -> None:
    page, state = live_page_in_an_outage(portal, new_context, close_code)

    run_outage(page)

    # When the backoff reset on every open, this page reconnected every 0.5-1 s: 139 times.
    assert 5 <= state["attempts"] <= most_attempts
    expect(page.locator("#connection-status")).to_have_text(status)
    state["outage"] = False
    for _ in range(30_000 // STEP_MS):
        page.clock.run_for(STEP_MS)
        if page.locator("#connection-status").text_content() == "Live updates on.":
            break
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")


def test_a_connection_that_opens_and_drops_at_once_does_not_reset_the_backoff(
    portal: Portal, new_context: NewContext
) -> None:
    """A server that accepts and then drops (as one with Redis down might) is not hammered:
    the attempt count resets only after a connection has stayed up, synced, for 10 s."""
    page = new_context().new_page()
    page.clock.install()
    attempts = []

    def accept_then_drop(ws: Any) -> None:
        attempts.append(1)
        # The page gets the real snapshot and `synced`; the test then drops the socket.
        ws.connect_to_server()

    page.route_web_socket(re.compile(r".*/ws/events/.*"), accept_then_drop)
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    for _ in range(60_000 // STEP_MS):
        page.clock.run_for(STEP_MS)
        if page.evaluate("() => window.outreachLive.isOpen"):
            page.evaluate("() => window.outreachLive.drop()")

    # Dropped as soon as it opens: 1, 2, 4, 8, 16, 30 s apart (jittered), at most 8 in a
    # minute (43 when the backoff reset on every open).
    assert len(attempts) <= 8
