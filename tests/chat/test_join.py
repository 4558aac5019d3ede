"""Joining the live chat: what a connection costs the database, and the snapshot the hub
serves from memory (realtime/hub.py: EventHub.snapshot) being the database's own."""

import asyncio
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat import askers, selectors, services
from chat.consumers import calls, joining
from chat.guests import GUEST_COOKIE_NAME
from tests.chat.test_consumers import ask_frame
from tests.factories import UserFactory
from tests.harness import free_port
from tests.live import LiveEvent, browser_cookies, db


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every database trip a connection makes, as (function, queries), in order."""
    made: list[tuple[str, int]] = []

    def counting(wrap: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def trip(function: Any) -> Any:
            def counted(*args: Any, **kwargs: Any) -> Any:
                with CaptureQueriesContext(connection) as queries:
                    result = function(*args, **kwargs)
                made.append((function.__name__, len(queries)))
                return result

            return wrap(counted)

        return trip

    monkeypatch.setattr(calls, "db", counting(calls.db))
    monkeypatch.setattr(calls, "staff_db", counting(calls.staff_db))
    return made


async def publish(live: LiveEvent, count: int, *, first: int = 0) -> None:
    for index in range(first, first + count):
        await db(services.announcement_post)(
            event_id=live.event.pk, actor_id=live.moderator.pk, body=f"note {index}"
        )


def live_page(live: LiveEvent) -> str:
    return f"/events/{live.event.slug}/live/"


def own_questions(frames: list[dict[str, Any]]) -> list[str]:
    return [frame["body"] for frame in frames if frame["type"] == "own_question"]


def messages(frames: list[dict[str, Any]]) -> list[int]:
    return [frame["seq"] for frame in frames if frame["type"] == "message"]


async def test_a_guest_joining_makes_no_database_trip_once_the_event_is_known(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await publish(live, 3)
    await connect(live.event.slug)  # the process's hub starts and reads the feed once
    # That first join (with no cookie at all) took one trip, which every guest joining
    # meanwhile would have shared: the event, and its askers index filled.
    assert ("guest_join_warm_up", 2) in trips
    trips.clear()

    guest = await connect(live.event.slug, guest_of=live_page(live))
    embedded = await connect(live.event.slug)  # no cookie: a third-party frame's

    # The next, with the live page's cookies or none: the event from this process's
    # memory, "has not asked" from the askers index, status, pin and items from the hub:
    # no trip at all.
    assert trips == []
    assert messages(guest.frames) == messages(embedded.frames) == [1, 2, 3]
    for socket in (guest, embedded):
        session = next(frame for frame in socket.frames if frame["type"] == "session")
        assert session["roles"] == ["public"]


async def test_guests_arriving_together_share_one_database_trip(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await publish(live, 2)
    guests = [await db(browser_cookies)(visit=live_page(live)) for _ in range(12)]
    # The pages filled the askers index as they were built; a cold process has none.
    await db(askers.forget_all_indexes)()

    joined = await asyncio.gather(*(connect(live.event.slug, cookies=c) for c in guests))

    # 18:00 on a cold process: one trip for all (hub's own feed read aside).
    assert trips == [("guest_join_warm_up", 2)]
    assert all(messages(socket.frames) == [1, 2] for socket in joined)


async def test_a_guest_who_asked_finds_their_questions_on_a_new_connection(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await connect(live.event.slug, guest_of=live_page(live))  # the askers index is filled
    asker = await db(browser_cookies)(visit=live_page(live))
    first_tab = await connect(live.event.slug, cookies=asker)
    await first_tab.send(ask_frame("Can I report for my neighbour?"))
    await first_tab.until_type("ack")
    trips.clear()

    second_tab = await connect(live.event.slug, cookies=asker)

    assert own_questions(second_tab.frames) == ["Can I report for my neighbour?"]
    assert [name for name, _ in trips] == ["connection_open", "connection_personal"]


async def test_without_a_complete_askers_index_a_guest_is_read_from_the_database(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    asker = await db(browser_cookies)(visit=live_page(live))
    tab = await connect(live.event.slug, cookies=asker)
    await tab.send(ask_frame("Who do I call?"))
    await tab.until_type("ack")
    # Redis lost the index (a restart): nobody is taken for a guest who has not asked.
    await db(askers.forget_all_indexes)()
    trips.clear()

    again = await connect(live.event.slug, cookies=asker)

    assert own_questions(again.frames) == ["Who do I call?"]
    # The index is filled again, then says this guest has asked: their own trip follows.
    assert trips == [
        ("guest_join_warm_up", 2),
        ("connection_open", 2),
        ("connection_personal", 1),
    ]


async def test_with_redis_unreachable_a_guest_is_read_from_the_database(
    live: LiveEvent, connect, trips: list[tuple[str, int]], settings
) -> None:
    await connect(live.event.slug, guest_of=live_page(live))
    asker = await db(browser_cookies)(visit=live_page(live))
    tab = await connect(live.event.slug, cookies=asker)
    await tab.send(ask_frame("Is it a hate crime?"))
    await tab.until_type("ack")
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    askers._checks.clear()

    assert await askers.has_asked(event_id=live.event.pk, guest_token=uuid.uuid4()) is None
    trips.clear()

    again = await connect(live.event.slug, cookies=asker)

    assert own_questions(again.frames) == ["Is it a hate crime?"]
    assert [name for name, _ in trips] == [
        "guest_join_warm_up",
        "connection_open",
        "connection_personal",
    ]


async def test_with_guest_joins_from_memory_off_every_guest_makes_a_trip(
    live: LiveEvent, connect, trips: list[tuple[str, int]], settings, monkeypatch
) -> None:
    monkeypatch.setenv("CHAT_GUEST_JOIN_FROM_MEMORY", "false")
    await connect(live.event.slug, guest_of=live_page(live))
    trips.clear()

    await connect(live.event.slug, guest_of=live_page(live))

    assert trips == [("connection_open", 2)]


async def test_a_browser_with_a_session_but_no_guest_cookie_reads_the_session(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await connect(live.event.slug)
    member = await db(UserFactory)(email="member@example.org")
    cookies = await db(browser_cookies)(member)
    trips.clear()

    await connect(live.event.slug, cookie=cookies["sessionid"])

    assert [name for name, _ in trips] == ["connection_open"]


async def test_a_guest_cookie_counts_only_with_the_session_it_was_issued_with(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    asker = await db(browser_cookies)(visit=live_page(live))
    member = await db(UserFactory)(email="member@example.org")
    signed_in = await db(browser_cookies)(member)
    socket = await connect(live.event.slug, cookies=asker)
    await socket.send(ask_frame("Where do I report it?"))
    await socket.until_type("ack")
    forged = {GUEST_COOKIE_NAME: asker[GUEST_COOKIE_NAME][:-2] + "xx"}
    trips.clear()

    mixed = await connect(
        live.event.slug, cookies={**signed_in, GUEST_COOKIE_NAME: asker[GUEST_COOKIE_NAME]}
    )
    tampered = await connect(live.event.slug, cookies=forged)
    owner = await connect(live.event.slug, cookies=asker)

    # The asker's guest cookie beside another session, or a tampered one, is ignored: the
    # connection is read from the database in full, and the question stays the asker's.
    assert [name for name, _ in trips] == [
        "connection_open",
        "connection_open",
        "connection_open",
        "connection_personal",
    ]
    assert own_questions(mixed.frames) == []
    assert own_questions(tampered.frames) == []
    assert own_questions(owner.frames) == ["Where do I report it?"]


async def test_a_guest_who_signs_in_is_not_taken_for_the_guest(live: LiveEvent, connect) -> None:
    def guest_then_moderator() -> dict[str, str]:
        client = Client()
        client.get(live_page(live))
        client.force_login(live.moderator)  # a new session key; the guest cookie stays
        client.get(live_page(live))
        return {name: morsel.value for name, morsel in client.cookies.items() if morsel.value}

    cookies = await db(guest_then_moderator)()
    assert GUEST_COOKIE_NAME in cookies

    socket = await connect(live.event.slug, cookies=cookies)

    session = next(frame for frame in socket.frames if frame["type"] == "session")
    assert "moderator" in session["roles"]


async def test_a_guest_without_a_cookie_makes_no_trip_once_the_event_is_known(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await connect(live.event.slug)
    trips.clear()

    await connect(live.event.slug)

    assert trips == []


async def test_a_moderator_joining_reads_its_queue_in_a_second_trip(
    live: LiveEvent, connect, trips: list[tuple[str, int]]
) -> None:
    await connect(live.event.slug)
    asker = await connect(live.event.slug, guest_of=live_page(live))
    await asker.send(ask_frame())
    await asker.until_type("ack")
    trips.clear()

    moderator = await connect(live.event.slug, user=live.moderator)

    assert [name for name, _ in trips] == ["connection_open", "connection_personal"]
    assert trips[1] == ("connection_personal", 1)
    queue = next(frame for frame in moderator.frames if frame["type"] == "queue")
    assert len(queue["questions"]) == 1


async def test_with_the_snapshot_from_the_database_a_guest_makes_two_trips(
    live: LiveEvent, connect, trips: list[tuple[str, int]], settings, monkeypatch
) -> None:
    monkeypatch.setenv("CHAT_SNAPSHOT_FROM_MEMORY", "false")
    await connect(live.event.slug, guest_of=live_page(live))
    trips.clear()

    await connect(live.event.slug, guest_of=live_page(live))

    assert trips == [("connection_snapshot", 3)]


@pytest.mark.parametrize("after", [None, 0, 3, 7, 8, 20])
async def test_the_snapshot_from_memory_is_the_databases(
    live: LiveEvent, connect, settings, after: int | None, monkeypatch
) -> None:
    await publish(live, 4)
    await db(services.item_pin)(event_id=live.event.pk, actor_id=live.moderator.pk, seq=2)
    await publish(live, 4, first=4)
    await connect(live.event.slug)

    from_memory = await connect(live.event.slug, user=live.moderator, after=after)
    monkeypatch.setenv("CHAT_SNAPSHOT_FROM_MEMORY", "false")
    from_database = await connect(live.event.slug, user=live.moderator, after=after)

    assert from_memory.frames == from_database.frames
    assert [frame["type"] for frame in from_memory.frames][:4] == [
        "status",
        "session",
        "pinned",
        "queue",
    ]
    assert from_memory.frames[2] == {"type": "pinned", "seq": 2}
    assert messages(from_memory.frames) == list(range((after or 0) + 1, 9))


async def test_a_resume_older_than_the_hub_keeps_reads_the_database(
    live: LiveEvent, connect, trips: list[tuple[str, int]], settings
) -> None:
    settings.CHAT_HUB_RECENT_ITEMS = 5
    await publish(live, 10)
    await connect(live.event.slug)
    trips.clear()

    older = await connect(live.event.slug, after=2)
    assert trips == [("connection_snapshot", 3)]
    trips.clear()
    recent = await connect(live.event.slug, after=5)
    assert trips == []

    assert messages(older.frames) == list(range(3, 11))
    assert messages(recent.frames) == list(range(6, 11))
    # A resume on an open connection is served the same way.
    trips.clear()
    await older.send({"type": "resume", "after": 1})
    await older.until_type("synced")
    assert trips == [("feed_after", 1)]
    await recent.send({"type": "resume", "after": 7})
    await recent.until_type("synced")
    assert trips == [("feed_after", 1)]
    assert messages(older.frames) == list(range(3, 11)) + list(range(2, 11))
    assert messages(recent.frames) == [6, 7, 8, 9, 10, 8, 9, 10]


async def test_an_item_published_while_a_viewer_joins_arrives_once(
    live: LiveEvent, connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    await publish(live, 2)
    await connect(live.event.slug)
    asker = await connect(live.event.slug, guest_of=live_page(live))
    await asker.send(ask_frame())
    await asker.until_type("ack")
    personal = selectors.connection_personal

    def published_meanwhile(**kwargs: Any) -> list[dict[str, Any]]:
        # Between joining the hub and reading the snapshot: the item is committed and
        # published while this viewer's snapshot is being put together.
        services.announcement_post(
            event_id=live.event.pk, actor_id=live.moderator.pk, body="meanwhile"
        )
        return personal(**kwargs)

    monkeypatch.setattr(selectors, "connection_personal", published_meanwhile)
    moderator = await connect(live.event.slug, user=live.moderator)
    monkeypatch.setattr(selectors, "connection_personal", personal)
    await publish(live, 1, first=2)
    await moderator.until(lambda frame: frame.get("seq") == 4)

    assert messages(moderator.frames) == [1, 2, 3, 4]


async def test_an_item_published_while_the_hub_starts_arrives_once(
    live: LiveEvent, connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    await publish(live, 2)
    feed_state = selectors.feed_state

    def published_meanwhile(**kwargs: Any) -> selectors.FeedState:
        # The hub has subscribed but not yet read the feed: the item reaches it both ways.
        services.announcement_post(
            event_id=live.event.pk, actor_id=live.moderator.pk, body="meanwhile"
        )
        monkeypatch.setattr(selectors, "feed_state", feed_state)
        return feed_state(**kwargs)

    monkeypatch.setattr(selectors, "feed_state", published_meanwhile)
    first = await connect(live.event.slug)
    await publish(live, 1, first=2)
    await first.until(lambda frame: frame.get("seq") == 4)
    second = await connect(live.event.slug)

    assert messages(first.frames) == [1, 2, 3, 4]
    assert messages(second.frames) == [1, 2, 3, 4]


async def test_staff_frames_do_not_wait_for_the_shared_database_thread(
    live: LiveEvent, connect
) -> None:
    moderator = await connect(live.event.slug, user=live.moderator)
    release = threading.Event()
    # The public's joins hold Channels' one database thread (here: until released).
    holding = asyncio.ensure_future(database_sync_to_async(release.wait)(10))
    try:
        await moderator.send({"type": "announce", "body": "Welcome, everyone."})
        item = await moderator.until_type("message")
        assert not holding.done()
    finally:
        release.set()
    await holding

    assert (item["kind"], item["body"]) == ("announcement", "Welcome, everyone.")


async def test_the_publics_joins_take_turns_and_staff_do_not_wait_for_them(
    live: LiveEvent, connect, settings
) -> None:
    settings.CHAT_JOINS_AT_ONCE = 1
    joining.join_turns_by_loop.clear()
    turns = joining.join_turns()
    await turns.acquire()  # 18:00: every turn is taken
    try:
        guest_cookies = await db(browser_cookies)(visit=live_page(live))
        waiting_guest = asyncio.ensure_future(connect(live.event.slug, cookies=guest_cookies))

        moderator = await connect(live.event.slug, user=live.moderator)

        assert "queue" in [frame["type"] for frame in moderator.frames]
        await asyncio.sleep(0.3)
        assert not waiting_guest.done()
    finally:
        turns.release()
    guest = await waiting_guest
    assert guest.frames[-1]["type"] == "synced"


async def test_a_failing_askers_check_leaves_no_join_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    askers._checks.clear()
    assert await askers.has_asked(event_id=1, guest_token=uuid.uuid4()) is None  # not filled
    checks = askers._checks[asyncio.get_running_loop()]

    def broken_pipeline(**_: Any) -> Any:
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(checks.client, "pipeline", broken_pipeline)

    # "Cannot say" (the join reads the database), at once, for every join waiting.
    answers = await asyncio.wait_for(
        asyncio.gather(*(askers.has_asked(event_id=1, guest_token=uuid.uuid4()) for _ in range(3))),
        timeout=2,
    )
    assert answers == [None, None, None]
    assert checks.sender is None
