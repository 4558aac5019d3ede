"""`question_transition`: the one place a question's state changes."""

from typing import Any

import pytest
from django.db import transaction

from chat import services
from chat.enums import QuestionState
from chat.models import Question
from chat.services import ChatError, question_transition
from realtime import broadcast
from tests.live import LiveEvent, guest_asks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every private frame, as sent after commit."""
    frames: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        broadcast, "send_now", lambda group, message, public=False: frames.append((group, message))
    )
    return frames


def test_a_move_records_who_and_tells_moderators_and_the_asker_after_commit(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    question_id = guest_asks(live, "When is the next webchat?").question["question_id"]
    sent.clear()
    with transaction.atomic():
        question = services.lock_question(question_id, live.event.pk)
        assert question_transition(
            question,
            QuestionState.REJECTED,
            actor=live.moderator,
            changes={"rejection_reason": "We can't answer that here."},
        )
        assert sent == []  # nothing leaves before the commit

    question.refresh_from_db()
    assert (question.state, question.moderated_by, question.rejection_reason) == (
        "rejected",
        live.moderator,
        "We can't answer that here.",
    )
    assert question.moderated_at is not None
    groups = [group for group, _ in sent]
    assert groups == [f"event.{live.event.pk}.moderation", f"participant.{question.participant_id}"]
    assert sent[0][1]["frame"] == {
        "type": "queue_remove",
        "question_id": question_id,
        "ref": f"W-{question_id}",
        "number": None,
        "state": "rejected",
    }
    assert sent[1][1]["frame"]["state"] == "rejected"


def test_the_same_state_again_changes_nothing_and_a_forbidden_move_is_a_conflict(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    question_id = guest_asks(live, "Can I report online?").question["question_id"]
    services.question_reject(question_id=question_id, actor_id=live.moderator.pk, reason="No.")
    sent.clear()

    with transaction.atomic():
        question = services.lock_question(question_id, live.event.pk)
        assert question_transition(question, QuestionState.REJECTED, actor=live.moderator) is False
        with pytest.raises(ChatError) as refused:
            question_transition(question, QuestionState.PUBLISHED, actor=live.moderator)

    assert refused.value.code == "conflict"
    assert Question.objects.get(pk=question_id).state == "rejected"
    assert sent == []
