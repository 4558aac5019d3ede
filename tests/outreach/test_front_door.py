"""The front door (outreach/door.py): once Django has answered a reader with a kept page, the
next reader of that URL is answered from the event loop with the same headers, their own
CSRF token and cookies; anyone else, and any page that is not current, goes to Django."""

import asyncio
import gzip
import re
from typing import Any

import pytest
import redis
from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.urls import reverse

from chat import askers, services
from core import kept_pages
from core.redis import askers_complete_key
from outreach.door import FrontDoor
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class CountingDjango:
    def __init__(self) -> None:
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


async def _get(
    app: Any,
    path: str,
    cookies: dict[str, str] | None = None,
    extra: list[tuple[bytes, bytes]] | None = None,
    accept_language: str | None = None,
) -> dict[str, Any]:
    headers = [(b"host", b"testserver"), *(extra or [])]
    if accept_language:
        headers.append((b"accept-language", accept_language.encode()))
    if cookies:
        jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
        headers.append((b"cookie", jar.encode()))
    communicator = HttpCommunicator(app, "GET", path, headers=headers)
    response = await communicator.get_response(timeout=40)
    # And the rest of the request (Django's request_finished gives its database connection
    # back to the pool): left running, each request would keep one, and on PostgreSQL the
    # pool of ten would run dry a few tests later.
    await communicator.wait(timeout=40)
    response["cookies"] = {
        value.decode().split("=", 1)[0]: value.decode().split("=", 1)[1].split(";")[0]
        for name, value in response["headers"]
        if name.lower() == b"set-cookie"
    }
    response["content_length"] = next(
        (value for name, value in response["headers"] if name.lower() == b"content-length"), None
    )
    response["header_map"] = {
        name.lower(): value
        for name, value in response["headers"]
        if name.lower() not in (b"set-cookie", b"content-length")
    }
    return response


@pytest.fixture
def door() -> tuple[FrontDoor, CountingDjango]:
    django = CountingDjango()
    return FrontDoor(django), django


async def test_the_next_reader_is_answered_by_the_door_with_the_same_headers(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])

    first = await _get(app, url)  # Django, which builds the kept page
    second = await _get(app, url)  # the door
    # The door too: the event's askers index (chat/askers.py) was filled with the page, so
    # the first guest back need not go to Django to find they have not asked.
    await _get(app, url, cookies=first["cookies"])
    returning = await _get(app, url, cookies=second["cookies"])  # the door

    assert django.calls == 1
    for response in (first, second, returning):
        assert response["status"] == 200
        assert live.event.title.encode() in response["body"]
        assert kept_pages.DOOR_HEADER.lower().encode() not in response["header_map"]
    assert second["header_map"] == first["header_map"]
    assert b"content-security-policy" in second["header_map"]
    # A newcomer gets cookies of their own; a returning reader keeps theirs (Django renews
    # the CSRF cookie's expiry whenever a page uses it: the same value, sent again).
    assert set(second["cookies"]) == {"csrftoken", "outreach_guest"}
    assert second["cookies"] != first["cookies"]
    assert returning["cookies"] == {"csrftoken": second["cookies"]["csrftoken"]}
    # The form's token is made from the reader's own CSRF cookie.
    tokens = [CSRF_INPUT.search(page["body"]).group(1) for page in (first, second, returning)]
    assert len(set(tokens)) == 3


