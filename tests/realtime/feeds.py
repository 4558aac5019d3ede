"""A feed source of the test's own, so the transport is tested without the live chat."""

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from realtime.outbox import OutboundFrame


@dataclass
class State:
    floor: int
    items: list[dict[str, Any]]
    last_seq: int
    status: dict[str, Any]
    pinned_seq: int | None
    show_viewer_count: bool


@dataclass
class FakeFeed:
    items: list[dict[str, Any]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=lambda: {"type": "status", "status": "live"})
    show_viewer_count: bool = False
    # Each read of the state, in order (the `after` it was asked with).
    reads: list[int | None] = field(default_factory=list)

    def state(self, *, event_id: int, after: int | None = None, recent: int = 0) -> State:
        self.reads.append(after)
        last_seq = self.items[-1]["seq"] if self.items else 0
        floor = max(0, last_seq - recent) if after is None else after
        return State(
            floor=floor,
            items=[item for item in self.items if item["seq"] > floor],
            last_seq=max(last_seq, floor),
            status=self.status,
            pinned_seq=None,
            show_viewer_count=self.show_viewer_count,
        )

    def items_after(self, *, event_id: int, after: int) -> list[dict[str, Any]]:
        return [item for item in self.items if item["seq"] > after]

    def viewers_frame(self, count: int) -> dict[str, Any]:
        return {"type": "viewers", "count": count}

    def feed_frame(self, *, live: bool) -> dict[str, Any]:
        return {"type": "feed", "live": live}

    def pinned_frame(self, seq: int | None) -> dict[str, Any]:
        return {"type": "pinned", "seq": seq}


def unused_event_id() -> int:
    """An event id no other test's hub or Redis key uses (the Redis server is shared)."""
    return 10**9 + uuid.uuid4().int % 10**9


class FakeViewer:
    def __init__(self, *, sees_viewer_count: bool = False) -> None:
        self.sees_viewer_count = sees_viewer_count
        self.counts_as_watching = True
        self.frames: list[OutboundFrame] = []
        # How many frames each delivery carried (a socket write each, for a real viewer).
        self.writes: list[int] = []
        self.failed_with: int | None = None

    def deliver(self, frame: OutboundFrame) -> bool:
        self.frames.append(frame)
        self.writes.append(1)
        return True

    def deliver_together(self, frames: list[OutboundFrame], wire: bytes) -> bool:
        self.frames.extend(frames)
        self.writes.append(len(frames))
        return True

    def fail(self, code: int) -> None:
        self.failed_with = code

    def texts(self) -> list[str]:
        return [frame.text for frame in self.frames]


async def eventually(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.02)
