"""Bringing a connection up to date: the snapshot on joining, the items it asks for again
(`resume`), each ended by `synced`."""

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError

from chat import frames, selectors
from chat.consumers import calls
from chat.consumers.failures import FeedUnavailable
from chat.protocol import ErrorCode
from chat.services import ChatError
from core.ablation import design_choice_on
from realtime.hub import Snapshot, encode

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer


class CatchUp:
    """A connection's snapshot and resumes, from the hub's memory when it holds everything
    asked for (a guest who has not asked then costs no database trip), else from the
    database."""

    def __init__(self, connection: "EventChatConsumer") -> None:
        self.connection = connection
        self.last_replay = 0.0

    async def snapshot(self, *, after: int) -> None:
        """Status, session, pin, (a moderator's queue, an asker's own questions), the items
        after `after`, then `synced`."""
        connection = self.connection
        try:
            personal = None
            if connection.hub is not None and design_choice_on("CHAT_SNAPSHOT_FROM_MEMORY"):
                if selectors.connection_needs_personal(connection.ctx):
                    personal = await calls.db(selectors.connection_personal)(ctx=connection.ctx)
                from_memory = connection.hub.snapshot(after)
                if from_memory is not None:
                    await self._snapshot_from_memory(from_memory, personal or [], after=after)
                    return
            snapshot = await calls.db(selectors.connection_snapshot)(
                ctx=connection.ctx, after=after
            )
        except DatabaseError as error:
            raise FeedUnavailable(f"database: {error}") from error
        await self._send_synced(snapshot, after=after)

    async def _snapshot_from_memory(
        self, snapshot: Snapshot, personal: list[dict[str, Any]], *, after: int
    ) -> None:
        """The same frames as connection_snapshot's, in the same order, in one write."""
        outbox = self.connection.outbox
        last = snapshot.items[-1].seq if snapshot.items else None
        outbox.sent_seq = max(outbox.sent_seq, after, last or 0)
        await outbox.send_snapshot(
            [
                snapshot.status,
                encode(selectors.session_frame(self.connection.ctx)),
                snapshot.pinned,
                *(encode(frame) for frame in personal),
                *snapshot.items,
                encode(frames.synced(outbox.sent_seq)),
            ]
        )

    async def resume(self, *, after: int) -> None:
        """The items after `after` (from the hub's memory if it has them all)."""
        connection = self.connection
        outbox = connection.outbox
        if after < outbox.sent_seq:
            # Asking again for items already sent: one replay per few seconds at most, so a
            # client cannot turn a few bytes into the whole feed over and over.
            now = time.monotonic()
            if now - self.last_replay < settings.CHAT_RESUME_REPLAY_SECONDS:
                raise ChatError(ErrorCode.RATE_LIMITED, "Already catching up. Wait a moment.")
            self.last_replay = now
        snapshot = (
            connection.hub.snapshot(after)
            if connection.hub is not None and design_choice_on("CHAT_SNAPSHOT_FROM_MEMORY")
            else None
        )
        if snapshot is None:
            items = await calls.db(selectors.feed_after)(
                event_id=connection.ctx.event_id, after=after
            )
            await self._send_synced(items, after=after)
            return
        for frame in snapshot.items:
            await connection.send_text(frame.text)
        last = snapshot.items[-1].seq if snapshot.items else None
        outbox.sent_seq = max(outbox.sent_seq, after, last or 0)
        await connection.send_frame(frames.synced(outbox.sent_seq))

    async def _send_synced(self, items: list[dict[str, Any]], *, after: int) -> None:
        """Send `items` (ending with the published items after `after`), then `synced`."""
        connection = self.connection
        for frame in items:
            await connection.send_frame(frame)
        seqs = [frame["seq"] for frame in items if frame["type"] == "message"]
        outbox = connection.outbox
        outbox.sent_seq = max(outbox.sent_seq, after, seqs[-1] if seqs else 0)
        await connection.send_frame(frames.synced(outbox.sent_seq))
