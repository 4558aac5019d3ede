"""Real-time transport: groups, publishing, per-process fan-out, outbox, direct socket.

- `hub_for(event_id)`: this process's hub for an event (hub.py); `join`/`leave` it with a
  `ViewerOutbox` (outbox.py), which the hub delivers public frames to; `snapshot(after)`
  gives a joining viewer's first frames from memory; `encode` builds a frame's bytes.
- groups.py: every channel-layer group name; broadcast.py: sending after commit, from sync
  code (services, receivers, tasks).
- internals.py: all code that leans on uvicorn's, websockets' and channels-redis' private
  internals, checked at start-up and switchable (CHAT_DIRECT_SOCKET, CHAT_DIRECT_PUBLISH).

docs/architecture.md shows how a frame flows through these. Nothing is imported here: Django
imports this package before the models are ready.
"""
