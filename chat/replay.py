"""How much history one join or resume may replay: a page of CHAT_REPLAY_PAGE_BYTES at a
time, and per network (a keyed hash of one IPv4 address or IPv6 /64) a budget of bytes per
process, a token bucket of CHAT_REPLAY_NETWORK_BURST refilled at CHAT_REPLAY_NETWORK_RATE a
second (docs/protocol.md, "Catching up in pages").

Without them 40 anonymous clients joining with `?after=0` on a long feed made one process
write the whole feed to each of them over and over (15 MB/s) while other viewers waited. A
page lets a client that needs a long history ask for it a page at a time; the budget makes
a network that asks for more than a person could read wait. Kept per process: a join costs
no Redis trip, and works while Redis is away; a network spread over N processes gets N
budgets, still bounded.
"""

import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

# The most rows a page read from the database holds (a page is usually cut by bytes first).
PAGE_ITEMS_MAX = 1000
# Networks remembered per process; past it the full buckets (networks at rest) are dropped.
_NETWORKS_MAX = 10_000


def page_of(items: Sequence[T], size: Callable[[T], int]) -> tuple[list[T], bool]:
    """The first items, in order, whose sizes add up to at most CHAT_REPLAY_PAGE_BYTES (at
    least one), and whether any were left for the next page."""
    limit = settings.CHAT_REPLAY_PAGE_BYTES
    total = 0
    for index, item in enumerate(items):
        total += size(item)
        if total > limit and index > 0:
            return list(items[:index]), True
        if index + 1 >= PAGE_ITEMS_MAX:
            return list(items[: index + 1]), index + 1 < len(items)
    return list(items), False


class NetworkReplayBudget:
    """Bytes of history each network may be sent: a token bucket per network."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, network: str, size: int) -> bool:
        """Charge `size` bytes to `network`; False (nothing charged) if it has not got them.
        A connection without an address ("") is not limited: there is nothing to key on."""
        if not network or size <= 0:
            return True
        burst = float(settings.CHAT_REPLAY_NETWORK_BURST)
        rate = float(settings.CHAT_REPLAY_NETWORK_RATE)
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(network, (burst, now))
            tokens = min(burst, tokens + (now - stamp) * rate)
            allowed = tokens >= size
            if allowed:
                tokens -= size
            if network not in self._buckets and len(self._buckets) >= _NETWORKS_MAX:
                self._forget_rested(now, burst, rate)
            self._buckets[network] = (tokens, now)
        return allowed

    def _forget_rested(self, now: float, burst: float, rate: float) -> None:
        """Drop the networks whose bucket has refilled (they are as if never seen); all of
        them if that is not enough (bounded memory before exactness under a flood)."""
        rested = [
            network
            for network, (tokens, stamp) in self._buckets.items()
            if tokens + (now - stamp) * rate >= burst
        ]
        for network in rested:
            del self._buckets[network]
        if len(self._buckets) >= _NETWORKS_MAX:
            self._buckets.clear()

    def forget(self) -> None:
        """Every network starts afresh (tests)."""
        with self._lock:
            self._buckets.clear()


network_budget = NetworkReplayBudget()
