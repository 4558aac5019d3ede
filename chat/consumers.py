"""The live chat WebSocket: `/ws/events/<slug>/` (the protocol is in docs/protocol.md).

Thin by design: authenticate from the scope, validate each frame against chat.protocol,
call a service (which checks the sender's rights for this event on every frame), and turn
results and broadcasts into frames.
"""

import asyncio
import json
import logging
import uuid
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from chat import networks, selectors, services
from chat.enums import AnswerMode
from chat.groups import moderation_group, participant_group, user_group
from chat.hub import EventHub, OutboundFrame, hub_for, send_eagerly
from chat.protocol import ClientFrame, FrameError, error_frame, parse_frame
from chat.selectors import ConnectionContext
from chat.services import ChatError
from chat.sockets import DirectSocket

logger = logging.getLogger(__name__)

# WebSocket close codes (4000-4999 are the application's).
CLOSE_SIGNED_OUT = 4401
CLOSE_ACCESS_CHANGED = 4403
CLOSE_NO_SUCH_EVENT = 4404
CLOSE_TOO_SLOW = 4408
CLOSE_UNAVAILABLE = 4503


def _db(function: Any) -> Any:
    return database_sync_to_async(function)


class EventChatConsumer(AsyncWebsocketConsumer):
    ctx: ConnectionContext
    hub: EventHub | None = None

    # -- connection ------------------------------------------------------------------

    async def connect(self) -> None:
        self.hub = None
        self.groups_joined: list[str] = []
        self.sent_seq = 0
        # Public frames go straight to the socket once the snapshot is out (`live`) and
        # nothing is waiting before them. Otherwise they wait, in order, in `backlog`, which
        # `writer` drains; both exist only while needed (most viewers never need them, and
        # every byte per connection counts at 10,000 viewers). `in_flight`: a frame the hub
        # began sending through ASGI that is still finishing (see deliver).
        self.socket = DirectSocket.for_send(self.base_send)
        self.live = False
        self.backlog: deque[OutboundFrame] | None = None
        self.writer: asyncio.Task[None] | None = None
        self.in_flight: asyncio.Task[None] | None = None
        self.access_watch: asyncio.Task[None] | None = None
        self.closing = False

        # The session is read here, once, with everything else the connection needs
        # (outreach/asgi.py passes the cookies only; the socket never writes the session).
        self.session_key: str | None = self.scope.get("cookies", {}).get(
            settings.SESSION_COOKIE_NAME
        )
        client = self.scope.get("client") or (None, None)
        self.network = networks.network_hash(client[0])
        ctx, guest_token = await _db(selectors.connection_open)(
            slug=self.scope["url_route"]["kwargs"]["slug"], session_key=self.session_key
        )
        # No session or token (e.g. a first visit straight to the socket): this connection
        # gets an identity of its own; the live page sets one in the session.
        self.guest_token = guest_token or uuid.uuid4()
        if ctx is None:
            await self.close(code=CLOSE_NO_SUCH_EVENT)
            return
        self.ctx = ctx
        self.sees_viewer_count = ctx.is_moderator or ctx.panellist_id is not None
        await self.accept()

        if ctx.user_id is not None:
            # Sign-outs and role changes reach every connection of this user (see below).
            await self._join(user_group(ctx.user_id))
        if ctx.is_moderator:
            await self._join(moderation_group(ctx.event_id))
        if ctx.participant_id:
            await self._join(participant_group(ctx.participant_id))
        try:
            self.hub = hub_for(ctx.event_id)
            await self.hub.join(self)
        except Exception:
            logger.exception("live feed unavailable for event %s", ctx.event_id)
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        # Read after joining the hub: whatever is published from now on is in the backlog.
        await self._send_snapshot(after=self._after_from_query())
        self.live = True
        if self.backlog:
            self._start_writer()
        if ctx.user_id is not None:
            self.access_watch = asyncio.create_task(self._watch_access())

    def _after_from_query(self) -> int:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            return max(0, int(query.get("after", ["0"])[0]))
        except ValueError:
            return 0

    async def _send_snapshot(self, *, after: int) -> None:
        frames = await _db(selectors.connection_snapshot)(ctx=self.ctx, after=after)
        await self._send_synced(frames, after=after)

    async def _send_feed(self, *, after: int) -> None:
        items = await _db(selectors.feed_after)(event_id=self.ctx.event_id, after=after)
        await self._send_synced(items, after=after)

    async def _send_synced(self, frames: list[dict[str, Any]], *, after: int) -> None:
        """Send `frames` (ending with the published items after `after`), then `synced`."""
        for frame in frames:
            await self._send(frame)
        seqs = [frame["seq"] for frame in frames if frame["type"] == "message"]
        self.sent_seq = max(self.sent_seq, after, seqs[-1] if seqs else 0)
        await self._send({"type": "synced", "last_seq": self.sent_seq})

    async def disconnect(self, code: int) -> None:
        self.closing = True
        if self.hub is not None:
            self.hub.leave(self)
        if self.writer is not None:
            self.writer.cancel()
        if self.in_flight is not None:
            self.in_flight.cancel()
        if self.access_watch is not None:
            self.access_watch.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)

    # -- frames out ------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    def deliver(self, frame: OutboundFrame) -> None:
        """Called by the hub for every public frame; never blocks.

        Once the snapshot is out and nothing is waiting, the frame is written from the hub's
        loop: the bytes the hub built once go straight to the socket (chat/sockets.py), or,
        where that is not possible, through ASGI for as long as the send need not wait. No
        queue and no task switch per viewer: the bulk of a broadcast's cost. Otherwise it
        waits its turn in the bounded backlog, so frames always leave in order.
        """
        if self.closing:
            return
        if self.live and self.writer is None and (self.in_flight is None or self.in_flight.done()):
            if self.socket is None:
                if self._claim(frame):
                    self.in_flight = send_eagerly(self.send(text_data=frame.text))
                return
            if not self.socket.is_open():
                return  # closing: disconnect() follows
            if self.socket.is_writable():
                if self._claim(frame):
                    self.socket.write(frame.wire)
                return
            # The socket is backed up: wait behind what it already holds.
        if self.backlog is None:
            self.backlog = deque()
        if len(self.backlog) >= settings.CHAT_VIEWER_BACKLOG:
            # Too slow to keep up: drop the connection rather than the frame or the others.
            self.closing = True
            asyncio.get_running_loop().create_task(self.close(code=CLOSE_TOO_SLOW))
            return
        self.backlog.append(frame)
        if self.live and self.writer is None:
            self._start_writer()

    def _claim(self, frame: OutboundFrame) -> bool:
        """True if `frame` is still to be sent (and counts it as sent): a seq'd item already
        sent in the snapshot or a resume is skipped."""
        if frame.seq is not None:
            if frame.seq <= self.sent_seq:
                return False
            self.sent_seq = frame.seq
        return True

    def _start_writer(self) -> None:
        self.writer = asyncio.get_running_loop().create_task(self._write_backlog())

    async def _write_backlog(self) -> None:
        """Send the backlog through ASGI (which waits while the socket is backed up), then
        end: from then on frames go straight out again."""
        if self.in_flight is not None:
            await self.in_flight  # a frame the hub began writing goes out first
            self.in_flight = None
        backlog = self.backlog
        try:
            while backlog:
                frame = backlog.popleft()
                if self._claim(frame):
                    await self.send(text_data=frame.text)
        except Exception:
            # The viewer has gone (or was closed meanwhile): that is disconnect()'s business.
            logger.debug("backlog send to a departing viewer failed", exc_info=True)
            return
        # No await between the emptiness check and here: nothing can slip in between.
        self.writer = None
        self.backlog = None

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
            await self._close_for_access(CLOSE_SIGNED_OUT)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Something about this user's rights changed: check them again now."""
        await self._check_access()

    async def _watch_access(self) -> None:
        # A backstop for changes no signal announces (a session expiring, a row edited
        # outside Django): signed-in connections re-check every few seconds.
        while True:
            await asyncio.sleep(settings.CHAT_ACCESS_RECHECK_SECONDS)
            await self._check_access()

    async def _check_access(self) -> None:
        if self.closing or self.ctx.user_id is None:
            return
        # The same one trip to the database as when the connection opened.
        now, _ = await _db(selectors.connection_open)(
            slug=self.ctx.slug, session_key=self.session_key
        )
        if now is not None and now.user_id != self.ctx.user_id:
            await self._close_for_access(CLOSE_SIGNED_OUT)
        elif now is None or now.roles != self.ctx.roles:
            # Rights only ever change by reconnecting: the client reconnects (the live
            # page) or stops and asks for a reload (a console).
            await self._close_for_access(CLOSE_ACCESS_CHANGED)

    async def _close_for_access(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=code)

    # -- frames in -------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = parse_frame(text_data, bytes_data)
        except FrameError as error:
            await self._send(error_frame(error.code, error.message, client_id=error.client_id))
            return
        handler = getattr(self, f"handle_{frame.type}")
        try:
            await handler(frame)
        except ChatError as error:
            await self._send(
                error_frame(error.code, error.message, client_id=frame.fields.get("client_id"))
            )

    async def handle_resume(self, frame: ClientFrame) -> None:
        await self._send_feed(after=frame.fields["after"])

    async def handle_ask(self, frame: ClientFrame) -> None:
        fields = frame.fields
        if self.ctx.participant_id is None:
            participant = await _db(services.participant_for)(
                event_id=self.ctx.event_id, user_id=self.ctx.user_id, guest_token=self.guest_token
            )
            self.ctx = _with_participant(self.ctx, participant.pk)
            await self._join(participant_group(participant.pk))
        outcome = await _db(services.question_ask)(
            event_id=self.ctx.event_id,
            participant_id=self.ctx.participant_id,
            client_id=fields["client_id"],
            body=fields["body"],
            nickname=fields.get("nickname"),
            anonymous=fields.get("anonymous"),
            to=fields.get("to"),
            network=self.network,
        )
        question = outcome.question
        await self._send(
            {
                "type": "ack",
                "client_id": fields["client_id"],
                "question_id": question["question_id"],
                "state": question["state"],
            }
        )

    async def handle_approve(self, frame: ClientFrame) -> None:
        await _db(services.question_approve)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields.get("body"),
            event_id=self.ctx.event_id,
            publish_unmasked=bool(frame.fields.get("publish_unmasked")),
        )

    async def handle_reject(self, frame: ClientFrame) -> None:
        await _db(services.question_reject)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            reason=frame.fields["reason"],
            event_id=self.ctx.event_id,
        )

    async def handle_answer(self, frame: ClientFrame) -> None:
        await _db(services.question_answer)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields["body"],
            event_id=self.ctx.event_id,
        )

    async def handle_mark_answered(self, frame: ClientFrame) -> None:
        await _db(services.question_answer)(
            question_id=frame.fields["question_id"],
            actor_id=self._actor_id(),
            body=frame.fields.get("note") or "",
            mode=AnswerMode.ELSEWHERE,
            event_id=self.ctx.event_id,
        )

    async def handle_announce(self, frame: ClientFrame) -> None:
        await _db(services.announcement_post)(
            event_id=self.ctx.event_id, actor_id=self._actor_id(), body=frame.fields["body"]
        )

    async def handle_pin(self, frame: ClientFrame) -> None:
        await _db(services.item_pin)(
            event_id=self.ctx.event_id, actor_id=self._actor_id(), seq=frame.fields["seq"]
        )

    async def handle_mute(self, frame: ClientFrame) -> None:
        await _db(services.participant_mute)(
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


def _with_participant(ctx: ConnectionContext, participant_id: int) -> ConnectionContext:
    from dataclasses import replace

    return replace(ctx, participant_id=participant_id)
