"""The live chat's feed, as the real-time transport's hubs read it (realtime/feeds.py)."""

from typing import Any

from chat import frames, selectors


class ChatFeedSource:
    def state(
        self, *, event_id: int, after: int | None = None, recent: int = 0
    ) -> selectors.FeedState:
        return selectors.feed_state(event_id=event_id, after=after, recent=recent)

    def items_after(self, *, event_id: int, after: int) -> list[dict[str, Any]]:
        return selectors.feed_after(event_id=event_id, after=after)

    def viewers_frame(self, count: int) -> dict[str, Any]:
        return frames.viewers(count)

    def feed_frame(self, *, live: bool) -> dict[str, Any]:
        return frames.feed(live=live)

    def pinned_frame(self, seq: int | None) -> dict[str, Any]:
        return frames.pinned(seq)
