"""The live chat WebSocket's lifecycle: `/ws/events/<slug>/` (the protocol is in
docs/protocol.md).

Connect, read the client's frames and the private channel's messages one at a time, and
whatever ends the connection (the client, an exception, Redis or the database gone) run the
clean-up in a `finally`: the hub forgets the viewer, tasks stop, groups are left. The work is
its collaborators': who is connecting (joining.py), the snapshot and resumes (catch_up.py),
frames in (frames_in.py, to the handlers in public.py and staff.py), rights (access.py).
Public frames reach the socket through realtime (the hub and this connection's outbox).
"""

import asyncio
import contextlib
import json
import uuid
from typing import Any

from channels.exceptions import StopConsumer
from django.conf import settings

from chat import frames
from chat.consumers import joining
from chat.consumers.access import AccessWatch
from chat.consumers.catch_up import CatchUp
from chat.consumers.failures import FeedUnavailable, close_code_after, logger, note_mistake
from chat.consumers.frames_in import FrameRouter
from chat.consumers.private import PrivateChannel
from chat.origins import origin_allowed
from chat.protocol import FrameError
from chat.selectors import ConnectionContext
from core import languages, networks
from realtime.codes import CloseCode
from realtime.hub import EventHub, hub_for
from realtime.internals import uvicorn_websockets
from realtime.internals.channels_consumer import ChannelsLoop
from realtime.outbox import ViewerOutbox
from realtime.readahead import ReadAhead

# The task reading a connection's private channel (its groups), once it has joined one.
PRIVATE_READER = "chat-private-reader"


class EventChatConsumer(ChannelsLoop):
    ctx: ConnectionContext
    hub: EventHub | None = None

    async def live(self, receive: Any) -> None:
        """The whole life of a connection. The client's frames are read by this task; the
        private channel (this connection's groups) has a task of its own, started when the
        first group is joined: a guest who only watches never waits on Redis for nothing."""
        self.event_id: int | None = None
        # This connection's own identity: what it holds (a question it has open) is
        # recorded against it, and let go when it ends.
        self.connection_id = uuid.uuid4()
        self.private = PrivateChannel(self)
        # One message handled at a time, the client's and the groups', as Channels does.
        self.handling = asyncio.Lock()
        self.private_reader: asyncio.Task[None] | None = None
        self.private_failure: Exception | None = None
        self.main_task = asyncio.current_task()
        self.reading = False
        self.hub = None
        self.outbox = ViewerOutbox(
            send_text=self.send_text,
            close=self.close_with,
            asgi_send=self.base_send,
            sees_viewer_count=False,
        )
        self.accepted = False
        self.closing = False
        self.is_staff = False
        self.access = AccessWatch(self)
        self.catch_up = CatchUp(self)
        self.frames_in = FrameRouter(self)
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
                message = await self.private.receive()
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

    async def join_group(self, group: str) -> None:
        if await self.private.join(group) and self.private_reader is None:
            self.private_reader = asyncio.get_running_loop().create_task(
                self._handle_private(), name=PRIVATE_READER
            )

    async def _end_after_failure(self, error: Exception) -> None:
        """One log line, and a close code the client understands (failures.py)."""
        code = close_code_after(error, event_id=self.event_id)
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
        self.access.stop()
        if self.accepted:
            await self._run_leave_hooks()
        await self.private.leave_all()

    async def _run_leave_hooks(self) -> None:
        for hook in joining.LEAVE_HOOKS:
            try:
                await hook(self)
            except Exception:
                # One line; what the hook holds expires on its own (question_locks: a minute).
                logger.warning("leave hook %s failed for event %s", hook.__name__, self.event_id)

    # -- connecting ------------------------------------------------------------------

    async def connect(self) -> None:
        async with joining.join_turn(self.scope):
            await self._connect()

    async def _connect(self) -> None:
        self.access.session_key = self.scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
        client = self.scope.get("client") or (None, None)
        self.network = networks.network_hash(client[0])
        # The page's language, by the rule the page itself used: a question is marked with it.
        headers = dict(self.scope.get("headers") or ())
        self.language = languages.reader_language(
            cookies=self.scope.get("cookies", {}),
            accept_language=headers.get(b"accept-language", b"").decode("latin-1"),
        )
        ctx, guest_token = await joining.connection_context(
            self.scope, session_key=self.access.session_key
        )
        # No session or token (e.g. a first visit straight to the socket): this connection
        # gets an identity of its own; the live page sets one in the session.
        self.guest_token = guest_token or uuid.uuid4()
        if ctx is None:
            # Accepted first: a close before the handshake reaches a browser as a bare
            # failure, which it retries for ever; 4404 after it says "stop" (docs/protocol.md).
            await self.accept()
            await self.close(code=CloseCode.NO_SUCH_EVENT)
            return
        if not origin_allowed(self.scope, embed_origins=ctx.embed_origins):
            # Refused before the handshake completes: the browser sees a failed connection.
            logger.info("connection to event %s refused: origin not allowed", ctx.event_id)
            await self.close()
            return
        self.ctx, self.event_id = ctx, ctx.event_id
        await self.accept()
        self.accepted = True
        # Pings never reach a consumer; counted all the same, so a flood of them ends as one
        # of frames does (1008).
        uvicorn_websockets.count_pings(self.base_send, self.frames_in.take_ping)
        self.is_staff = (
            ctx.is_moderator
            or ctx.panellist_id is not None
            or ctx.in_support_lane
            or ctx.reviews_answers
        )
        self.outbox.sees_viewer_count = self.is_staff
        # The watching count is the public's: a moderator's or panellist's console is not.
        self.outbox.counts_as_watching = not self.is_staff
        if ctx.is_moderator:
            self.reader.start()
        after = await self._after_asked_for()
        try:
            for group in joining.groups_for(ctx):
                await self.join_group(group)
            self.hub = hub_for(ctx.event_id)
            await self.hub.join(self.outbox)
        except Exception as error:
            self.hub = None
            # Serve what the database has, then say the live feed is away: the client
            # waits longer than usual (4503) and resumes from the last item it got.
            await self.catch_up.snapshot(after=after)
            raise FeedUnavailable(f"live feed: {error}") from error
        # Read after joining the hub: whatever is published from now on waits in the outbox,
        # until the client has had the last page of its history (catch_up.py).
        if await self.catch_up.snapshot(after=after):
            self.outbox.go_live()
        self.access.start()
        for hook in joining.JOIN_HOOKS:
            await hook(self)

    async def _after_asked_for(self) -> int:
        """The URL's `?after=`; one the server cannot take is answered with an `error`
        frame and the whole feed is sent (in pages, docs/protocol.md): the client's numbers
        mean nothing, so it starts again."""
        try:
            return joining.after_from_query(self.scope)
        except FrameError as mistake:
            note_mistake(mistake, event_id=self.event_id)
            await self.send_frame(frames.error(mistake.code, mistake.message))
            return 0

    # -- messages in: the client's frames, and the groups' ---------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.frames_in.receive(text_data, bytes_data)

    async def private_frame(self, message: dict[str, Any]) -> None:
        """Moderation traffic and private notices, from this connection's groups."""
        await self.send_frame(message["frame"])

    async def access_ended(self, message: dict[str, Any]) -> None:
        await self.access.ended(message)

    async def access_changed(self, message: dict[str, Any]) -> None:
        await self.access.check()

    # -- frames out ------------------------------------------------------------------

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send_text(json.dumps(frame, separators=(",", ":")))

    async def send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def close_with(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def close_once(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=code)
