"""The live chat's real-time machinery, behind the one interface the consumer uses.

- `hub_for(event_id)`: this process's hub for an event (hub.py); `join`/`leave` it with a
  `ViewerOutbox` (outbox.py), which the hub delivers public frames to.
- groups.py: every channel-layer group name; broadcast.py: sending after commit, from sync
  code (services, receivers, tasks).
- internals.py: all code that leans on uvicorn's, websockets' and channels-redis' private
  internals, checked at start-up and switchable (CHAT_DIRECT_SOCKET, CHAT_DIRECT_PUBLISH).

docs/architecture.md shows how a frame flows through these.
"""

from chat.realtime.hub import CLOSE_UNAVAILABLE, EventHub, hub_for
from chat.realtime.outbox import CLOSE_INTERNAL, CLOSE_TOO_SLOW, ViewerOutbox

__all__ = [
    "CLOSE_INTERNAL",
    "CLOSE_TOO_SLOW",
    "CLOSE_UNAVAILABLE",
    "EventHub",
    "ViewerOutbox",
    "hub_for",
]
