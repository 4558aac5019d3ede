"""The live chat in tests: a live event with its staff, sockets, someone who asks
(`guest_asks`, `asked_question`) and a webchat that has ended (`finished_webchat`).

Fixtures (live, connect, server, default_phrases) are offered to every test by tests/conftest.py."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import User
from archive import services as archive_services
from chat import services as chat_services
from chat.models import Participant, Question
from events import services as event_services
from events.models import Event, Panellist
from outreach.asgi import application
from tests.factories import (
    AgencyFactory,
    EventFactory,
    ModeratorFactory,
    PanellistFactory,
    PanellistUserFactory,
    PanelSeatFactory,
)
from tests.harness import free_port

FRAME_TIMEOUT = 5


@dataclass
class LiveEvent:
    event: Event
    moderator: User
    panellist_user: User
    panellist: Panellist
    other_panellist: Panellist


def make_live_event(slug: str = "live-chat") -> LiveEvent:
    met = AgencyFactory(name="Metropolitan Police Service", short_name="MPS", slug="met")
    mencap = AgencyFactory(name="Mencap", short_name="Mencap", slug="mencap")
    event = EventFactory(slug=slug, title="Hate crime webchat", lead_agency=met)
    moderator = ModeratorFactory(email=f"moderator-{slug}@example.org")
    event.moderators.add(moderator)
    panellist_user = PanellistUserFactory(email=f"panellist-{slug}@example.org")
    panellist = PanellistFactory(
        name="Jo Davies",
        role_title="Campaigns and Policy Officer",
        agency=mencap,
        user=panellist_user,
    )
    other = PanellistFactory(
        name="Sam Faulkner", role_title="Detective Chief Inspector", agency=met
    )
    PanelSeatFactory(event=event, panellist=other, position=0)
    PanelSeatFactory(event=event, panellist=panellist, position=1)
    event_services.event_schedule(event_id=event.pk)
    event_services.event_open(event_id=event.pk)
    event.refresh_from_db()
    return LiveEvent(event, moderator, panellist_user, panellist, other)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    return make_live_event()


class Socket:
    """A connected test client that records every frame it receives."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.frames: list[dict[str, Any]] = []

    async def send(self, frame: dict[str, Any] | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = FRAME_TIMEOUT) -> dict[str, Any]:
        frame = json.loads(await self.communicator.receive_from(timeout=timeout))
        self.frames.append(frame)
        return frame

    async def until(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        while True:
            try:
                frame = await self.receive()
            except TimeoutError as timeout:
                raise AssertionError(f"frame never came; received: {self.frames}") from timeout
            if predicate(frame):
                return frame

    async def until_type(self, frame_type: str) -> dict[str, Any]:
        return await self.until(lambda frame: frame["type"] == frame_type)

    async def nothing_more(self, wait: float = 0.3) -> None:
        assert await self.communicator.receive_nothing(timeout=wait), "unexpected frame"

    async def close(self) -> None:
        await self.communicator.disconnect()


def browser_cookies(user: User | None = None, *, visit: str | None = None) -> dict[str, str]:
    """Every cookie a browser holds after signing in as `user` and/or opening `visit` (a
    guest on the live page also gets its signed guest cookie: chat/guests.py)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if visit is not None:
        client.get(visit)
    return {name: morsel.value for name, morsel in client.cookies.items() if morsel.value}


def guest_token_of(client: Client) -> uuid.UUID | None:
    """The guest identity a test client's browser holds (its signed guest cookie)."""
    from chat.guests import GUEST_COOKIE_NAME, guest_token_from_cookie

    cookie = client.cookies.get(GUEST_COOKIE_NAME)
    session = client.cookies.get("sessionid")
    return guest_token_from_cookie(
        cookie.value if cookie else None, session_key=session.value if session else None
    )


@pytest.fixture
async def server(request: pytest.FixtureRequest) -> AsyncIterator[int]:
    """uvicorn with the Procfile's WebSocket settings, in this loop; yields its port (the
    param, when given, turns permessage-deflate on). The portal's logging stays in place
    (log_config=None), as under `outreach.serve web`."""
    deflate = getattr(request, "param", False)
    port = free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        ws_max_size=65536,
        ws_per_message_deflate=deflate,
        lifespan="off",
        access_log=False,
        log_config=None,
    )
    uvicorn_server = uvicorn.Server(config)
    serving = asyncio.create_task(uvicorn_server.serve())
    while not uvicorn_server.started:
        assert not serving.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    yield port
    uvicorn_server.should_exit = True
    await serving


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    opened: list[Socket] = []

    async def open_socket(
        slug: str,
        *,
        user: User | None = None,
        guest_of: str | None = None,
        cookie: str | None = None,
        cookies: dict[str, str] | None = None,
        after: int | None = None,
        query: str = "",
        app: Any = application,
        expect_synced: bool = True,
        address: str = "203.0.113.7",
    ) -> Socket:
        cookies = cookies or ({"sessionid": cookie} if cookie else {})
        if not cookies and (user is not None or guest_of is not None):
            cookies = await database_sync_to_async(browser_cookies)(user, visit=guest_of)
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        if cookies:
            header = "; ".join(f"{name}={value}" for name, value in cookies.items())
            headers.append((b"cookie", header.encode()))
        params = [f"after={after}"] if after is not None else []
        params += [query] if query else []
        path = f"/ws/events/{slug}/" + ("?" + "&".join(params) if params else "")
        communicator = WebsocketCommunicator(app, path, headers=headers)
        # As the ASGI server would: the peer's address (the consumer keeps only a hash).
        communicator.scope["client"] = (address, 50000 + len(opened))
        connected, _ = await communicator.connect(timeout=FRAME_TIMEOUT)
        assert connected
        socket = Socket(communicator)
        opened.append(socket)
        if expect_synced:
            await socket.until_type("synced")
        return socket

    yield open_socket
    for socket in opened:
        await socket.close()
    await asyncio.sleep(0)