async def test_returning_readers_stay_at_the_door_while_the_askers_index_is_filled_again(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The askers index is trusted for two minutes; a returning reader who finds it near
    the end has it filled again in the background and is served by the door, so returning
    readers never find it lapsed (each would go to Django until it was filled)."""
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])
    first = await _get(app, url)  # Django: builds the page and fills the index
    complete = askers_complete_key(live.event.pk)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.expire(complete, askers.REFILL_BEFORE_SECONDS - 5)
    # As if the fill were 90 s old, not a moment ago (a process fills an index at most
    # once in REFILL_AFTER_SECONDS).
    monkeypatch.setattr(askers, "REFILL_AFTER_SECONDS", 0.0)

    near_the_end = await _get(app, url, cookies=first["cookies"])

    assert near_the_end["status"] == 200
    assert django.calls == 1
    for _ in range(100):
        if client.ttl(complete) > askers.REFILL_BEFORE_SECONDS:
            break
        await asyncio.sleep(0.05)
    assert client.ttl(complete) > askers.REFILL_BEFORE_SECONDS
    await _get(app, url, cookies=first["cookies"])
    assert django.calls == 1
    # Lapsed all the same (Redis lost it): Django fills it, as before.
    client.delete(complete)
    await _get(app, url, cookies=first["cookies"])
    assert django.calls == 2


async def test_a_publication_sends_the_next_reader_to_django_once(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])
    await _get(app, url)

    await _publish(live, "Published after the door learned the page")
    fresh = await _get(app, url)
    again = await _get(app, url)

    assert b"Published after the door learned the page" in fresh["body"]
    assert b"Published after the door learned the page" in again["body"]
    assert django.calls == 2


async def test_readers_arriving_together_after_a_publication_wait_for_one_rebuild(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])
    await _get(app, url)

    await _publish(live, "Published while a crowd was arriving")
    crowd = await asyncio.gather(*(_get(app, url) for _ in range(20)))

    # One of them went to Django to build the page again; the others had it from the door.
    assert django.calls == 2
    for response in crowd:
        assert response["status"] == 200
        assert b"Published while a crowd was arriving" in response["body"]
    tokens = {CSRF_INPUT.search(response["body"]).group(1) for response in crowd}
    assert len(tokens) == 20


class FailingOnceDjango(CountingDjango):
    """Django whose answer to the second request fails before anything is sent."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        if self.calls == 2:
            await asyncio.sleep(0.2)  # long enough for the others to be waiting for it
            raise RuntimeError("the rebuild failed")
        await self.app(scope, receive, send)


async def test_readers_waiting_for_a_rebuild_that_fails_are_still_answered(
    live: LiveEvent,
) -> None:
    django = FailingOnceDjango()
    app = FrontDoor(django)
    url = reverse("chat:live", args=[live.event.slug])
    await _get(app, url)

    await _publish(live, "Published before the rebuild failed")
    answers = await asyncio.gather(*(_get(app, url) for _ in range(5)), return_exceptions=True)

    failed = [answer for answer in answers if isinstance(answer, BaseException)]
    assert [str(error) for error in failed] == ["the rebuild failed"]
    # The next reader built it instead, and the rest had it from the door.
    assert django.calls == 3
    for response in answers:
        if not isinstance(response, BaseException):
            assert b"Published before the rebuild failed" in response["body"]


async def test_a_guest_who_asked_and_a_query_string_go_to_django(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])
    reader = await _get(app, url)
    await _get(app, url)
    assert django.calls == 1

    await _ask_as(live, reader["cookies"]["outreach_guest"], "Will the police call me back?")
    own = await _get(app, url, cookies=reader["cookies"])
    await _get(app, url + "?utm_source=tweet")

    assert b"Will the police call me back?" in own["body"]
    assert django.calls == 3


async def _publish(live: LiveEvent, body: str) -> None:
    from channels.db import database_sync_to_async

    from tests.chat.test_live_page import _publish as publish

    await database_sync_to_async(publish)(live, body)


async def _ask_as(live: LiveEvent, guest_cookie: str, body: str) -> None:
    import uuid

    from channels.db import database_sync_to_async

    from chat.guests import guest_token_from_cookie

    token = guest_token_from_cookie(guest_cookie, session_key=None)

    def ask() -> None:
        participant = services.participant_for(
            event_id=live.event.pk, user_id=None, guest_token=token
        )
        services.question_ask(
            event_id=live.event.pk,
            participant_id=participant.pk,
            client_id=str(uuid.uuid4()),
            body=body,
        )

    await database_sync_to_async(ask)()


async def test_a_browser_that_accepts_gzip_gets_the_page_gzipped_from_the_door(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])
    browser = [(b"accept-encoding", b"gzip, deflate, br")]
    first = await _get(app, url, extra=browser)  # Django: gzipped there too
    zipped = await _get(app, url, extra=browser)  # the door
    plain = await _get(app, url, extra=[(b"accept-encoding", b"gzip;q=0, identity")])

    assert django.calls == 1
    for response in (first, zipped):
        assert response["header_map"][b"content-encoding"] == b"gzip"
        assert int(response["content_length"]) == len(response["body"])
        page = gzip.decompress(response["body"])
        assert live.event.title.encode() in page
        assert len(response["body"]) < len(page) / 2
    assert b"content-encoding" not in plain["header_map"]
    assert live.event.title.encode() in plain["body"]
    for response in (first, zipped, plain):
        assert b"Accept-Encoding" in response["header_map"][b"vary"]
    # The reader's own token and client id are in the gzipped page as in the plain one.
    token = CSRF_INPUT.search(gzip.decompress(zipped["body"])).group(1)
    assert token != CSRF_INPUT.search(plain["body"]).group(1)
    assert kept_pages.CSRF_STAND_IN.encode() not in gzip.decompress(zipped["body"])


async def test_the_door_answers_each_reader_in_their_own_language(
    live: LiveEvent, door: tuple[FrontDoor, CountingDjango]
) -> None:
    app, django = door
    url = reverse("chat:live", args=[live.event.slug])

    english = await _get(app, url, accept_language="en-GB")  # Django: the English page
    welsh = await _get(app, url, accept_language="cy")  # Django: the Welsh page
    chose_welsh = await _get(app, url, cookies={"outreach_language": "cy"})  # the door
    english_again = await _get(app, url, accept_language="en-GB")  # the door
    chose_english = await _get(
        app, url, cookies={"outreach_language": "en"}, accept_language="cy"
    )  # the door

    assert django.calls == 2
    for response in (welsh, chose_welsh):
        assert b'<html lang="cy"' in response["body"]
        assert b"Gadael y dudalen hon" in response["body"]
        assert response["header_map"][b"content-language"] == b"cy"
    for response in (english, english_again, chose_english):
        assert b'<html lang="en"' in response["body"]
        assert b"Gadael y dudalen hon" not in response["body"]
        assert response["header_map"][b"content-language"] == b"en"
