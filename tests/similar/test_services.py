"""Similar questions: grouped as they arrive, published together, each asker told privately
(never of another asker), and the public told how many asked."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as archive_services
from chat import services as chat_services
from chat.enums import QuestionState
from chat.models import FeedItem
from chat.protocol import ErrorCode
from chat.services import ChatError
from events import services as event_services
from realtime import broadcast
from similar import selectors, services
from similar.models import Resemblance, ResemblanceState
from tests.live import LiveEvent, asked_question

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "How do I report a hate crime online?"
SAME = "Where can I report a hate crime on the internet?"
SAME_AGAIN = "How do I report hate crime online"
OTHER = "What counts as a hate crime?"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every frame, as sent after commit: (group, frame)."""
    frames: list[tuple[str, dict[str, Any]]] = []

    def send_now(group: str, message: dict[str, Any], public: bool = False) -> None:
        frames.append((group, message.get("frame", message)))

    monkeypatch.setattr(broadcast, "send_now", send_now)
    return frames


def moderation(live: LiveEvent) -> str:
    return f"event.{live.event.pk}.moderation"


def of_type(sent: list[tuple[str, dict[str, Any]]], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(group, frame) for group, frame in sent if frame.get("type") == kind]


def test_a_paraphrase_is_grouped_under_the_earlier_question_and_moderators_hear_it(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)

    resemblance = Resemblance.objects.get(question=same)
    assert (resemblance.lead_id, resemblance.state) == (first.pk, ResemblanceState.SUGGESTED)
    assert resemblance.probability > 0.78
    assert not Resemblance.objects.filter(question=first).exists()
    assert of_type(sent, "similar_found") == [
        (
            moderation(live),
            {
                "type": "similar_found",
                "question_id": same.pk,
                "ref": f"W-{same.pk}",
                "lead": {
                    "question_id": first.pk,
                    "ref": f"W-{first.pk}",
                    "number": None,
                    "state": "pending",
                    "asked_by": 1,
                },
            },
        )
    ]


def test_the_same_subject_asking_something_else_is_not_grouped(live: LiveEvent) -> None:
    asked_question(live, FIRST)
    other = asked_question(live, OTHER)

    assert not Resemblance.objects.filter(question=other).exists()


def test_the_same_words_to_another_agency_are_not_grouped(live: LiveEvent) -> None:
    asked_question(live, FIRST)
    to_mencap = asked_question(live, FIRST, to={"agency": "mencap"})

    assert not Resemblance.objects.filter(question=to_mencap).exists()


def test_a_question_is_grouped_under_the_group_s_first_question_not_a_member(
    live: LiveEvent,
) -> None:
    first = asked_question(live, FIRST)
    asked_question(live, SAME)
    third = asked_question(live, SAME_AGAIN)

    assert Resemblance.objects.get(question=third).lead_id == first.pk
    (lead, members), *others = selectors.waiting_groups(event_id=live.event.pk)
    assert lead.pk == first.pk and len(members) == 2 and others == []


def test_grouping_twice_changes_nothing(live: LiveEvent) -> None:
    asked_question(live, FIRST)
    same = asked_question(live, SAME)
    first_time = Resemblance.objects.get(question=same)

    again = services.question_group(question_id=same.pk)

    assert again is not None and again.pk == first_time.pk
    assert Resemblance.objects.count() == 1


def test_publish_with_similar_attaches_the_group_and_tells_each_asker_alone(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST, nickname="Ann")
    same = asked_question(live, SAME, nickname="Bea")
    again = asked_question(live, SAME_AGAIN, nickname="Cal")
    sent.clear()

    attached = services.similar_publish(
        event_id=live.event.pk, actor_id=live.moderator.pk, question_id=first.pk
    )

    assert attached == 2
    first.refresh_from_db()
    assert (first.state, first.number, first.askers_count) == ("published", 1, 3)
    item = FeedItem.objects.get(question=first)
    assert item.payload["asked_by"] == 3
    for member in (same, again):
        member.refresh_from_db()
        assert (member.state, member.published_with_id) == ("merged", first.pk)
        assert member.moderated_by == live.moderator
        assert Resemblance.objects.get(question=member).state == ResemblanceState.ATTACHED
    # Moderators hear each leave the queue; each attached asker hears of their own only.
    removed = [frame for group, frame in of_type(sent, "queue_remove")]
    assert [(f["question_id"], f["state"]) for f in removed] == [
        (first.pk, "published"),
        (same.pk, "merged"),
        (again.pk, "merged"),
    ]
    for member, words in ((same, SAME), (again, SAME_AGAIN)):
        (group, own), *more = [
            (group, frame)
            for group, frame in of_type(sent, "own_question")
            if frame["question_id"] == member.pk
        ]
        assert more == []
        assert group == f"participant.{member.participant_id}"
        assert own["state"] == "merged"
        assert own["body"] == words
        assert own["published_with"] == {"number": 1, "state": "published", "asked_by": 3}
        assert own["reason"] == (
            "A moderator published a question that asks the same as yours, as question 1: "
            "you and 2 other people asked it. You will be told here when it is answered."
        )
    # Nothing of one asker reaches another, nor the public: no nickname, no other's words.
    for group, frame in sent:
        text = json.dumps(frame)
        assert "Bea" not in text and "Cal" not in text and "Ann" not in text
        if group.startswith("participant."):
            assert frame["question_id"] in {
                question.pk
                for question in (first, same, again)
                if group == f"participant.{question.participant_id}"
            }


