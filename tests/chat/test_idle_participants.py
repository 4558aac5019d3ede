"""Bounded growth: a participant with no stored question is deleted once the event ends."""

import uuid
from datetime import timedelta

from chat import services
from chat.models import Participant
from chat.retention import personal_data_purge
from tests.live import LiveEvent


def test_participants_without_questions_go_once_the_event_ends_and_askers_stay(
    live: LiveEvent,
) -> None:
    idle = services.participant_for(event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4())
    asker = services.participant_for(event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4())
    services.question_ask(
        event_id=live.event.pk,
        participant_id=asker.pk,
        client_id=str(uuid.uuid4()),
        body="What is a hate incident?",
    )

    personal_data_purge(now=live.event.ends_at - timedelta(minutes=1))
    assert set(Participant.objects.values_list("pk", flat=True)) == {idle.pk, asker.pk}

    report = personal_data_purge(now=live.event.ends_at + timedelta(minutes=1))
    assert set(Participant.objects.values_list("pk", flat=True)) == {asker.pk}
    assert report.participants_deleted == 1
