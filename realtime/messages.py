"""Every channel-layer message type, in one place: what a sender stamps as "type", and what
its receiver dispatches on.

Channels routes a message on the default layer to the consumer's method named after its type
("private.frame" -> `private_frame`); the hubs (realtime/hub.py) read the public ones from the
fan-out layer themselves and ignore any other type. Frame types (what a browser receives,
"message", "status", ...) are the live chat's protocol, not these.
"""

# Public frames, on the fan-out layer, received once by each server process's hub.
# One frame: {"type", "frame", "namespace", "event_id"}.
PUBLIC_FRAME = "public.frame"
# Several consecutive frames published together (a moderator's announcements committed at
# once), which the hub writes to each viewer in one go: {"type", "frames", ...}.
PUBLIC_FRAMES = "public.frames"
PUBLIC_TYPES = frozenset({PUBLIC_FRAME, PUBLIC_FRAMES})

# On the default layer, to a group of connections (moderators, a participant, a user).
# A frame for every connection in the group: {"type", "frame"}.
PRIVATE_FRAME = "private.frame"
# The user's rights at an event changed: the connection closes so the client reconnects.
ACCESS_CHANGED = "access.changed"
# The user's session ended (signed out): connections of that session close.
# {"type", "session_key"}.
ACCESS_ENDED = "access.ended"
