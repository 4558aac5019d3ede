"""The live page and consoles through the Django test client: they work without JavaScript."""

import csv
import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as transcripts
from chat import services
from chat.enums import AnswerMode, QuestionState
from chat.guests import GUEST_COOKIE_NAME
from chat.models import FeedItem, Question
from events import services as event_services
from events.models import PanelSeat
from tests.factories import UserFactory
from tests.live import LiveEvent, make_live_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


def _ask_form(**overrides: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "body": "Can I report hate crime for someone else?",
        "nickname": "Kim",
        "to": "",
        **overrides,
    }


def _publish(live: LiveEvent, body: str) -> Question:
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    outcome = services.question_ask(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
    )
    question = Question.objects.get(pk=outcome.question["question_id"])
    services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    return question


def test_live_page_shows_published_items_without_javascript(
    client: Client, live: LiveEvent
) -> None:
    question = _publish(live, "Is there help for people with a learning disability?")
    services.question_answer(
        question_id=question.pk, actor_id=live.panellist_user.pk, body="Yes: call us."
    )
    pending = _ask_form(body="A question still waiting")
    client.post(reverse("chat:ask", args=[live.event.slug]), pending)

    page = client.get(reverse("chat:live", args=[live.event.slug]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="item-1"' in html and 'id="item-2"' in html
    assert "Is there help for people with a learning disability?" in html
    assert "Answer</strong> from Jo Davies, Campaigns and Policy Officer, Mencap" in html
    assert 'data-last-seq="2"' in html
    # The asker sees their own waiting question; it is not in the public feed.
    assert html.count("A question still waiting") == 1
    assert "Waiting for a moderator" in html


def test_live_page_shows_each_answer_beneath_its_question_numbered_as_on_the_transcript(
    client: Client, live: LiveEvent
) -> None:
    first = _publish(live, "Can I report online?")
    _publish(live, "What happens at court?")
    services.announcement_post(event_id=live.event.pk, actor_id=live.moderator.pk, body="Hello")
    services.question_answer(
        question_id=first.pk, actor_id=live.panellist_user.pk, body="Yes, with True Vision."
    )
    services.question_answer(
        question_id=first.pk,
        actor_id=live.panellist_user.pk,
        body="",
        mode=AnswerMode.ELSEWHERE,
    )

    page = client.get(reverse("chat:live", args=[live.event.slug]))

    # seq: 1 and 2 questions, 3 the announcement, 4 and 5 answers to question 1.
    assert [item["seq"] for item in page.context["feed"]] == [1, 4, 5, 2, 3]
    html = page.content.decode()
    assert "<strong>Question 1</strong> from a member of the public" in html
    assert 'Link to this question<span class="govuk-visually-hidden"> (question 1)</span>' in html
    # A text webchat has no "verbally": the panellist's note says another reply covers it.
    assert "<strong>Answered in another reply</strong>: a note from Jo Davies" in html
    assert services.DEFAULT_ELSEWHERE_NOTE in html
    assert "verbally" not in html


def test_ask_by_form_post_stores_a_pending_question_once(client: Client, live: LiveEvent) -> None:
    form = _ask_form()

    first = client.post(reverse("chat:ask", args=[live.event.slug]), form)
    client.post(reverse("chat:ask", args=[live.event.slug]), form)

    assert first.status_code == 302
    question = Question.objects.get()
    assert (question.body, question.nickname, question.state) == (
        "Can I report hate crime for someone else?",
        "Kim",
        QuestionState.PENDING,
    )


def test_refused_question_is_shown_again_with_the_reason(client: Client, live: LiveEvent) -> None:
    event_services.event_close(event_id=live.event.pk)

    response = client.post(
        reverse("chat:ask", args=[live.event.slug]), _ask_form(body="My unsent words")
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "This webchat has finished: questions are closed." in html
    assert ">My unsent words</textarea>" in html
    assert not Question.objects.exists()


def test_empty_question_is_refused_by_the_form_with_a_clear_message(
    client: Client, live: LiveEvent
) -> None:
    response = client.post(reverse("chat:ask", args=[live.event.slug]), _ask_form(body=""))

    assert response.status_code == 400
    assert "Please write your question before sending it." in response.content.decode()


def test_closed_event_live_page_is_read_only(client: Client, live: LiveEvent) -> None:
    _publish(live, "Published before the end")
    event_services.event_close(event_id=live.event.pk)

    html = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert "This webchat has finished" in html
    assert 'id="ask-button" data-module="govuk-button" disabled' in html
    assert "Published before the end" in html


def test_question_text_is_escaped_on_the_live_page(client: Client, live: LiveEvent) -> None:
    _publish(live, '<script>alert("x")</script>')

    html = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_moderator_console_lists_the_queue_and_works_by_form(
    client: Client, live: LiveEvent
) -> None:
    asker = Client()
    asker.post(reverse("chat:ask", args=[live.event.slug]), _ask_form(body="Publish me"))
    asker.post(reverse("chat:ask", args=[live.event.slug]), _ask_form(body="Decline me"))
    publish_me, decline_me = Question.objects.order_by("pk")
    client.force_login(live.moderator)

    console = client.get(reverse("chat:moderate", args=[live.event.slug]))
    client.post(
        reverse("chat:approve", args=[live.event.slug, publish_me.pk]),
        {"body": "Publish me, edited"},
    )
    client.post(
        reverse("chat:reject", args=[live.event.slug, decline_me.pk]), {"reason": "Off topic"}
    )

    assert [row.question["body"] for row in console.context["queue"]] == [
        "Publish me",
        "Decline me",
    ]
    publish_me.refresh_from_db()
    decline_me.refresh_from_db()
    assert (publish_me.state, publish_me.published_body) == ("published", "Publish me, edited")
    assert (decline_me.state, decline_me.rejection_reason) == ("rejected", "Off topic")
    assert (
        asker.get(reverse("chat:live", args=[live.event.slug])).content.decode().count("Off topic")
        == 1
    )
    assert (
        "Off topic"
        not in Client().get(reverse("chat:live", args=[live.event.slug])).content.decode()
    )


def test_consoles_are_only_for_that_events_moderators_and_panellists(
    client: Client, live: LiveEvent
) -> None:
    other = make_live_event("other-chat")
    moderate = reverse("chat:moderate", args=[live.event.slug])
    panel = reverse("chat:panel", args=[live.event.slug])

    assert client.get(moderate).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(moderate).status_code == 403
    client.force_login(other.moderator)
    assert client.get(moderate).status_code == 403
    assert client.get(panel).status_code == 403
    client.force_login(live.moderator)
    assert client.get(moderate).status_code == 200
    assert client.get(panel).status_code == 403
    client.force_login(live.panellist_user)
    assert client.get(panel).status_code == 200


def test_moderator_of_another_event_cannot_act_here_by_form(
    client: Client, live: LiveEvent
) -> None:
    other = make_live_event("other-chat")
    Client().post(reverse("chat:ask", args=[live.event.slug]), _ask_form())
    question = Question.objects.get()
    client.force_login(other.moderator)

    client.post(reverse("chat:approve", args=[live.event.slug, question.pk]), {"body": ""})

    question.refresh_from_db()
    assert question.state == QuestionState.PENDING
    assert not FeedItem.objects.exists()


def test_panellist_console_marks_questions_for_them_and_answers_by_form(
    client: Client, live: LiveEvent
) -> None:
    Client().post(
        reverse("chat:ask", args=[live.event.slug]),
        _ask_form(body="For Mencap", to="agency:mencap"),
    )
    Client().post(reverse("chat:ask", args=[live.event.slug]), _ask_form(body="For anyone"))
    for question in Question.objects.order_by("pk"):
        services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    client.force_login(live.panellist_user)

    console = client.get(reverse("chat:panel", args=[live.event.slug]))
    for_mencap = Question.objects.get(body="For Mencap")
    client.post(
        reverse("chat:answer", args=[live.event.slug, for_mencap.pk]),
        {"body": "Call our helpline."},
    )

    # Addressed to their agency comes first, under "For your agency", though it is older.
    assert [(q["body"], q["group"]) for q in console.context["questions"]] == [
        ("For Mencap", "for_agency"),
        ("For anyone", "rest"),
    ]
    answer = FeedItem.objects.get(kind="answer")
    assert answer.payload["panellist"]["name"] == "Jo Davies"
    assert answer.payload["body"] == "Call our helpline."


def test_live_page_gives_a_signed_in_user_no_guest_cookie(live: LiveEvent) -> None:
    client = Client()
    client.force_login(live.moderator)

    client.get(reverse("chat:live", args=[live.event.slug]))

    assert GUEST_COOKIE_NAME not in client.cookies


def test_the_moderator_console_links_to_the_report_once_the_webchat_is_over(
    client: Client, live: LiveEvent
) -> None:
    client.force_login(live.moderator)
    report = reverse("reports:report", args=[live.event.slug])

    during = client.get(reverse("chat:moderate", args=[live.event.slug])).content.decode()
    event_services.event_close(event_id=live.event.pk)
    after = client.get(reverse("chat:moderate", args=[live.event.slug])).content.decode()

    assert report not in during
    assert f'href="{report}"' in after
    assert client.get(report).status_code == 200


def test_moderator_console_names_each_kind_of_personal_detail_in_words(
    client: Client, live: LiveEvent
) -> None:
    Client().post(
        reverse("chat:ask", args=[live.event.slug]),
        _ask_form(body="My dob is 14/03/1987 and my NI number is QQ 12 34 56 C"),
    )
    client.force_login(live.moderator)

    opened = Question.objects.get()
    html = client.get(
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={opened.pk}"
    ).content.decode()

    assert "date of birth “<bdi>14/03/1987</bdi>”" in html
    assert "national insurance number “<bdi>QQ 12 34 56 C</bdi>”" in html
    assert "dateofbirth" not in html


def test_answer_byline_names_the_agency_once_when_the_role_already_names_it(
    client: Client, live: LiveEvent
) -> None:
    # As the seed's panel is written: each role ends with the agency.
    PanelSeat.objects.filter(event=live.event, panellist=live.panellist).update(
        role_at_event="Campaigns and Policy Officer, Mencap"
    )
    question = _publish(live, "Can I report online?")
    services.question_answer(question_id=question.pk, actor_id=live.panellist_user.pk, body="Yes.")

    html = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()
    answer = FeedItem.objects.get(event=live.event, kind="answer").payload

    assert "Answer</strong> from Jo Davies, Campaigns and Policy Officer, Mencap</p>" in html
    assert "Mencap, Mencap" not in html
    # What the live page's script shows for an answer that arrives over the socket.
    assert answer["panellist"]["byline"] == "Jo Davies, Campaigns and Policy Officer, Mencap"


def test_panellist_console_cuts_a_long_answer_with_an_ellipsis_and_keeps_the_whole(
    client: Client, live: LiveEvent
) -> None:
    question = _publish(live, "What support is there in court?")
    whole = "Special measures. " * 20 + "Ask the witness care unit."
    services.question_answer(question_id=question.pk, actor_id=live.panellist_user.pk, body=whole)
    client.force_login(live.panellist_user)

    html = client.get(reverse("chat:panel", args=[live.event.slug])).content.decode()

    assert f"<bdi>{whole[:199]}…</bdi>" in html
    assert "Read the whole answer" in html
    assert f'<div class="govuk-details__text"><bdi>{whole}</bdi></div>' in html


def test_panellist_console_shows_a_short_answer_whole_without_an_ellipsis(
    client: Client, live: LiveEvent
) -> None:
    question = _publish(live, "Can I report online?")
    services.question_answer(question_id=question.pk, actor_id=live.panellist_user.pk, body="Yes.")
    client.force_login(live.panellist_user)

    html = client.get(reverse("chat:panel", args=[live.event.slug])).content.decode()

    assert "<bdi>Yes.</bdi>" in html
    assert "Read the whole answer" not in html


def test_a_question_has_one_number_on_the_live_page_both_consoles_and_the_transcript(
    client: Client, live: LiveEvent
) -> None:
    """Issue 31: the public saw questions 1, 2, 3, 7 and a moderator's button said one
    number while the status said another. Numbers are the questions' own: 1, 2, 3..."""
    first = _publish(live, "Can I report online?")
    services.question_answer(question_id=first.pk, actor_id=live.panellist_user.pk, body="Yes.")
    services.announcement_post(event_id=live.event.pk, actor_id=live.moderator.pk, body="Hi")
    declined = _ask_and_wait(live, "Something off topic")
    services.question_reject(question_id=declined.pk, actor_id=live.moderator.pk, reason="No.")
    second = _publish(live, "What happens at court?")
    waiting = _ask_and_wait(live, "Still waiting here")

    public = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()
    moderator = Client()
    moderator.force_login(live.moderator)
    console = moderator.get(
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={waiting.pk}"
    ).content.decode()
    panellist = Client()
    panellist.force_login(live.panellist_user)
    panel = panellist.get(reverse("chat:panel", args=[live.event.slug])).content.decode()

    second.refresh_from_db()
    assert (FeedItem.objects.get(question=second, kind="question").seq, second.number) == (4, 2)
    assert "<strong>Question 2</strong> from a member of the public" in public
    assert "Question 4" not in public and "Question 3" not in public
    assert "<strong>Question 2</strong>" in console
    assert "<strong>Answer to question 1</strong> from Jo Davies" in console
    assert "Your answer to question 2</label>" in panel
    # A waiting question has a staff reference that no public number can be taken for.
    assert f'<strong class="app-staff-ref" id="queue-{waiting.pk}-ref">W-{waiting.pk}</strong>' in (
        console
    )
    assert f'Publish<span class="govuk-visually-hidden"> W-{waiting.pk}</span>' in console

    event_services.event_close(event_id=live.event.pk)
    transcripts.transcript_archive(event_id=live.event.pk)
    transcript = client.get(reverse("archive:transcript", args=[live.event.slug])).content.decode()
    text = client.get(reverse("archive:transcript_text", args=[live.event.slug])).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("archive:transcript_csv", args=[live.event.slug])
                ).content.decode()
            )
        )
    )
    assert "<strong>Question 2</strong>" in transcript
    assert "Question 2 from Member of the public:\nWhat happens at court?" in text
    assert "Answer to question 1 from Jo Davies" in text
    assert [(row[1], row[2]) for row in rows[1:]] == [
        ("question", "1"),
        ("answer", "1"),
        ("announcement", ""),
        ("question", "2"),
    ]


def _ask_and_wait(live: LiveEvent, body: str) -> Question:
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    outcome = services.question_ask(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
    )
    return Question.objects.get(pk=outcome.question["question_id"])


def test_the_asker_sees_the_public_number_their_question_was_published_as(
    client: Client, live: LiveEvent
) -> None:
    _publish(live, "Somebody else's question")
    client.post(reverse("chat:ask", args=[live.event.slug]), _ask_form(body="Mine"))
    mine = Question.objects.get(body="Mine")
    services.question_approve(question_id=mine.pk, actor_id=live.moderator.pk)

    page = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert '<strong class="govuk-tag govuk-tag--blue">Published</strong> as question 2' in page
