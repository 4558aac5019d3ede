"""The waiting page (outreach/busy.py): past WEB_BUSY_AT public pages in flight, a new
visitor is told at once that the webchat is very busy, and the page tries again by itself;
staff pages and form posts always go through."""

import asyncio
import re
from typing import Any

import pytest
from channels.testing import HttpCommunicator
from pytest_django import Settings

from outreach.busy import BusyDoor


class HeldPages:
    """An application whose public pages are answered only when released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.served: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["method"] == "GET" and scope["path"].endswith("/live/"):
            await self.release.wait()
        self.served.append(f"{scope['method']} {scope['path']}")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"the page"})


def _request(app: Any, path: str, method: str = "GET") -> HttpCommunicator:
    return HttpCommunicator(app, method, path, body=b"body=kept" if method == "POST" else b"")


async def test_past_the_limit_a_visitor_gets_the_waiting_page_and_staff_get_in(
    settings: Settings,
) -> None:
    settings.WEB_BUSY_AT = 2
    held = HeldPages()
    door = BusyDoor(held)
    waiting = [_request(door, "/events/webchat/live/") for _ in range(2)]
    pending = [asyncio.ensure_future(request.get_response(timeout=5)) for request in waiting]
    await asyncio.sleep(0.05)

    turned_away = await _request(door, "/events/webchat/live/").get_response(timeout=5)
    embed = await _request(door, "/events/webchat/embed/").get_response(timeout=5)
    console = await _request(door, "/events/webchat/moderate/").get_response(timeout=5)
    sign_in = await _request(door, "/accounts/login/").get_response(timeout=5)
    question = await _request(door, "/events/webchat/live/ask/", "POST").get_response(timeout=5)

    assert turned_away["status"] == 503
    page = turned_away["body"].decode()
    headers = dict(turned_away["headers"])
    seconds = int(headers[b"retry-after"])
    assert 3 <= seconds <= 40
    assert f'<meta http-equiv="refresh" content="{seconds}">' in page
    assert "This webchat is very busy" in page
    assert re.search(rf"try again by itself in about {seconds} seconds", page)
    assert "govuk-exit-this-page__button" in page and "call 999" in page
    assert headers[b"cache-control"] == b"no-store" and headers[b"x-frame-options"] == b"DENY"
    # The embed's waiting page can show inside the agency's frame.
    assert embed["status"] == 503 and b"x-frame-options" not in dict(embed["headers"])
    # Staff and a question's post are never turned away.
    assert [r["status"] for r in (console, sign_in, question)] == [200, 200, 200]

    held.release.set()
    assert [(await answer)["status"] for answer in pending] == [200, 200]
    assert (await _request(door, "/events/webchat/live/").get_response(timeout=5))["status"] == 200
    assert held.served.count("GET /events/webchat/live/") == 3


async def test_with_the_limit_off_nobody_is_turned_away(settings: Settings) -> None:
    settings.WEB_BUSY_AT = 0
    held = HeldPages()
    door = BusyDoor(held)
    pending = [
        asyncio.ensure_future(_request(door, "/events/webchat/live/").get_response(timeout=5))
        for _ in range(5)
    ]
    await asyncio.sleep(0.05)

    held.release.set()

    assert [(await answer)["status"] for answer in pending] == [200] * 5


@pytest.mark.django_db
def test_the_waiting_page_is_rendered_without_the_database(
    settings: Settings, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        page = BusyDoor(HeldPages()).page().decode()
    assert "RETRY_SECONDS" in page and "Exit this page" in page


@pytest.mark.django_db
def test_the_waiting_page_is_in_the_readers_language(settings: Settings) -> None:
    from outreach.busy import reader_language

    door = BusyDoor(HeldPages())
    welsh_browser = {"headers": [(b"accept-language", b"cy-GB,cy;q=0.9")]}
    chose_welsh = {"headers": [(b"cookie", b"outreach_language=cy")]}
    chose_english = {"headers": [(b"accept-language", b"cy")], "query_string": b"lang=en"}

    assert [reader_language(scope) for scope in (welsh_browser, chose_welsh, chose_english)] == [
        "cy",
        "cy",
        "en",
    ]
    welsh = door.page("cy").decode()
    assert '<html lang="cy"' in welsh
    assert "Mae&#x27;r sgwrs we hon yn brysur iawn" in welsh or (
        "Mae'r sgwrs we hon yn brysur iawn" in welsh
    )
    assert "RETRY_SECONDS" in welsh
    assert "This webchat is very busy" in door.page("en").decode()
