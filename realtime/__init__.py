"""Real-time transport: groups, publishing, per-process fan-out, outbox, direct socket.

- `hub_for(event_id)`: this process's hub for an event (hub.py); `join`/`leave` it with a
  `ViewerOutbox` (outbox.py), which the hub delivers public frames to; `snapshot(after)`
  gives a joining viewer's first frames from memory; `encode` builds a frame's bytes.
- groups.py: every channel-layer group name; broadcast.py: sending after commit, from sync
  code (services, receivers, tasks).
- feeds.py: the FeedSource the live chat registers; the transport never imports the domain.
- messages.py: every channel-layer message type; viewer_counts.py: the shared count format.
- internals/: one module per library whose private internals we use, each with its tested
  versions and its switch (CHAT_DIRECT_SOCKET, CHAT_EAGER_SEND, CHAT_DIRECT_PUBLISH,
  CHAT_KEEP_SQLITE_CONNECTIONS), checked by a Django system check.

docs/architecture.md shows how a frame flows through these. Nothing is imported here: Django
imports this package before the models are ready.
"""
