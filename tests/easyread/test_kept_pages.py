"""Each way of reading is its own kept page (core/kept_pages.py, chat/live_page.py, and the
front door, outreach/door.py): an Easy Read reader never gets the standard page a watcher
before them was served, nor the reverse, whichever of the three answers them."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from easyread.preferences import COOKIE_NAME
from outreach.door import FrontDoor
from tests.live import LiveEvent
from tests.outreach.test_front_door import CountingDjango, _get

pytestmark = pytest.mark.django_db(transaction=True)

EASY_READ_WORDS = "This person is called a moderator."
WORDS_ONLY = "words"
STANDARD_SWITCH = "?view=easy&amp;next="


def _kind(body: str) -> str:
    if EASY_READ_WORDS not in body:
        return "standard"
    return "words" if "easyread/pictograms/" not in body else "easy"


@pytest.mark.parametrize("page", ["events:home", "events:event_detail", "chat:live", "chat:embed"])
def test_each_reading_view_gets_its_own_kept_page_in_any_order(
    live: LiveEvent, page: str, django_assert_num_queries
) -> None:
    url = reverse(page) if page == "events:home" else reverse(page, args=[live.event.slug])
    marker = "What is a webchat?" if page == "events:home" else EASY_READ_WORDS

    # Whichever is built first, each reader gets the page of their own view, kept.
    for order in (["standard", "easy", "words"], ["words", "easy", "standard"]):
        from core import kept_pages

        kept_pages.forget_all()
        for view in order:
            for _ in range(2):  # built, then served from the kept page
                reader = Client()
                if view != "standard":
                    reader.cookies[COOKIE_NAME] = view
                body = reader.get(url).content.decode()
                assert (marker in body) is (view != "standard"), (order, view)
                assert ("easyread/pictograms/" in body) is (view == "easy"), (order, view)

    # Once kept, none of them costs a query.
    for view in ("standard", "easy", "words"):
        reader = Client()
        if view != "standard":
            reader.cookies[COOKIE_NAME] = view
        with django_assert_num_queries(0):
            reader.get(url)


@pytest.fixture
def door() -> tuple[FrontDoor, CountingDjango]:
    django = CountingDjango()
    return FrontDoor(django), django


async def test_the_front_door_never_serves_one_reading_views_page_to_another(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])

    async def read(view: str) -> dict[str, Any]:
        cookies = {COOKIE_NAME: view} if view != "standard" else None
        return await _get(app, url, cookies=cookies)

    standard = [await read("standard"), await read("standard")]
    easy = [await read("easy"), await read("easy")]
    words = [await read("words"), await read("words")]
    after = await read("standard")

    # Django built each view's page once; the door answered every second reader of it.
    assert django.calls == 3
    for response in (*standard, after):
        assert _kind(response["body"].decode()) == "standard"
    for response in easy:
        assert _kind(response["body"].decode()) == "easy"
    for response in words:
        assert _kind(response["body"].decode()) == "words"
