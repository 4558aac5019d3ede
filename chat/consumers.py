"""The live chat WebSocket: `/ws/events/<slug>/` (the protocol is in docs/protocol.md).

Authenticate from the scope, validate each frame against chat.protocol, call a service
(which checks the sender's rights for this event on every frame), and turn results and
broadcasts into frames. Public frames reach the socket through realtime (the hub and
this connection's outbox), never through this class's dispatch.

Whatever ends a connection (the client, an exception, Redis or the database gone), `__call__`
runs the clean-up in a `finally`: the hub forgets the viewer, tasks stop, groups are left.
"""

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import parse_qs

import redis
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from accounts.selectors import session_identity
from chat import askers, frames, selectors, services
from chat.enums import AnswerMode
from chat.guests import GUEST_COOKIE_NAME, guest_token_from_cookie
from chat.origins import origin_allowed
from chat.protocol import (
    SCHEMA,
    ClientFrame,
    FrameBudget,
    FrameError,
    parse_frame,
)
from chat.selectors import ConnectionContext
from chat.services import ChatError
from core import networks
from realtime.codes import CloseCode
from realtime.database import KeptConnectionCall
from realtime.groups import moderation_group, participant_group, user_group
from realtime.hub import EventHub, Snapshot, encode, hub_for
from realtime.outbox import ViewerOutbox
from realtime.readahead import ReadAhead

logger = logging.getLogger(__name__)

__all__ = ["EventChatConsumer"]

# The task reading a connection's private channel (its groups), once it has joined one.
PRIVATE_READER = "chat-private-reader"

# What "Redis or the database is unavailable" looks like from here.
UNAVAILABLE_ERRORS = (redis.RedisError, OSError, DatabaseError)


P = ParamSpec("P")
R = TypeVar("R")


def _db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`database_sync_to_async`, typed: mypy checks every service call's keyword arguments
    across the async boundary."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(function))


_staff_executor: ThreadPoolExecutor | None = None
_staff_executor_lock = threading.Lock()


