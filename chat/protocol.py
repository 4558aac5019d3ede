"""The WebSocket protocol's client frames: one schema, one parser (see docs/protocol.md).

Every byte from the network is hostile: frames are bounded in size before parsing, must be
a JSON object with a known `type`, and every field is checked for type and length. Fields a
client sends about itself (role, user, state...) are not in the schema and are dropped.
"""

import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_FRAME_BYTES = 16 * 1024
MAX_QUESTION_CHARS = 1000
MAX_NICKNAME_CHARS = 40
MAX_ANSWER_CHARS = 5000
MAX_REASON_CHARS = 500
MAX_ANNOUNCEMENT_CHARS = 2000
# The largest id or seq a client may name: the largest integer JavaScript holds exactly.
# Far above any real seq or id, and small enough for every database and for islice.
MAX_NUMBER = 2**53 - 1
# A number with more digits than this is refused before it is converted (a 4,000-digit
# number costs real CPU to convert, and Python refuses longer ones with a ValueError).
MAX_NUMBER_DIGITS = len(str(MAX_NUMBER))


class ErrorCode(StrEnum):
    """Every `code` an `error` frame carries (docs/protocol.md lists them, with what each
    means); stable: clients act on them."""

    BAD_FRAME = "bad_frame"
    UNKNOWN_TYPE = "unknown_type"
    TOO_LONG = "too_long"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    EVENT_NOT_OPEN = "event_not_open"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    MUTED = "muted"
    UNMASKED_DETAILS = "unmasked_details"
    SIGNED_OUT = "signed_out"
    # Asked to talk privately when no crisis worker is on duty (support/).
    NO_CRISIS_WORKER = "no_crisis_worker"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


