"""A question is stored once per event and client id, whoever sends it again: the embed in a
third-party frame has no cookies, so its retry arrives as a new guest (docs/protocol.md)."""

import uuid

from chat import services
from chat.models import Question
from tests.live import LiveEvent, db


def test_a_retry_from_another_guest_with_the_same_client_id_is_stored_once(
    live: LiveEvent,
) -> None:
    client_id = str(uuid.uuid4())
    outcomes = []
    for _ in range(2):  # each retry without cookies is a new guest
        participant = services.participant_for(
            event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
        )
        outcomes.append(
            services.question_ask(
                event_id=live.event.pk,
                participant_id=participant.pk,
                client_id=client_id,
                body="Can I report for my brother?",
            )
        )

    assert [outcome.created for outcome in outcomes] == [True, False]
    assert outcomes[1].question == outcomes[0].question
    assert Question.objects.filter(event=live.event).count() == 1


async def test_a_cookieless_socket_retrying_its_question_is_acknowledged_once_stored_once(
    live: LiveEvent, connect
) -> None:
    ask = {
        "type": "ask",
        "client_id": str(uuid.uuid4()),
        "body": "What happens after I report?",
    }
    acks = []
    for _ in range(3):  # the connection drops before the ack is read, three times
        socket = await connect(live.event.slug)
        await socket.send(ask)
        acks.append(await socket.until_type("ack"))
        await socket.close()

    assert len({ack["question_id"] for ack in acks}) == 1
    assert await db(Question.objects.filter(event=live.event).count)() == 1