def db(function: Callable[..., Any]) -> Callable[..., Any]:
    return database_sync_to_async(function)


@pytest.fixture
def default_phrases(transactional_db: None) -> None:
    """The seeded crisis and blocked lists (transactional tests flush migration data)."""
    from safeguarding.detection import BLOCKED_WORDS, CRISIS_PHRASES
    from safeguarding.models import SafeguardingPhrase

    for kind, phrases in (("crisis", CRISIS_PHRASES), ("blocked", BLOCKED_WORDS)):
        for phrase in phrases:
            SafeguardingPhrase.objects.get_or_create(kind=kind, phrase=phrase)


def new_asker(event: Event | LiveEvent, *, user: User | None = None) -> Participant:
    """A participant of the event: `user` signed in, or else a guest seen for the first time."""
    event_id = event_id_of(event)
    if user is not None:
        return chat_services.participant_for(event_id=event_id, user_id=user.pk, guest_token=None)
    return chat_services.participant_for(event_id=event_id, user_id=None, guest_token=uuid.uuid4())


def guest_asks(
    event: Event | LiveEvent,
    body: str,
    nickname: str = "",
    *,
    participant: Participant | None = None,
    user: User | None = None,
    **fields: Any,
) -> chat_services.AskOutcome:
    """Someone asks `body` through the service (the path the form and the socket share): a new
    guest, unless `participant` or `user` says who. `fields` go to the service as they are
    (`network`, `to`, `anonymous`). Returns the service's AskOutcome."""
    participant = participant or new_asker(event, user=user)
    return chat_services.question_ask(
        event_id=event_id_of(event),
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
        nickname=nickname,
        **fields,
    )


def asked_question(
    event: Event | LiveEvent, body: str = "How do I report it?", nickname: str = "", **options: Any
) -> Question:
    """The question `guest_asks` stored (same options), for tests that act on it."""
    outcome = guest_asks(event, body, nickname, **options)
    return Question.objects.get(pk=outcome.question["question_id"])


def event_id_of(event: Event | LiveEvent) -> int:
    return event.event.pk if isinstance(event, LiveEvent) else event.pk


# The default wording of `finished_webchat` is hostile (a spreadsheet formula and a script tag),
# so every page, download and search built from it is also an escaping check.
HOSTILE_QUESTION = 'How do I report =HYPERLINK("x") hate crime <script>alert(1)</script>?'


def finished_webchat(
    live: LiveEvent | None = None,
    *,
    published: tuple[str, str] = (HOSTILE_QUESTION, "Nina"),
    edited_to: str | None = None,
    answer: str | None = "Use True Vision.",
    declined: tuple[str, str] = ("Declined words", "Dora"),
    reason: str = "Private",
    waiting: tuple[str, str] = ("Waiting words", "Wes"),
    announcement: str | None = None,
    archived: bool = True,
) -> LiveEvent:
    """A webchat that has ended (`live`, or a new `make_live_event()`), run through the services:
    three new guests ask a (body, nickname) each; the first is published (as the moderator's
    `edited_to` if given) and answered by the panellist if `answer`; the second is declined
    with `reason`; the third is still waiting; the moderator then posts `announcement` if
    given. The event is closed, and its transcript archived unless `archived` is False."""
    live = live or make_live_event()
    moderator, panellist = live.moderator.pk, live.panellist_user.pk
    first = asked_question(live, *published).pk
    chat_services.question_approve(question_id=first, actor_id=moderator, body=edited_to)
    if answer is not None:
        chat_services.question_answer(question_id=first, actor_id=panellist, body=answer)
    second = asked_question(live, *declined).pk
    chat_services.question_reject(question_id=second, actor_id=moderator, reason=reason)
    asked_question(live, *waiting)
    if announcement is not None:
        chat_services.announcement_post(
            event_id=live.event.pk, actor_id=moderator, body=announcement
        )
    event_services.event_close(event_id=live.event.pk)
    if archived:
        archive_services.transcript_archive(event_id=live.event.pk)
    live.event.refresh_from_db()
    return live