def test_an_answer_tells_every_attached_asker(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)
    services.similar_publish(
        event_id=live.event.pk, actor_id=live.moderator.pk, question_id=first.pk
    )
    sent.clear()

    chat_services.question_answer(
        question_id=first.pk, actor_id=live.panellist_user.pk, body="Use True Vision or call 101."
    )

    own = [
        (group, frame)
        for group, frame in of_type(sent, "own_question")
        if frame["question_id"] == same.pk
    ]
    assert len(own) == 1
    group, frame = own[0]
    assert group == f"participant.{same.participant_id}"
    assert frame["published_with"] == {"number": 1, "state": "answered", "asked_by": 2}
    assert frame["reason"].endswith("It has been answered: see question 1 on this page.")
    # The first asker hears of their own question, as always.
    assert [
        frame["state"]
        for group, frame in of_type(sent, "own_question")
        if frame["question_id"] == first.pk
    ] == ["answered"]


def test_attaching_to_a_published_question_raises_its_public_count(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST)
    chat_services.question_approve(question_id=first.pk, actor_id=live.moderator.pk)
    late = asked_question(live, SAME)
    assert Resemblance.objects.get(question=late).lead_id == first.pk
    sent.clear()

    assert services.similar_attach(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        question_id=late.pk,
        to_question_id=first.pk,
    )

    first.refresh_from_db()
    assert first.askers_count == 2
    assert FeedItem.objects.get(question=first).payload["asked_by"] == 2
    public = [frame for group, frame in sent if group == f"event.{live.event.pk}.public"]
    assert public == [{"type": "asked_by", "question_id": first.pk, "number": 1, "count": 2}]
    # Once only.
    assert not services.similar_attach(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        question_id=late.pk,
        to_question_id=first.pk,
    )


def test_attaching_to_a_question_not_yet_published_is_refused(live: LiveEvent) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)

    with pytest.raises(ChatError) as refused:
        services.similar_attach(
            event_id=live.event.pk,
            actor_id=live.moderator.pk,
            question_id=same.pk,
            to_question_id=first.pk,
        )

    assert refused.value.code == ErrorCode.CONFLICT
    assert (
        refused.value.message
        == f"Publish W-{first.pk} first: a question is attached to a published one."
    )
    same.refresh_from_db()
    assert same.state == QuestionState.PENDING


def test_detach_leaves_the_question_waiting_on_its_own(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)
    sent.clear()

    assert services.similar_detach(
        event_id=live.event.pk, actor_id=live.moderator.pk, question_id=same.pk
    )

    resemblance = Resemblance.objects.get(question=same)
    assert (resemblance.state, resemblance.decided_by) == ("detached", live.moderator)
    assert of_type(sent, "similar_detached") == [
        (
            moderation(live),
            {
                "type": "similar_detached",
                "question_id": same.pk,
                "ref": f"W-{same.pk}",
                "lead_id": first.pk,
            },
        )
    ]
    assert selectors.waiting_groups(event_id=live.event.pk) == []
    # Publishing the first now attaches nothing; the detached one is not grouped again.
    assert (
        services.similar_publish(
            event_id=live.event.pk, actor_id=live.moderator.pk, question_id=first.pk
        )
        == 0
    )
    services.question_group(question_id=same.pk)
    same.refresh_from_db()
    assert same.state == QuestionState.PENDING
    assert not services.similar_detach(
        event_id=live.event.pk, actor_id=live.moderator.pk, question_id=same.pk
    )


