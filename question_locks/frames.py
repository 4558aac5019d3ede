"""The frames the event's moderators hear about questions open on a colleague's console
(docs/protocol.md, "Questions open on a console")."""

from typing import Any


def taken(*, question_id: int, holder_id: int, holder_name: str, seconds: int) -> dict[str, Any]:
    return {
        "type": "queue_taken",
        "question_id": question_id,
        "by_user_id": holder_id,
        "by": holder_name,
        # Relative, so a console whose clock is wrong still lets it go on time.
        "seconds": seconds,
    }


def released(*, question_id: int) -> dict[str, Any]:
    return {"type": "queue_released", "question_id": question_id}