def _staff_db(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A staff frame's database work, on threads of its own (CHAT_STAFF_EXECUTOR): on
    Channels' one shared database thread it would wait behind every joining viewer's reads,
    which at 18:00 is seconds. On SQLite these threads keep their connection between calls
    (realtime/database.py)."""
    if not settings.CHAT_STAFF_EXECUTOR:
        return _db(function)
    global _staff_executor
    with _staff_executor_lock:
        if _staff_executor is None:
            _staff_executor = ThreadPoolExecutor(
                max_workers=settings.CHAT_STAFF_THREADS, thread_name_prefix="staff-db"
            )
    return cast(
        Callable[P, Awaitable[R]],
        KeptConnectionCall(function, thread_sensitive=False, executor=_staff_executor),
    )


_join_turns_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = (
    weakref.WeakKeyDictionary()
)


def _join_turns() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    turns = _join_turns_by_loop.get(loop)
    if turns is None:
        turns = _join_turns_by_loop[loop] = asyncio.Semaphore(settings.CHAT_JOINS_AT_ONCE)
    return turns


WarmUps = dict[str, "asyncio.Future[Any]"]
_warm_ups_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WarmUps]" = (
    weakref.WeakKeyDictionary()
)


async def _warm_up_guest_joins(slug: str) -> None:
    """One database trip, shared by every guest joining this event meanwhile on this loop:
    the event kept in memory, its askers index filled (chat/selectors.py)."""
    warm_ups = _warm_ups_by_loop.setdefault(asyncio.get_running_loop(), {})
    warm_up = warm_ups.get(slug)
    if warm_up is None:
        warm_up = asyncio.ensure_future(_db(selectors.guest_join_warm_up)(slug=slug))
        warm_ups[slug] = warm_up
        warm_up.add_done_callback(lambda _: warm_ups.pop(slug, None))
    # Shielded: one guest leaving must not cancel the others' trip.
    await asyncio.shield(warm_up)


FrameHandler = Callable[["EventChatConsumer", ClientFrame], Awaitable[None]]
# Each client frame type's handler, registered with @handles beside its schema's name
# (chat.protocol.SCHEMA); the module refuses to load if one has no other.
FRAME_HANDLERS: dict[str, FrameHandler] = {}


def handles(frame_type: str) -> Callable[[FrameHandler], FrameHandler]:
    if frame_type not in SCHEMA:
        raise ImproperlyConfigured(f"{frame_type!r} has a handler but no schema")

    def register(handler: FrameHandler) -> FrameHandler:
        FRAME_HANDLERS[frame_type] = handler
        return handler

    return register


class FeedUnavailable(Exception):
    """Redis (the live feed) or the database cannot be reached: close with 4503."""


class SessionEnded(Exception):
    """A privileged frame's sender is no longer signed in under its session (signed out
    elsewhere, flushed by an administrator): the frame is refused and the socket closed."""


class EventChatConsumer(AsyncWebsocketConsumer):
    ctx: ConnectionContext
    hub: EventHub | None = None

    # -- the whole life of a connection ----------------------------------------------

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' own loop, with the clean-up in a `finally`: Channels calls disconnect()
        only for a `websocket.disconnect` message, never after an exception.

        The client's frames are read by this task itself, not by a task per frame that
        Channels' `await_many_dispatch` waits on: there, each frame woke a reader task, whose
        end woke the wait, which woke this task, three turns of the event loop before the
        handler started. At 18:00, with the loop busy setting up the crowd's connections,
        that was 20-80 ms before a moderator's announcement was even looked at. The private
        channel (this connection's groups) has a task of its own, started when the first
        group is joined: a guest who only watches never waits on Redis for nothing."""
        self.scope = scope
        self.base_send = send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.groups_joined: list[str] = []
        # One message handled at a time, the client's and the groups', as Channels does.
        self.handling = asyncio.Lock()
        self.private_reader: asyncio.Task[None] | None = None
        self.private_failure: Exception | None = None
        self.main_task = asyncio.current_task()
        self.reading = False
        self.hub = None
        self.outbox = ViewerOutbox(
            send_text=self._send_text,
            close=self._close_with,
            asgi_send=send,
            sees_viewer_count=False,
        )
        self.accepted = False
        self.closing = False
        self.access_watch: asyncio.Task[None] | None = None
        # A moderator's frames are read ahead (from connect on), so that announcements
        # that arrived together are committed together; everyone else's pass straight on.
        self.reader = ReadAhead(receive, limit=settings.CHAT_STAFF_READ_AHEAD)
        try:
            await self._handle_frames()
        except StopConsumer:
            pass
        except Exception as error:
            await self._end_after_failure(error)
        finally:
            await self._clean_up()

    async def _handle_frames(self) -> None:
        """Each client message in turn, until the disconnect (StopConsumer) or a failure,
        the private reader's included: it stops this loop between two messages."""
        while True:
            self.reading = True
            try:
                message = await self.reader()
            except asyncio.CancelledError:
                if self.private_failure is None:
                    raise
                # Cancelled by the private reader's failure, not by the server.
                if self.main_task is not None:
                    self.main_task.uncancel()
                raise self.private_failure from None
            finally:
                self.reading = False
            async with self.handling:
                await self.dispatch(message)
            if self.private_failure is not None:
                raise self.private_failure

    async def _handle_private(self) -> None:
        """This connection's groups' messages, each handled in turn with the client's."""
        try:
            while True:
                message = await self._receive_private()
                async with self.handling:
                    await self.dispatch(message)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # The client's loop ends with it: at once if it is waiting for a frame,
            # otherwise as soon as the frame in hand is handled.
            self.private_failure = error
            if self.reading and self.main_task is not None:
                self.main_task.cancel()

    async def _receive_private(self) -> dict[str, Any]:
        try:
            return await self.channel_layer.receive(self.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # A pooled connection left over from before a Redis restart fails once: if
            # Redis answers now, rejoin this connection's groups (a restart forgets them)
            # and try once more; if it does not, the feed is unavailable.
            await self._rejoin_groups(error)
        try:
            return await self.channel_layer.receive(self.channel_name)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            raise FeedUnavailable(f"private channel: {error}") from error

    async def _rejoin_groups(self, cause: Exception) -> None:
        try:
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as error:
            raise FeedUnavailable(f"private channel: {error}") from cause
        logger.info(
            "connection to event %s: private channel recovered (%s)", self._event_id(), cause
        )

    def _event_id(self) -> int | None:
        ctx = getattr(self, "ctx", None)
        return ctx.event_id if ctx is not None else None

    async def _end_after_failure(self, error: Exception) -> None:
        """One log line, and a close code the client understands: 4503 when Redis or the
        database is away (it waits, then resumes), 1011 for anything else."""
        unavailable = isinstance(error, (FeedUnavailable, *UNAVAILABLE_ERRORS))
        code = CloseCode.UNAVAILABLE if unavailable else CloseCode.INTERNAL
        event = self._event_id()
        if unavailable:
            logger.warning("connection to event %s closed with %s: %s", event, code, error)
        else:
            logger.error(
                "connection to event %s failed, closed with %s: %s: %s",
                event,
                code,
                type(error).__name__,
                error,
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
        if not self.closing:
            self.closing = True
            try:
                if not self.accepted:
                    await self.base_send({"type": "websocket.accept"})
                await self.base_send({"type": "websocket.close", "code": code})
            except Exception:
                logger.debug("could not send the close frame", exc_info=True)

    async def _clean_up(self) -> None:
        self.closing = True
        self.reader.stop()
        if self.private_reader is not None:
            self.private_reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.private_reader
            self.private_reader = None
        self.outbox.stop()
        if self.hub is not None:
            self.hub.leave(self.outbox)
        self.hub = None
        if self.access_watch is not None:
            self.access_watch.cancel()
        for group in self.groups_joined:
            try:
                await asyncio.wait_for(
                    self.channel_layer.group_discard(group, self.channel_name), timeout=2
                )
            except Exception:
                # Redis is away: the membership expires by itself (group_expiry).
                logger.debug("could not leave group %s", group, exc_info=True)
        self.groups_joined = []

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """The client went away: the clean-up in __call__'s finally does the rest. (Channels'
        own handler also hops to a database thread to close stale connections, which this
        consumer never holds: at 19:00 that was a queue of thousands of empty trips.)"""
        self.closing = True
        raise StopConsumer()

    # -- connection ------------------------------------------------------------------

    async def connect(self) -> None:
        """Join. The public's joins take turns (CHAT_JOINS_AT_ONCE at a time per process):
        at 18:00 thousands arrive together, and with all of them under way at once every
        task in the process, a moderator's frames included, waited behind a queue of
        thousands of join steps. A connection with a session but no guest cookie (staff,
        anyone signed in) does not wait its turn."""
        cookies = self.scope.get("cookies", {})
        signed_in = settings.SESSION_COOKIE_NAME in cookies and GUEST_COOKIE_NAME not in cookies
        if signed_in or not settings.CHAT_JOINS_AT_ONCE:
            await self._connect()
            return
        async with _join_turns():
            await self._connect()

    async def _connect(self) -> None:
        self.budget = FrameBudget(
            rate=settings.CHAT_FRAME_RATE,
            burst=settings.CHAT_FRAME_BURST,
            strikes=settings.CHAT_FRAME_STRIKES,
        )
        self.last_replay = 0.0
        self.session_checked_at = 0.0
        # The session is read here, once, with everything else the connection needs
        # (outreach/asgi.py passes the cookies only; the socket never writes the session).
        self.session_key: str | None = self.scope.get("cookies", {}).get(
            settings.SESSION_COOKIE_NAME
        )
        client = self.scope.get("client") or (None, None)
        self.network = networks.network_hash(client[0])
        slug = self.scope["url_route"]["kwargs"]["slug"]
        guest_cookie = self.scope.get("cookies", {}).get(GUEST_COOKIE_NAME)
        ctx, guest_token = await self._guest_from_memory(slug, guest_cookie)
        if ctx is None:
            try:
                ctx, guest_token = await _db(selectors.connection_open)(
                    slug=slug, session_key=self.session_key, guest_cookie=guest_cookie
                )
            except DatabaseError as error:
                raise FeedUnavailable(f"database: {error}") from error
        # No session or token (e.g. a first visit straight to the socket): this connection
        # gets an identity of its own; the live page sets one in the session.
        self.guest_token = guest_token or uuid.uuid4()
        if ctx is None:
            await self.close(code=CloseCode.NO_SUCH_EVENT)
            return
        if not origin_allowed(self.scope, embed_origins=ctx.embed_origins):
            # Refused before the handshake completes: the browser sees a failed connection.
            logger.info("connection to event %s refused: origin not allowed", ctx.event_id)
            await self.close()
            return
        self.ctx = ctx
        await self.accept()
        self.accepted = True
        self.is_staff = ctx.is_moderator or ctx.panellist_id is not None
        self.outbox.sees_viewer_count = self.is_staff
        if ctx.is_moderator:
            self.reader.start()
        try:
            if ctx.user_id is not None:
                # Sign-outs and role changes reach every connection of this user (see below).
                await self._join(user_group(ctx.user_id))
            if ctx.is_moderator:
                await self._join(moderation_group(ctx.event_id))
            if ctx.participant_id:
                await self._join(participant_group(ctx.participant_id))
            self.hub = hub_for(ctx.event_id)
            await self.hub.join(self.outbox)
        except Exception as error:
            self.hub = None
            # Serve what the database has, then say the live feed is away: the client
            # waits longer than usual (4503) and resumes from the last item it got.
            await self._send_snapshot(after=self._after_from_query())
            raise FeedUnavailable(f"live feed: {error}") from error
        # Read after joining the hub: whatever is published from now on waits in the outbox.
        await self._send_snapshot(after=self._after_from_query())
        self.outbox.go_live()
        if ctx.user_id is not None:
            self.access_watch = asyncio.create_task(self._watch_access())

    async def _guest_from_memory(
        self, slug: str, guest_cookie: str | None
    ) -> tuple[ConnectionContext | None, uuid.UUID | None]:
        """A guest with the live page's cookie who has not asked here joins without a
        database trip of its own (at 18:00, nearly everyone): the event from this process's
        memory, "has not asked" from the askers index in Redis (chat/askers.py). When either
        is missing, the guests joining at that moment share one trip that fills both. Anyone
        else (ctx None) is read from the database."""
        if not settings.CHAT_GUEST_JOIN_FROM_MEMORY:
            return None, None
        guest_token = guest_token_from_cookie(guest_cookie, session_key=self.session_key)
        if guest_token is None:
            return None, None
        for first_look in (True, False):
            event = selectors.cached_public_event(slug)
            if event is not None:
                asked = await askers.has_asked(event_id=event.event_id, guest_token=guest_token)
                if asked is not None:
                    ctx = None if asked else selectors.guest_context(event)
                    return ctx, guest_token
            if first_look:
                try:
                    await _warm_up_guest_joins(slug)
                except DatabaseError:
                    break
        return None, None

    def _after_from_query(self) -> int:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            return max(0, int(query.get("after", ["0"])[0]))
        except ValueError:
            return 0

    async def _send_snapshot(self, *, after: int) -> None:
        """The snapshot: from the hub's memory when it holds everything after `after`
        (a guest who has not asked then costs no database trip), else from the database."""
        try:
            personal = None
            if self.hub is not None and settings.CHAT_SNAPSHOT_FROM_MEMORY:
                if selectors.connection_needs_personal(self.ctx):
                    personal = await _db(selectors.connection_personal)(ctx=self.ctx)
                from_memory = self.hub.snapshot(after)
                if from_memory is not None:
                    await self._send_snapshot_from_memory(from_memory, personal or [], after=after)
                    return
            snapshot = await _db(selectors.connection_snapshot)(ctx=self.ctx, after=after)
        except DatabaseError as error:
            raise FeedUnavailable(f"database: {error}") from error
        await self._send_synced(snapshot, after=after)

    async def _send_snapshot_from_memory(
        self, snapshot: Snapshot, personal: list[dict[str, Any]], *, after: int
    ) -> None:
        """The same frames as connection_snapshot's, in the same order, in one write."""
        last = snapshot.items[-1].seq if snapshot.items else None
        self.outbox.sent_seq = max(self.outbox.sent_seq, after, last or 0)
        await self.outbox.send_snapshot(
            [
                snapshot.status,
                encode(selectors.session_frame(self.ctx)),
                snapshot.pinned,
                *(encode(frame) for frame in personal),
                *snapshot.items,
                encode(frames.synced(self.outbox.sent_seq)),
            ]
        )

    async def _send_feed(self, *, after: int) -> None:
        """A resume: the items after `after` (from the hub's memory if it has them all)."""
        snapshot = (
            self.hub.snapshot(after)
            if self.hub is not None and settings.CHAT_SNAPSHOT_FROM_MEMORY
            else None
        )
        if snapshot is None:
            items = await _db(selectors.feed_after)(event_id=self.ctx.event_id, after=after)
            await self._send_synced(items, after=after)
            return
        for frame in snapshot.items:
            await self._send_text(frame.text)
        last = snapshot.items[-1].seq if snapshot.items else None
        self.outbox.sent_seq = max(self.outbox.sent_seq, after, last or 0)
        await self._send(frames.synced(self.outbox.sent_seq))

    async def _send_synced(self, snapshot: list[dict[str, Any]], *, after: int) -> None:
        """Send `snapshot` (ending with the published items after `after`), then `synced`."""
        for frame in snapshot:
            await self._send(frame)
        seqs = [frame["seq"] for frame in snapshot if frame["type"] == "message"]
        self.outbox.sent_seq = max(self.outbox.sent_seq, after, seqs[-1] if seqs else 0)
        await self._send(frames.synced(self.outbox.sent_seq))

    async def _join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
            if self.private_reader is None:
                self.private_reader = asyncio.get_running_loop().create_task(
                    self._handle_private(), name=PRIVATE_READER
                )

    # -- frames out ------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> None:
        await self._send_text(json.dumps(frame, separators=(",", ":")))

    async def _send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def _close_with(self, code: int) -> None:
        if not self.closing:
            self.closing = True
        await self.close(code=code)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels awaits aclose_old_connections() (a thread-pool hop) before every handler.
        # Every database call here goes through database_sync_to_async, which closes stale
        # connections itself, so that hop buys nothing and costs one per frame.
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def private_frame(self, message: dict[str, Any]) -> None:
        """Moderation traffic and private notices, from this connection's groups."""
        frame = message["frame"]
        await self._send(frame)

    # -- access: sign-out and role changes -------------------------------------------

    async def access_ended(self, message: dict[str, Any]) -> None:
        """This user signed out (of this session, or of all: session_key None)."""
        if message.get("session_key") in (None, self.session_key):
            await self._close_for_access(CloseCode.SIGNED_OUT)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Something about this user's rights changed: check them again now."""
        await self._check_access()

    async def _watch_access(self) -> None:
        # A backstop for changes no signal announces (a session expiring, a row edited
        # outside Django): signed-in connections re-check every few seconds.
        while True:
            await asyncio.sleep(settings.CHAT_ACCESS_RECHECK_SECONDS)
            try:
                await self._check_access()
            except Exception as error:
                # The database is away for a moment: the next round checks again.
                logger.warning("access re-check for event %s failed: %s", self.ctx.event_id, error)

    async def _check_access(self) -> None:
        if self.closing or self.ctx.user_id is None:
            return
        # The same database trip as when the connection opened.
        now, _ = await _db(selectors.connection_open)(
            slug=self.ctx.slug, session_key=self.session_key
        )
        self.session_checked_at = time.monotonic()
        if now is not None and now.user_id != self.ctx.user_id:
            await self._close_for_access(CloseCode.SIGNED_OUT)
        elif now is None or now.roles != self.ctx.roles:
            # Rights only ever change by reconnecting: the client reconnects (the live
            # page) or stops and asks for a reload (a console).
            await self._close_for_access(CloseCode.ACCESS_CHANGED)

    async def _close_for_access(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=code)

    def _as_signed_in(self, action: Callable[P, R]) -> Callable[P, Awaitable[R]]:
        """A privileged frame's service call, on a staff thread, acting only while the
        sender's session still exists: a session deleted (signed out elsewhere, flushed by
        an administrator) stops it at once, with SessionEnded. The check is trusted for
        CHAT_SESSION_CHECK_SECONDS; when it is due it runs in the same trip as the action,
        before it (a trip of its own cost a moderator's frame two more waits for a busy
        event loop at 18:00)."""
        user_id = self._actor_id()
        session_key = self.session_key
        started = time.monotonic()
        check_due = started - self.session_checked_at >= settings.CHAT_SESSION_CHECK_SECONDS

        def act(*args: P.args, **kwargs: P.kwargs) -> R:
            if check_due and session_identity(session_key).user_id != user_id:
                raise SessionEnded
            return action(*args, **kwargs)

        call = _staff_db(act)

        async def acted(*args: P.args, **kwargs: P.kwargs) -> R:
            # A refused action leaves the check due: the next frame checks again.
            result = await call(*args, **kwargs)
            if check_due:
                self.session_checked_at = started
            return result

        return acted

    # -- frames in -------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        # Staff (a moderator or panellist here, checked again per frame) publish as fast as
        # they work; the budget is for the public, who can reach the socket anonymously.
        if not self.is_staff and not self.budget.take(time.monotonic()):
            if self.budget.exhausted:
                logger.info("connection to event %s closed: too many frames", self.ctx.event_id)
                await self._close_for_access(CloseCode.POLICY)
                return
            await self._send(
                frames.error("rate_limited", "Too many messages at once. Wait a moment.")
            )
            return
        try:
            frame = parse_frame(text_data, bytes_data)
        except FrameError as error:
            await self._send(frames.error(error.code, error.message, client_id=error.client_id))
            return
        in_hand = [frame]
        if frame.type == "announce":
            in_hand += self._announcements_waiting()
        # A moderator's frames that arrive while this one is handled are read ahead.
        self.reader.while_busy()
        handler = FRAME_HANDLERS[frame.type]
        try:
            if len(in_hand) > 1:
                await self._announce(in_hand)
            else:
                await handler(self, frame)
        except SessionEnded:
            await self._refuse(
                in_hand, "signed_out", "You have been signed out. Sign in again to go on."
            )
            await self._close_for_access(CloseCode.SIGNED_OUT)
        except ChatError as error:
            await self._refuse(in_hand, error.code, error.message)
        except UNAVAILABLE_ERRORS as error:
            # The frame is refused, the connection goes on: the client keeps what it typed.
            logger.warning(
                "%s frame for event %s failed, dependency unavailable: %s",
                frame.type,
                self.ctx.event_id,
                error,
            )
            await self._refuse(
                in_hand,
                "unavailable",
                "The chat cannot take that right now. Nothing was lost: try again in a moment.",
            )
        except Exception as error:
            logger.error(
                "%s frame for event %s failed: %s: %s",
                frame.type,
                self.ctx.event_id,
                type(error).__name__,
                error,
                exc_info=True,
            )
            await self._refuse(
                in_hand, "internal", "Something went wrong on our side. Please try again."
            )

    async def _refuse(self, refused: list[ClientFrame], code: str, message: str) -> None:
        """An error frame for each refused frame, with its `client_id` if it had one."""
        for frame in refused:
            await self._send(frames.error(code, message, client_id=frame.client_id))

    def _announcements_waiting(self) -> list[ClientFrame]:
        """The announcements that arrived right behind the one in hand (read ahead), to be
        committed with it; they stop at the first frame of any other kind."""

        def announcement(message: dict[str, Any]) -> ClientFrame | None:
            if message.get("type") != "websocket.receive":
                return None
            try:
                waiting = parse_frame(message.get("text"), message.get("bytes"))
            except FrameError:
                return None  # refused in its turn, with its error frame
            return waiting if waiting.type == "announce" else None

        return self.reader.take_while(announcement, most=settings.CHAT_ANNOUNCE_BATCH - 1)

    @handles("resume")
    async def handle_resume(self, frame: ClientFrame) -> None:
        after = frame.fields["after"]
        if after < self.outbox.sent_seq:
            # Asking again for items already sent: one replay per few seconds at most, so a
            # client cannot turn a few bytes into the whole feed over and over.
            now = time.monotonic()
            if now - self.last_replay < settings.CHAT_RESUME_REPLAY_SECONDS:
                raise ChatError("rate_limited", "Already catching up. Wait a moment.")
            self.last_replay = now
        await self._send_feed(after=after)

    @handles("ask")
    async def handle_ask(self, frame: ClientFrame) -> None:
        fields = frame.fields
        participant_id = self.ctx.participant_id
        if participant_id is None:
            participant = await _db(services.participant_for)(
                event_id=self.ctx.event_id, user_id=self.ctx.user_id, guest_token=self.guest_token
            )
            participant_id = participant.pk
            self.ctx = _with_participant(self.ctx, participant_id)
            await self._join(participant_group(participant_id))
        outcome = await _db(services.question_ask)(
            event_id=self.ctx.event_id,
            participant_id=participant_id,
            client_id=fields["client_id"],
            body=fields["body"],
            nickname=fields.get("nickname"),
            anonymous=fields.get("anonymous"),
            to=fields.get("to"),
            network=self.network,
        )
        question = outcome.question
        await self._send(frames.ack(client_id=fields["client_id"], question=question))

    @handles("approve")
    async def handle_approve(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.question_approve)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields.get("body"),
            event_id=self.ctx.event_id,
            publish_unmasked=bool(frame.fields.get("publish_unmasked")),
        )

    @handles("reject")
    async def handle_reject(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.question_reject)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            reason=frame.fields["reason"],
            event_id=self.ctx.event_id,
        )

    @handles("answer")
    async def handle_answer(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.question_answer)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields["body"],
            event_id=self.ctx.event_id,
        )

    @handles("mark_answered")
    async def handle_mark_answered(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.question_answer)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields.get("note") or "",
            mode=AnswerMode.ELSEWHERE,
            event_id=self.ctx.event_id,
        )

    @handles("announce")
    async def handle_announce(self, frame: ClientFrame) -> None:
        await self._announce([frame])

    async def _announce(self, batch: list[ClientFrame]) -> None:
        outcomes = await self._as_signed_in(services.announcements_post)(
            event_id=self.ctx.event_id,
            actor_id=self._actor_id(),
            bodies=[frame.fields["body"] for frame in batch],
        )
        for frame, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, ChatError):
                await self._refuse([frame], outcome.code, outcome.message)

    @handles("pin")
    async def handle_pin(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.item_pin)(
            event_id=self.ctx.event_id, actor_id=self._actor_id(), seq=frame.fields["seq"]
        )

    @handles("mute")
    async def handle_mute(self, frame: ClientFrame) -> None:
        await self._as_signed_in(services.participant_mute)(
            event_id=self.ctx.event_id,
            participant_id=frame.fields["participant_id"],
            actor_id=self._actor_id(),
        )

    def _actor_id(self) -> int:
        # Rights are checked by the service against the database on every frame; a guest
        # has no user id, so any privileged frame from one is refused there and here.
        if self.ctx.user_id is None:
            raise ChatError("not_allowed", "You are not allowed to do that at this event.")
        return self.ctx.user_id


_unhandled = SCHEMA.keys() - FRAME_HANDLERS.keys()
if _unhandled:
    raise ImproperlyConfigured(f"client frames without a handler: {sorted(_unhandled)}")


def _with_participant(ctx: ConnectionContext, participant_id: int) -> ConnectionContext:
    return replace(ctx, participant_id=participant_id)
