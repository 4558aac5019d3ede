"""A published question or answer says which language it is written in (`lang`), on the live
page, in the feed's frames and in the transcript: a screen reader then reads a Welsh question
on an English page with a Welsh voice, and an English answer on a Welsh page with an English
one (issue 32: "lang on any text in another language")."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as archive_services
from chat import services as chat_services
from chat.models import FeedItem
from events import services as event_services
from tests.live import LiveEvent, asked_question

pytestmark = pytest.mark.django_db(transaction=True)

WELSH = "Sut ydw i'n rhoi gwybod am drosedd casineb?"
ENGLISH = "How do I report hate crime?"


def body_languages(html: str) -> dict[str, str | None]:
    """Each published body on the page -> its `lang`, or None."""
    found = {}
    for attributes, text in re.findall(
        r'<p class="app-feed__body"([^>]*)><bdi>(.*?)</bdi></p>', html, re.S
    ):
        lang = re.search(r'lang="([^"]+)"', attributes)
        found[text.replace("&#x27;", "'")] = lang.group(1) if lang else None
    return found


def publish_both(live: LiveEvent) -> None:
    moderator, panellist = live.moderator.pk, live.panellist_user.pk
    welsh = asked_question(live, WELSH, language="cy")
    english = asked_question(live, ENGLISH, language="en")
    unknown = asked_question(live, "A question from a socket that said no language")
    for question in (welsh, english, unknown):
        chat_services.question_approve(question_id=question.pk, actor_id=moderator)
    chat_services.question_answer(question_id=english.pk, actor_id=panellist, body="Call 101.")


def test_each_published_body_carries_the_language_it_was_written_in(live: LiveEvent) -> None:
    publish_both(live)
    live_url = reverse("chat:live", args=[live.event.slug])

    for reader in (Client(), Client(HTTP_ACCEPT_LANGUAGE="cy")):
        languages = body_languages(reader.get(live_url).content.decode())
        assert languages[WELSH] == "cy"
        assert languages[ENGLISH] == "en"
        # The panel answers in English only (the event's default): its answers say so.
        assert languages["Call 101."] == "en"
        # Not known: no attribute, the page's language stands.
        assert languages["A question from a socket that said no language"] is None

    # Live readers build the same from the frames (static/js/feed-item.js).
    payloads = {item.payload["body"]: item.payload for item in FeedItem.objects.all()}
    assert payloads[WELSH]["language"] == "cy"
    assert payloads["Call 101."]["language"] == "en"

    event_services.event_close(event_id=live.event.pk)
    archive_services.transcript_archive(event_id=live.event.pk)
    transcript = Client().get(reverse("archive:transcript", args=[live.event.slug]))
    languages = body_languages(transcript.content.decode())
    assert (languages[WELSH], languages[ENGLISH], languages["Call 101."]) == ("cy", "en", "en")


def test_a_panel_answering_in_two_languages_leaves_the_answer_unmarked(live: LiveEvent) -> None:
    live.event.panel_languages = "en, cy"
    live.event.save(update_fields=["panel_languages"])
    question = asked_question(live, WELSH, language="cy")
    chat_services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    chat_services.question_answer(
        question_id=question.pk, actor_id=live.panellist_user.pk, body="Ffoniwch 101."
    )

    page = Client().get(reverse("chat:live", args=[live.event.slug])).content.decode()

    # Which of the two the panellist wrote in is not known: no guess.
    assert body_languages(page)["Ffoniwch 101."] is None
    assert body_languages(page)[WELSH] == "cy"


def test_a_language_that_is_not_ours_is_never_written_into_the_page(live: LiveEvent) -> None:
    question = asked_question(live, ENGLISH, language='en"><b>')
    chat_services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)

    page = Client().get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert body_languages(page)[ENGLISH] is None
    assert "<b>" not in page
