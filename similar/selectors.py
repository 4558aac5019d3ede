"""Reads for similar questions: the groups in the moderators' queue."""

from typing import Any

from chat.enums import QuestionState
from chat.models import Question
from similar.models import Resemblance, ResemblanceState

LEAD_STATES = (QuestionState.PENDING, QuestionState.PUBLISHED, QuestionState.ANSWERED)


def waiting_groups(*, event_id: int) -> list[tuple[Question, list[Question]]]:
    """Each lead (waiting or published) with the questions grouped under it that still
    wait, oldest lead first: one query."""
    found = (
        Resemblance.objects.filter(
            event_id=event_id,
            state=ResemblanceState.SUGGESTED,
            question__state=QuestionState.PENDING,
            lead__state__in=LEAD_STATES,
        )
        .select_related("question", "lead")
        .order_by("lead__asked_at", "lead_id", "question__asked_at", "question_id")
    )
    groups: dict[int, tuple[Question, list[Question]]] = {}
    for resemblance in found:
        _, members = groups.setdefault(resemblance.lead_id, (resemblance.lead, []))
        members.append(resemblance.question)
    return list(groups.values())


def queue_notes(*, event_id: int) -> dict[int, dict[str, Any]]:
    """What the moderators' queue says of each grouped question, by question id: a lead's
    waiting group, or the lead a waiting question is grouped under."""
    notes: dict[int, dict[str, Any]] = {}
    for lead, members in waiting_groups(event_id=event_id):
        notes[lead.pk] = {"lead": lead, "members": members}
        for member in members:
            notes[member.pk] = {"lead": lead, "member": member}
    return notes
