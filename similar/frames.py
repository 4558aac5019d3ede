"""The frames similar questions send, to the event's moderators only (docs/protocol.md,
"Similar questions"). The asker of an attached question hears chat's `own_question`; the
public hears chat's `asked_by`."""

from typing import Any

from chat.models import Question, staff_ref


def _lead(lead: Question) -> dict[str, Any]:
    return {
        "question_id": lead.pk,
        "ref": lead.staff_ref,
        "number": lead.number,
        "state": lead.state,
        "asked_by": lead.askers_count,
    }


def found(*, question: Question, lead: Question) -> dict[str, Any]:
    """A waiting question asks what `lead` (waiting or published) asks: the console shows
    it under its lead."""
    return {
        "type": "similar_found",
        "question_id": question.pk,
        "ref": question.staff_ref,
        "lead": _lead(lead),
    }


def detached(*, question_id: int, lead_id: int) -> dict[str, Any]:
    """The question no longer belongs to that lead's group (a moderator said so, or the
    lead left the queue without being published): it waits on its own."""
    return {
        "type": "similar_detached",
        "question_id": question_id,
        "ref": staff_ref(question_id),
        "lead_id": lead_id,
    }


def groups(found_groups: list[tuple[Question, list[Question]]]) -> dict[str, Any]:
    """Every group with a question still waiting, as a moderator's console joins."""
    return {
        "type": "similar_groups",
        "groups": [
            {
                "lead": _lead(lead),
                "members": [{"question_id": m.pk, "ref": m.staff_ref} for m in members],
            }
            for lead, members in found_groups
        ],
    }