class FrameError(Exception):
    """A client frame the server refuses; `code` is stable, `message` is for people."""

    def __init__(self, code: ErrorCode, message: str, *, client_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_id = client_id


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    max_chars: int | None = None
    nullable: bool = False


_ID = Field(int)
SCHEMA: dict[str, dict[str, Field]] = {
    "ask": {
        "client_id": Field(str, max_chars=36),
        "body": Field(str, max_chars=MAX_QUESTION_CHARS),
        "nickname": Field(str, required=False, max_chars=MAX_NICKNAME_CHARS, nullable=True),
        "anonymous": Field(bool, required=False, nullable=True),
        "to": Field(dict, required=False, nullable=True),
    },
    "resume": {"after": Field(int)},
    "approve": {
        "question_id": _ID,
        "body": Field(str, required=False, max_chars=MAX_QUESTION_CHARS, nullable=True),
        # Required (true) to publish text in which personal details were found, unmasked.
        "publish_unmasked": Field(bool, required=False, nullable=True),
    },
    "reject": {"question_id": _ID, "reason": Field(str, max_chars=MAX_REASON_CHARS)},
    "answer": {
        "question_id": _ID,
        "body": Field(str, max_chars=MAX_ANSWER_CHARS),
        # The panellist's Easy Read version of the answer (optional).
        "easy_read_body": Field(str, required=False, max_chars=MAX_ANSWER_CHARS, nullable=True),
    },
    "mark_answered": {
        "question_id": _ID,
        "note": Field(str, required=False, max_chars=MAX_REASON_CHARS, nullable=True),
    },
    "announce": {"body": Field(str, max_chars=MAX_ANNOUNCEMENT_CHARS)},
    "pin": {"seq": Field(int, nullable=True)},
    "mute": {"participant_id": _ID},
    # A moderator sends a question to {"agency": slug} or {"panellist": id}; null clears it.
    "route": {"question_id": _ID, "to": Field(dict, nullable=True)},
    "me_too": {"question_id": _ID},
}
TO_FIELDS = {"agency": str, "panellist": int}


def register_frames(schemas: dict[str, dict[str, Field]]) -> None:
    """Frames another app adds to the one schema (the private lane, support/), from its
    AppConfig.ready: each needs a handler (chat/consumers/handlers.py) and a line in
    docs/protocol.md, as the chat's own do."""
    for frame_type, schema in schemas.items():
        if SCHEMA.get(frame_type, schema) != schema:
            raise ValueError(f"frame {frame_type!r} is already registered")
        SCHEMA[frame_type] = schema


@dataclass(frozen=True)
class ClientFrame:
    type: str
    fields: dict[str, Any]
    # Echoed in an error frame refusing this one, whatever its type (docs/protocol.md).
    client_id: str | None = None


def _check_field(name: str, spec: Field, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” must not be empty.")
    # bool is an int in Python; an id or seq of `true` is not acceptable.
    if isinstance(value, bool) and spec.kind is not bool:
        raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” has the wrong type.")
    if not isinstance(value, spec.kind):
        raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” has the wrong type.")
    if isinstance(value, str):
        if spec.max_chars is not None and len(value) > spec.max_chars:
            raise FrameError(
                ErrorCode.TOO_LONG, f"“{name}” is too long: at most {spec.max_chars} characters."
            )
        _check_storable(name, value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” must not be negative.")
        if value > MAX_NUMBER:
            raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” is out of range.")
    return value


def _bounded_int(digits: str) -> int:
    """json.loads' integers: no longer than MAX_NUMBER_DIGITS (a sign aside)."""
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise FrameError(ErrorCode.BAD_FRAME, "A number in the frame is out of range.")
    return int(digits)


def parse_seq(text: str) -> int:
    """A seq a client names outside a frame (the URL's `?after=`): digits only, at most
    MAX_NUMBER. Refused with FrameError (`bad_frame`) otherwise."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_NUMBER_DIGITS:
        raise FrameError(ErrorCode.BAD_FRAME, "“after” must be a whole number (a seq).")
    value = int(text)
    if value > MAX_NUMBER:
        raise FrameError(ErrorCode.BAD_FRAME, "“after” is out of range.")
    return value


def _check_storable(name: str, value: str) -> None:
    """Text the database cannot store is refused here, not by a failed write: a null
    character, or half of a UTF-16 surrogate pair (JSON's "\\ud800" decodes to one)."""
    if "\x00" in value:
        raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” contains a null character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as invalid:
        raise FrameError(
            ErrorCode.BAD_FRAME, f"“{name}” contains characters that are not text."
        ) from invalid


def _check_to(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) != 1:
        raise FrameError(ErrorCode.BAD_FRAME, "“to” names one agency or one panellist.")
    key, target = next(iter(value.items()))
    expected = TO_FIELDS.get(key)
    if expected is None or isinstance(target, bool) or not isinstance(target, expected):
        raise FrameError(ErrorCode.BAD_FRAME, "“to” names one agency (slug) or one panellist (id).")
    if isinstance(target, int) and not 0 <= target <= MAX_NUMBER:
        raise FrameError(ErrorCode.BAD_FRAME, "“to” names no such panellist.")
    if isinstance(target, str):
        if len(target) > 80:
            raise FrameError(ErrorCode.TOO_LONG, "“to” is too long.")
        _check_storable("to", target)
    return {key: target}


def parse_frame(text: str | None, data: bytes | None = None) -> ClientFrame:
    if text is None:
        raise FrameError(ErrorCode.BAD_FRAME, "Frames must be JSON text, not binary.")
    if len(text) > MAX_FRAME_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError(ErrorCode.TOO_LONG, f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
    try:
        raw = json.loads(text, parse_int=_bounded_int)
    except (ValueError, RecursionError) as invalid:
        raise FrameError(ErrorCode.BAD_FRAME, "That was not valid JSON.") from invalid
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise FrameError(ErrorCode.BAD_FRAME, "A frame is a JSON object with a “type”.")
    frame_type = raw["type"]
    schema = SCHEMA.get(frame_type)
    client_id = raw.get("client_id") if isinstance(raw.get("client_id"), str) else None
    if schema is None:
        raise FrameError(ErrorCode.UNKNOWN_TYPE, "Unknown frame type.")
    fields: dict[str, Any] = {}
    try:
        for name, spec in schema.items():
            if name not in raw:
                if spec.required:
                    raise FrameError(ErrorCode.BAD_FRAME, f"“{name}” is missing.")
                continue
            fields[name] = _check_field(name, spec, raw[name])
        if fields.get("to") is not None:
            fields["to"] = _check_to(fields["to"])
        if "client_id" in fields:
            try:
                fields["client_id"] = str(uuid.UUID(fields["client_id"]))
            except ValueError as invalid:
                raise FrameError(ErrorCode.BAD_FRAME, "“client_id” must be a UUID.") from invalid
    except FrameError as error:
        error.client_id = client_id[:36] if client_id else None
        raise
    return ClientFrame(
        type=frame_type,
        fields=fields,
        client_id=fields.get("client_id") or (client_id[:36] if client_id else None),
    )


def __getattr__(name: str) -> frozenset[str]:
    """PRIVILEGED_FRAMES: the frames only a signed-in member of staff may send, the staff
    actions of chat.actions, whose every call checks first that the sender's session still
    exists. Read from the registry when asked for: the registry needs the services, and this
    module needs nothing."""
    if name == "PRIVILEGED_FRAMES":
        from chat.actions import privileged_frames

        return privileged_frames()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class FrameBudget:
    """A token bucket for one connection's inbound frames: `burst` at once, refilled at
    `rate` a second. `exhausted` once `strikes` frames in a row have been refused."""

    __slots__ = ("burst", "rate", "refused", "stamp", "strikes", "tokens")

    def __init__(self, *, rate: float, burst: int, strikes: int) -> None:
        self.rate = rate
        self.burst = burst
        self.strikes = strikes
        self.tokens = float(burst)
        self.stamp: float | None = None
        self.refused = 0

    def take(self, now: float) -> bool:
        if self.stamp is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return True
        self.refused += 1
        return False

    @property
    def exhausted(self) -> bool:
        return self.refused >= self.strikes
