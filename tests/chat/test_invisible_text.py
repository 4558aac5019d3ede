"""What the public types is stored as a person reads it: invisible controls that could hide a
detail from the checks, or reorder what a moderator sees, are removed before anything runs."""

import uuid

from chat import services
from chat.models import Question
from tests.live import LiveEvent


def test_a_question_with_a_phone_number_in_bidi_overrides_is_stored_plain_and_flagged(
    live: LiveEvent,
) -> None:
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )

    services.question_ask(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body="Please ring me on \u202e07700 900123\u202c after six",
        nickname="K\u200bim\u202e",
    )

    question = Question.objects.get(event=live.event)
    assert question.body == "Please ring me on 07700 900123 after six"
    assert question.nickname == "Kim"
    assert [finding["kind"] for finding in question.findings] == ["phone"]
