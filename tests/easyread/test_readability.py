"""The panellist's readability hint (easyread/readability.py) and its endpoint on the panel
console (chat.views.panel_readability): JSON as they type, a page of its own without
JavaScript, and only for the event's panellists."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from easyread.readability import readability_hint
from tests.chat.test_views import _publish
from tests.factories import UserFactory
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

HARD = (
    "The application was reviewed by the CPS and the decision was taken that, having regard "
    "to all of the evidence available at the time, a prosecution would not be in the public "
    "interest in this particular case."
)
EASY = "The police read your report. They look for a crime. Then they tell you what they found."


def test_a_hard_answer_gets_every_kind_of_hint() -> None:
    hint = readability_hint(HARD)
    assert hint is not None
    assert hint.grade > 12
    assert hint.long_sentences == ["The application was reviewed by the CPS and…"]
    assert hint.passive == ["was reviewed", "was taken"]
    assert hint.acronyms == ["CPS"]
    assert not hint.reads_easily


def test_a_plain_answer_reads_easily_even_as_easy_read() -> None:
    hint = readability_hint(EASY, kind="easy_read")
    assert hint is not None
    assert hint.grade <= 6
    assert hint.long_sentences == [] and hint.passive == [] and hint.acronyms == []
    assert hint.reads_easily


def test_easy_read_holds_sentences_to_15_words() -> None:
    sixteen = (
        "One two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen."
    )
    assert readability_hint(sixteen, kind="answer").long_sentences == []
    assert readability_hint(sixteen, kind="easy_read").long_sentences == [
        "One two three four five six seven eight…"
    ]


def test_nothing_to_read_gives_no_hint() -> None:
    assert readability_hint("  ") is None
    assert readability_hint("?!") is None


def test_the_console_gets_the_hint_as_json(live: LiveEvent) -> None:
    question = _publish(live, "Will the police tell me what happened?")
    panellist = Client()
    panellist.force_login(live.panellist_user)
    url = reverse("chat:readability", args=[live.event.slug, question.pk])

    response = panellist.post(
        url, {"body": HARD, "easy_read_body": EASY}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    hints = json.loads(response.content)
    assert hints["answer"]["acronyms"] == ["CPS"]
    assert hints["answer"]["reads_easily"] is False
    assert hints["easy_read"]["reads_easily"] is True


def test_without_javascript_the_hint_comes_with_the_words_to_publish(live: LiveEvent) -> None:
    question = _publish(live, "Will the police tell me what happened?")
    panellist = Client()
    panellist.force_login(live.panellist_user)
    url = reverse("chat:readability", args=[live.event.slug, question.pk])

    page = panellist.post(url, {"body": HARD, "easy_read_body": EASY}).content.decode()

    assert "Acronyms (write them out):</li>" not in page  # the list names them
    assert "Acronyms (write them out): CPS" in page
    assert "“was reviewed”, “was taken”" in page
    assert f'action="{reverse("chat:answer", args=[live.event.slug, question.pk])}"' in page
    assert "in this particular case.</textarea>" in page
    assert f"{EASY}</textarea>" in page


def test_only_the_events_panellists_get_a_hint(live: LiveEvent) -> None:
    question = _publish(live, "Will the police tell me what happened?")
    url = reverse("chat:readability", args=[live.event.slug, question.pk])
    stranger = Client()
    stranger.force_login(UserFactory())

    assert stranger.post(url, {"body": HARD}).status_code == 403
    assert Client().post(url, {"body": HARD}).status_code == 302  # to sign in


def test_a_hint_never_downloads_a_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def no_dictionary(*args: object, **kwargs: object) -> None:
        raise LookupError("no cmudict here")

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("textstat tried to download at run time")

    monkeypatch.setattr(nltk.data, "find", no_dictionary)
    monkeypatch.setattr(nltk, "download", no_download)
    hint = readability_hint("Your report is read by a trained officer.")
    assert hint is not None and hint.grade > 0
