"""Every WebSocket close code the portal sends, in one place (docs/protocol.md lists them).

4000-4999 are the application's own; 1008 and 1011 are the standard ones (RFC 6455)."""

from enum import IntEnum


class CloseCode(IntEnum):
    # A frame the server will not take (too large, too many, malformed beyond repair).
    POLICY = 1008
    # The server failed while handling this connection; the client may come back.
    INTERNAL = 1011
    # The session behind a staff connection ended (signed out elsewhere, expired).
    SIGNED_OUT = 4401
    # The user's rights at this event changed: reconnect to get the right view.
    ACCESS_CHANGED = 4403
    # The event does not exist or is not public.
    NO_SUCH_EVENT = 4404
    # The client read too slowly and its queue overflowed; it resumes by seq.
    TOO_SLOW = 4408
    # This connection's network asked for more history than it may at once (chat/replay.py);
    # wait, then resume by seq.
    REPLAY_LIMITED = 4429
    # Redis or the hub is unavailable; come back and resume by seq.
    UNAVAILABLE = 4503