def test_a_declined_lead_lets_its_group_wait_on_its_own(
    live: LiveEvent, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)
    sent.clear()

    chat_services.question_reject(
        question_id=first.pk, actor_id=live.moderator.pk, reason="Asked already"
    )

    assert not Resemblance.objects.filter(question=same).exists()
    assert [frame["question_id"] for _, frame in of_type(sent, "similar_detached")] == [same.pk]


def test_only_the_event_s_moderators_may_publish_attach_or_detach(live: LiveEvent) -> None:
    first = asked_question(live, FIRST)
    asked_question(live, SAME)

    with pytest.raises(ChatError) as refused:
        services.similar_publish(
            event_id=live.event.pk, actor_id=live.panellist_user.pk, question_id=first.pk
        )

    assert refused.value.code == ErrorCode.NOT_ALLOWED
    first.refresh_from_db()
    assert (first.state, first.askers_count) == ("pending", 1)


def test_details_still_in_the_lead_refuse_the_whole_publication(live: LiveEvent) -> None:
    first = asked_question(live, "How do I report a hate crime online? Call me on 07700 900123")
    same = asked_question(live, "Where can I report a hate crime on the internet? 07700 900123")
    Resemblance.objects.get_or_create(
        question=same, defaults={"event": live.event, "lead": first, "probability": 0.9}
    )

    with pytest.raises(ChatError) as refused:
        services.similar_publish(
            event_id=live.event.pk, actor_id=live.moderator.pk, question_id=first.pk
        )

    assert refused.value.code == ErrorCode.UNMASKED_DETAILS
    first.refresh_from_db()
    same.refresh_from_db()
    assert (first.state, first.askers_count, same.state) == ("pending", 1, "pending")


def test_the_live_page_transcript_and_downloads_say_how_many_asked(
    live: LiveEvent, client: Client
) -> None:
    first = asked_question(live, FIRST)
    asked_question(live, SAME)
    asked_question(live, SAME_AGAIN)
    services.similar_publish(
        event_id=live.event.pk, actor_id=live.moderator.pk, question_id=first.pk
    )

    page = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()
    assert (
        'from a member of the public<span class="app-asked-by">. Asked by 3 people</span>' in page
    )

    event_services.event_close(event_id=live.event.pk)
    archive_services.transcript_archive(event_id=live.event.pk)
    transcript = client.get(reverse("archive:transcript", args=[live.event.slug]))
    assert "Asked by 3 people" in transcript.content.decode()
    csv = client.get(reverse("archive:transcript_csv", args=[live.event.slug])).content.decode()
    header, row = csv.splitlines()[:2]
    assert header.endswith(",asked_by,me_too")
    assert row.endswith(",3,0")
    text = client.get(reverse("archive:transcript_text", args=[live.event.slug])).content.decode()
    assert "Question 1 (asked by 3 people) from Member of the public:" in text


def test_the_queue_s_groups_are_read_in_one_query(
    live: LiveEvent, django_assert_num_queries: Any
) -> None:
    for _ in range(2):
        asked_question(live, FIRST)
        asked_question(live, SAME)
        asked_question(live, SAME_AGAIN)

    with django_assert_num_queries(1):
        groups = selectors.waiting_groups(event_id=live.event.pk)
        assert [len(members) for _, members in groups] == [5]
        assert all(member.staff_ref for _, members in groups for member in members)


def test_an_attached_askers_message_is_in_the_language_they_read() -> None:
    from django.utils import translation

    from chat.payloads import merged_message

    waiting = {"number": 4, "state": "published", "asked_by": 2}
    answered = {"number": 4, "state": "answered", "asked_by": 5}
    with translation.override("cy"):
        assert merged_message(waiting) == (
            "Cyhoeddodd cymedrolwr gwestiwn sy'n gofyn yr un peth â'ch un chi, fel cwestiwn 4: "
            "gofynnwyd hyn gennych chi a 1 person arall. "
            "Byddwch yn cael gwybod yma pan fydd wedi cael ei ateb."
        )
        assert merged_message(answered) == (
            "Cyhoeddodd cymedrolwr gwestiwn sy'n gofyn yr un peth â'ch un chi, fel cwestiwn 4: "
            "gofynnwyd hyn gennych chi a 4 o bobl eraill. "
            "Mae wedi cael ei ateb: gweler cwestiwn 4 ar y dudalen hon."
        )
    assert merged_message(waiting) == (
        "A moderator published a question that asks the same as yours, as question 4: "
        "you and 1 other person asked it. You will be told here when it is answered."
    )
    assert merged_message({"number": 4, "state": "published", "asked_by": 1}) == (
        "A moderator published a question that asks the same as yours, as question 4. "
        "You will be told here when it is answered."
    )
