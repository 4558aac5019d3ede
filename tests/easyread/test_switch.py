"""The Easy Read switch (easyread/views.py): a link on every public page that turns the
Easy Read view (or its words-only variant) on and off, keeps the person on the page they
were on, and is remembered only until the browser closes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from easyread.preferences import COOKIE_NAME
from events import services as event_services
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

SWITCH = reverse("easyread:switch")


@pytest.fixture
def event_url() -> str:
    event = EventFactory(
        slug="hate-crime", title="Hate crime: ask the panel", starts_at=timezone.now()
    )
    event_services.event_schedule(event_id=event.pk)
    return reverse("events:event_detail", args=[event.slug])


def test_every_public_page_offers_the_switch_back_to_itself(event_url: str) -> None:
    for url in (reverse("events:home"), event_url, reverse("archive:transcripts")):
        page = Client().get(url).content.decode()
        assert f'href="{SWITCH}?view=easy&amp;next={url}"' in page


def test_switching_on_keeps_the_page_and_is_remembered_for_the_browser_session_only(
    event_url: str,
) -> None:
    reader = Client()
    switched = reader.get(SWITCH, {"view": "easy", "next": event_url})

    assert switched.status_code == 303
    assert switched["Location"] == event_url
    cookie = switched.cookies[COOKIE_NAME]
    assert cookie.value == "easy"
    # No expiry: the browser forgets it when it closes (a shared phone keeps no trace).
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"

    page = reader.get(event_url).content.decode()
    assert "What happens to your question" in page
    assert "This person is called a moderator." in page
    assert (
        'src="/static/easyread/pictograms/reads-first.svg" alt="Picture of two eyes reading"'
        in page
    )
    assert "If you are in danger now, call 999." in page
    assert f'href="{SWITCH}?view=standard&amp;next=' in page


def test_switching_off_forgets_the_choice_and_shows_the_standard_page(event_url: str) -> None:
    reader = Client()
    reader.get(SWITCH, {"view": "easy", "next": event_url})
    switched = reader.get(SWITCH, {"view": "standard", "next": event_url})

    assert switched["Location"] == event_url
    assert switched.cookies[COOKIE_NAME].value == ""  # deleted
    page = reader.get(event_url).content.decode()
    assert "This person is called a moderator." not in page
    assert f'href="{SWITCH}?view=easy&amp;next=' in page


def test_words_only_shows_the_same_words_without_pictures(event_url: str) -> None:
    reader = Client()
    switched = reader.get(SWITCH, {"view": "words", "next": event_url})
    assert switched.cookies[COOKIE_NAME].value == "words"

    page = reader.get(event_url).content.decode()
    assert "This person is called a moderator." in page
    assert "easyread/pictograms/" not in page
    assert f'href="{SWITCH}?view=easy&amp;next=' in page  # "Show pictures"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "", "javascript:alert(1)"]
)
def test_a_next_that_leaves_the_site_goes_home_instead(next_url: str) -> None:
    switched = Client().get(SWITCH, {"view": "easy", "next": next_url})
    assert switched.status_code == 303
    assert switched["Location"] == "/"
    assert switched.cookies[COOKIE_NAME].value == "easy"


def test_an_unknown_view_is_the_standard_view(event_url: str) -> None:
    reader = Client()
    reader.cookies[COOKIE_NAME] = "<script>"
    page = reader.get(event_url).content.decode()
    assert "This person is called a moderator." not in page
    assert "<script>" not in page.split("<body", 1)[1].split("</header>")[0]
