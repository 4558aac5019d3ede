"""Every frame the staff room sends (docs/protocol.md, "The staff room"). Sent only to the
event's staff group (realtime.groups.staffroom_group) or to a staff connection itself."""

from typing import Any

from chat.payloads import iso_utc
from staffroom import references
from staffroom.models import StaffMessage


def message(message: StaffMessage, links: dict[str, references.QuestionLink]) -> dict[str, Any]:
    return {
        "type": "staff_message",
        "seq": message.seq,
        "from": {"name": message.author_name, "roles": message.author_roles},
        "body": message.body,
        # The body cut into text and references to questions, each with its links.
        "parts": references.parts(message.body, links),
        "sent_at": iso_utc(message.sent_at),
        "client_id": str(message.client_id),
    }


def messages(event_id: int, slug: str, found: list[StaffMessage]) -> list[dict[str, Any]]:
    links = references.resolve(event_id=event_id, slug=slug, bodies=[item.body for item in found])
    return [message(item, links) for item in found]


def ack(*, client_id: str, seq: int) -> dict[str, Any]:
    return {"type": "staff_ack", "client_id": client_id, "seq": seq}


def synced(*, last_seq: int, more: bool) -> dict[str, Any]:
    return {"type": "staff_synced", "last_seq": last_seq, "more": more}
