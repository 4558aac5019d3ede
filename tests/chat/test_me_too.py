""" "I want to know this too": once per person, no account, over the socket or by form; the
panel sorts by it, and the transcript and the report count it."""

import csv
import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as transcripts
from chat import services
from chat.models import Question
from chat.services import ChatError
from events import services as event_services
from reports import selectors as report_selectors
from reports.tables import report_tables
from tests.live import LiveEvent, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    return make_live_event()


def _participant(live: LiveEvent) -> int:
    return services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    ).pk


def _published(live: LiveEvent, body: str) -> Question:
    outcome = services.question_ask(
        event_id=live.event.pk,
        participant_id=_participant(live),
        client_id=str(uuid.uuid4()),
        body=body,
    )
    question = Question.objects.get(pk=outcome.question["question_id"])
    services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    question.refresh_from_db()
    return question


def _me_too(live: LiveEvent, question: Question, participant_id: int) -> int:
    return services.question_me_too(
        event_id=live.event.pk, participant_id=participant_id, question_id=question.pk
    )


def test_me_too_counts_each_person_once(live: LiveEvent) -> None:
    question = _published(live, "Can I report online?")
    first, second = _participant(live), _participant(live)

    counts = [_me_too(live, question, first), _me_too(live, question, first)]
    counts.append(_me_too(live, question, second))

    assert counts == [1, 1, 2]
    question.refresh_from_db()
    assert question.me_too_count == 2


def test_me_too_is_refused_for_a_waiting_question_and_after_the_webchat(
    live: LiveEvent,
) -> None:
    waiting = Question.objects.get(
        pk=services.question_ask(
            event_id=live.event.pk,
            participant_id=_participant(live),
            client_id=str(uuid.uuid4()),
            body="Not published yet",
        ).question["question_id"]
    )
    published = _published(live, "Published")

    with pytest.raises(ChatError) as not_published:
        _me_too(live, waiting, _participant(live))
    event_services.event_close(event_id=live.event.pk)
    with pytest.raises(ChatError) as closed:
        _me_too(live, published, _participant(live))

    assert (not_published.value.code, closed.value.code) == ("not_found", "event_not_open")


def test_me_too_is_rate_limited_per_person(live: LiveEvent, settings) -> None:
    settings.CHAT_ME_TOO_RATE_LIMIT = (2, 60)
    questions = [_published(live, f"Question {index}") for index in range(3)]
    person = _participant(live)

    _me_too(live, questions[0], person)
    _me_too(live, questions[1], person)
    with pytest.raises(ChatError) as refused:
        _me_too(live, questions[2], person)

    assert refused.value.code == "rate_limited"
    assert [q.me_too_count for q in Question.objects.order_by("pk")] == [1, 1, 0]


async def test_me_too_over_the_socket_answers_with_the_count(live: LiveEvent, connect) -> None:
    question = await db(_published)(live, "What happens at court?")
    watcher = await connect(live.event.slug, guest_of=reverse("chat:live", args=[live.event.slug]))

    await watcher.send({"type": "me_too", "question_id": question.pk})
    first = await watcher.until_type("me_too")
    await watcher.send({"type": "me_too", "question_id": question.pk})
    again = await watcher.until_type("me_too")

    assert first == {"type": "me_too", "question_id": question.pk, "count": 1}
    assert again == first


def test_me_too_without_javascript_asks_then_counts_once(live: LiveEvent) -> None:
    question = _published(live, "Is there support in court?")
    browser = Client()
    page = browser.get(reverse("chat:live", args=[live.event.slug])).content.decode()
    link = f'href="../live/questions/{question.pk}/me-too/"'
    url = reverse("chat:me_too", args=[live.event.slug, question.pk])

    form = browser.get(url).content.decode()
    said = browser.post(url, follow=False)
    browser.post(url)

    assert link in page
    assert "Do you want to know this too?" in form and "Question 1" in form
    assert said["Location"] == reverse("chat:live", args=[live.event.slug]) + "#item-1"
    question.refresh_from_db()
    assert question.me_too_count == 1


def test_panel_shows_the_counts_and_sorts_by_them(live: LiveEvent) -> None:
    older = _published(live, "Asked first")
    newer = _published(live, "Asked second")
    for _ in range(3):
        _me_too(live, older, _participant(live))
    panellist = Client()
    panellist.force_login(live.panellist_user)

    newest = panellist.get(reverse("chat:panel", args=[live.event.slug]))
    wanted = panellist.get(reverse("chat:panel", args=[live.event.slug]), {"sort": "most-wanted"})

    assert [q["body"] for q in newest.context["questions"]] == ["Asked second", "Asked first"]
    assert [q["body"] for q in wanted.context["questions"]] == ["Asked first", "Asked second"]
    assert "<strong>3</strong> people want to know this too" in wanted.content.decode()
    assert newer.me_too_count == 0


def test_transcript_and_report_count_me_too(live: LiveEvent) -> None:
    wanted = _published(live, "Can I bring someone with me?")
    _published(live, "Nobody else asked this")
    for _ in range(6):
        _me_too(live, wanted, _participant(live))
    event_services.event_close(event_id=live.event.pk)
    transcripts.transcript_archive(event_id=live.event.pk)
    client = Client()

    page = client.get(reverse("archive:transcript", args=[live.event.slug])).content.decode()
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
    report = report_selectors.event_report(
        event=report_selectors.reportable_event_by_slug(slug=live.event.slug)
    )
    tables = report_tables(report, share=True)

    assert "6 people wanted to know this too" in page
    assert "Can I bring someone with me?\n(6 people wanted to know this too)" in text
    assert [row[-1] for row in rows] == ["me_too", "6", "0"]
    assert tables["most_wanted"].rows == [("Question 1", "Can I bring someone with me?", 6)]
