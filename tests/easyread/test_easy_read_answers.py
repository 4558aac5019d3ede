"""A panellist's Easy Read version of their answer: sent with the answer (a form post or the
socket's `answer` frame), published with it, shown in the Easy Read view of the live page and
offered on the transcript; an answer without one is published exactly as before."""

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as archive_services
from chat import services
from chat.models import Answer, FeedItem
from easyread.preferences import COOKIE_NAME
from events import services as event_services
from tests.chat.test_views import _publish
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Hate crime is any crime motivated by hostility towards a protected characteristic."
EASY_READ = "Hate crime is a crime against you because of who you are."


def _answer_with_easy_read(live: LiveEvent) -> int:
    question = _publish(live, "What is hate crime?")
    panellist = Client()
    panellist.force_login(live.panellist_user)
    response = panellist.post(
        reverse("chat:answer", args=[live.event.slug, question.pk]),
        {"body": ANSWER, "easy_read_body": f"  {EASY_READ}  "},
    )
    assert response.status_code == 302
    return question.pk


def test_the_panel_console_offers_an_easy_read_version_and_the_hint(live: LiveEvent) -> None:
    _publish(live, "What is hate crime?")
    panellist = Client()
    panellist.force_login(live.panellist_user)
    page = panellist.get(reverse("chat:panel", args=[live.event.slug])).content.decode()
    assert 'name="easy_read_body"' in page
    assert "Easy Read version (optional)" in page
    assert 'class="app-readability" aria-live="polite" data-readability-url=' in page


def test_an_easy_read_answer_is_published_with_the_answer(live: LiveEvent) -> None:
    _answer_with_easy_read(live)

    answer = Answer.objects.get()
    assert (answer.body, answer.easy_read_body) == (ANSWER, EASY_READ)
    payload = FeedItem.objects.get(kind="answer").payload
    assert payload["easy_read_body"] == EASY_READ


def test_an_answer_without_one_has_no_easy_read_field(live: LiveEvent) -> None:
    question = _publish(live, "What is hate crime?")
    services.question_answer(question_id=question.pk, actor_id=live.panellist_user.pk, body="Yes.")
    assert "easy_read_body" not in FeedItem.objects.get(kind="answer").payload


def test_the_live_page_shows_it_in_the_easy_read_view(live: LiveEvent) -> None:
    _answer_with_easy_read(live)
    url = reverse("chat:live", args=[live.event.slug])

    easy_reader = Client()
    easy_reader.cookies[COOKIE_NAME] = "easy"
    easy = easy_reader.get(url).content.decode()
    standard = Client().get(url).content.decode()

    assert '<body class="govuk-template__body app-easy-read-view">' in easy
    assert '<body class="govuk-template__body">' in standard
    # The item's markup is the same for both (kept once per item); the view's class shows it.
    for page in (easy, standard):
        assert '<div class="app-easy-read-answer">' in page
        assert EASY_READ in page and ANSWER in page


def test_the_transcript_offers_it_and_opens_it_in_the_easy_read_view(live: LiveEvent) -> None:
    _answer_with_easy_read(live)
    event_services.event_close(event_id=live.event.pk)
    archive_services.transcript_archive(event_id=live.event.pk)
    url = reverse("archive:transcript", args=[live.event.slug])

    standard = Client().get(url).content.decode()
    easy_reader = Client()
    easy_reader.cookies[COOKIE_NAME] = "easy"
    easy = easy_reader.get(url).content.decode()

    assert '<details class="govuk-details app-easy-read-answer--offered">' in standard
    assert '<details class="govuk-details app-easy-read-answer--offered" open>' in easy
    for page in (standard, easy):
        assert EASY_READ in page


async def test_the_answer_frame_carries_the_easy_read_version_to_every_viewer(
    live: LiveEvent, connect
) -> None:
    from channels.db import database_sync_to_async

    question = await database_sync_to_async(_publish)(live, "What is hate crime?")
    viewer = await connect(live.event.slug)
    panellist = await connect(live.event.slug, user=live.panellist_user)
    await panellist.send(
        {"type": "answer", "question_id": question.pk, "body": ANSWER, "easy_read_body": EASY_READ}
    )

    frame = await viewer.until(lambda frame: frame.get("kind") == "answer")
    assert (frame["body"], frame["easy_read_body"]) == (ANSWER, EASY_READ)


def test_an_askers_own_question_says_what_happened_in_easy_read(live: LiveEvent) -> None:
    asker = Client()
    asker.cookies[COOKIE_NAME] = "easy"
    url = reverse("chat:live", args=[live.event.slug])
    asker.get(url)
    asker.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": "5b0f3e4c-0000-4000-8000-000000000001", "body": "Who reads this?"},
    )

    waiting = asker.get(url).content.decode()
    assert "Waiting. A person will read your question first." in waiting
    assert 'src="/static/easyread/pictograms/waiting.svg" alt="Picture of an egg timer"' in waiting

    from chat.models import Question

    question = Question.objects.get(body="Who reads this?")
    services.question_reject(
        question_id=question.pk, actor_id=live.moderator.pk, reason="Personal details"
    )
    declined = asker.get(url).content.decode()
    assert "The moderator said no to this question. We will not show it." in declined


def test_a_finished_webchat_starts_with_its_closing_message(live: LiveEvent) -> None:
    event_services.event_close(event_id=live.event.pk)
    reader = Client()
    reader.cookies[COOKIE_NAME] = "words"
    page = reader.get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert "The webchat has finished" in page
    assert "This webchat has finished. Thank you for taking part." in page
    assert page.index("The webchat has finished") < page.index("What happens to your question")
    assert "easyread/pictograms/" not in page


def test_at_a_reviewed_event_the_reviewer_sees_the_easy_read_version_it_is_published_with(
    live: LiveEvent,
) -> None:
    live.event.answers_reviewed = True
    live.event.save(update_fields=["answers_reviewed"])
    question = _publish(live, "What is hate crime?")
    services.question_answer(
        question_id=question.pk,
        actor_id=live.panellist_user.pk,
        body=ANSWER,
        easy_read_body=EASY_READ,
    )
    assert not FeedItem.objects.filter(kind="answer").exists()
    reviewer = Client()
    reviewer.force_login(live.moderator)
    page = reviewer.get(reverse("chat:review", args=[live.event.slug])).content.decode()
    assert "Easy Read version, published with the answer as written" in page
    assert EASY_READ in page

    from chat.models import AnswerDraft

    draft = AnswerDraft.objects.get()
    reviewer.post(
        reverse("chat:review_publish", args=[live.event.slug, draft.pk]), {"body": ANSWER}
    )
    assert FeedItem.objects.get(kind="answer").payload["easy_read_body"] == EASY_READ
