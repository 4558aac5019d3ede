"""Bringing a connection up to date: the snapshot on joining, the items it asks for again
(`resume`), each ended by `synced`; a long history a page at a time, within its network's
budget (chat/replay.py)."""

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import DatabaseError

from chat import frames, replay, selectors
from chat.consumers import calls
from chat.consumers.failures import FeedUnavailable, ReplayLimited
from chat.protocol import ErrorCode
from chat.services import ChatError
from core.ablation import design_choice_on
from realtime.hub import Snapshot, encode
from realtime.outbox import OutboundFrame

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

T = TypeVar("T")
# A page read from the database: one row more than a page may hold says whether there is more.
PAGE_ROWS = replay.PAGE_ITEMS_MAX + 1


def _wire_size(frame: OutboundFrame) -> int:
    return len(frame.wire)


def _json_size(frame: dict[str, Any]) -> int:
    return len(json.dumps(frame, separators=(",", ":")).encode())


class CatchUp:
    """A connection's snapshot and resumes, from the hub's memory when it holds everything
    asked for (a guest who has not asked then costs no database trip), else from the
    database. Each sends at most a page of items; `synced` says `more` when it stopped
    short, and the connection goes live only once the client has had the rest."""

    def __init__(self, connection: "EventChatConsumer") -> None:
        self.connection = connection
        self.last_replay = 0.0
        # Where the last page ended while more is to come: a `resume` from there asks for
        # the next page, not for a replay of what was sent.
        self.continues_from: int | None = None

    async def snapshot(self, *, after: int) -> bool:
        """Status, session, pin, (a moderator's queue, an asker's own questions), a page of
        the items after `after`, then `synced`. True if that was every item (the
        connection may go live); False if the client is to ask for the next page."""
        connection = self.connection
        try:
            personal = None
            if connection.hub is not None and design_choice_on("CHAT_SNAPSHOT_FROM_MEMORY"):
                if selectors.connection_needs_personal(connection.ctx):
                    personal = await calls.db(selectors.connection_personal)(ctx=connection.ctx)
                from_memory = connection.hub.snapshot(after)
                if from_memory is not None:
                    return await self._snapshot_from_memory(
                        from_memory, personal or [], after=after
                    )
            snapshot = await calls.db(selectors.connection_snapshot)(
                ctx=connection.ctx, after=after, most=PAGE_ROWS
            )
        except DatabaseError as error:
            raise FeedUnavailable(f"database: {error}") from error
        return await self._send_synced(snapshot, after=after)

    async def _snapshot_from_memory(
        self, snapshot: Snapshot, personal: list[dict[str, Any]], *, after: int
    ) -> bool:
        """The same frames as connection_snapshot's, in the same order, in one write."""
        outbox = self.connection.outbox
        page, more = self._page(snapshot.items, _wire_size)
        last = page[-1].seq if page else None
        outbox.sent_seq = max(outbox.sent_seq, after, last or 0)
        await outbox.send_snapshot(
            [
                snapshot.status,
                encode(selectors.session_frame(self.connection.ctx)),
                snapshot.pinned,
                *(encode(frame) for frame in personal),
                *page,
                encode(self._synced(last, more=more)),
            ]
        )
        return not more

    async def resume(self, *, after: int) -> None:
        """A page of the items after `after` (from the hub's memory if it has them all)."""
        connection = self.connection
        outbox = connection.outbox
        continuing = self.continues_from is not None and after == self.continues_from
        if after < outbox.sent_seq and not continuing:
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
                event_id=connection.ctx.event_id, after=after, most=PAGE_ROWS
            )
            complete = await self._send_synced(items, after=after)
        else:
            page, more = self._page(snapshot.items, _wire_size)
            for frame in page:
                await connection.send_text(frame.text)
            last = page[-1].seq if page else None
            outbox.sent_seq = max(outbox.sent_seq, after, last or 0)
            await connection.send_frame(self._synced(last, more=more))
            complete = not more
        if complete and not outbox.live:
            # The last page of a join's history is out: what was published meanwhile follows.
            outbox.go_live()

    async def _send_synced(self, items: list[dict[str, Any]], *, after: int) -> bool:
        """Send `items` (ending with the published items after `after`, a page of them),
        then `synced`; True if no item was left for another page."""
        connection = self.connection
        heads = [frame for frame in items if frame["type"] != "message"]
        page, more = self._page(
            [frame for frame in items if frame["type"] == "message"], _json_size
        )
        for frame in (*heads, *page):
            await connection.send_frame(frame)
        last = page[-1]["seq"] if page else None
        outbox = connection.outbox
        outbox.sent_seq = max(outbox.sent_seq, after, last or 0)
        await connection.send_frame(self._synced(last, more=more))
        return not more

    def _page(self, items: Sequence[T], size: Callable[[T], int]) -> tuple[list[T], bool]:
        """The page of `items` this connection is sent now, charged to its network (staff
        are not held to it); ReplayLimited when the network has had all it may for now."""
        page, more = replay.page_of(items, size)
        connection = self.connection
        if not connection.is_staff and not replay.network_budget.take(
            connection.network, sum(size(item) for item in page)
        ):
            raise ReplayLimited(f"network replay budget spent at event {connection.ctx.event_id}")
        return page, more

    def _synced(self, last: int | None, *, more: bool) -> dict[str, Any]:
        """`synced`: with `more`, the seq this page ended at (the client resumes from
        there); else everything this connection has been sent."""
        self.continues_from = last if more else None
        if more and last is not None:
            return frames.synced(last, more=True)
        return frames.synced(self.connection.outbox.sent_seq)
