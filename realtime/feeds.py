"""What the transport needs to know of a feed, and who provides it.

The hubs (realtime/hub.py) keep each event's recent published items, status and pin, and
tell viewers how many are watching and whether items are live; what those are is the live
chat's business. So the transport asks a `FeedSource`, which the live chat registers when
Django starts (chat/apps.py, chat/feed_source.py), and never imports the domain.
"""

from typing import Any, Protocol


class FeedState(Protocol):
    """What a hub keeps of an event, read in one trip."""

    # Every published item with a seq above `floor` is in `items`, in order.
    @property
    def floor(self) -> int: ...
    @property
    def items(self) -> list[dict[str, Any]]: ...
    @property
    def last_seq(self) -> int: ...
    # The event's status frame.
    @property
    def status(self) -> dict[str, Any]: ...
    @property
    def pinned_seq(self) -> int | None: ...
    @property
    def show_viewer_count(self) -> bool: ...


class FeedSource(Protocol):
    """The feed behind the hubs. Reads are sync (the hub runs them on a database thread);
    the frame builders are plain functions."""

    def state(self, *, event_id: int, after: int | None = None, recent: int = 0) -> FeedState:
        """The state, with the items after `after` (None: the `recent` latest)."""
        ...

    def items_after(self, *, event_id: int, after: int) -> list[dict[str, Any]]:
        """Published items (frames with a "seq") with seq greater than `after`, in order."""
        ...

    def viewers_frame(self, count: int) -> dict[str, Any]: ...

    def feed_frame(self, *, live: bool) -> dict[str, Any]: ...

    def pinned_frame(self, seq: int | None) -> dict[str, Any]: ...


_source: FeedSource | None = None


def register_feed_source(source: FeedSource) -> None:
    """Make `source` the feed behind every hub (called from an AppConfig.ready)."""
    global _source
    _source = source


def feed_source() -> FeedSource:
    if _source is None:
        raise RuntimeError(
            "No feed source is registered: the live chat registers one in ChatConfig.ready "
            "(is 'chat' in INSTALLED_APPS?)."
        )
    return _source
