"""Languages (core/languages.py, the chooser, LocaleMiddleware): which language a reader
gets, how a choice is remembered (for the browser session only, no database write), and
that every public page says which language it is in and offers the other."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from core.languages import reader_language, reader_variant
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

HTML_LANG = re.compile(r'<html lang="([^"]+)"')


def chose(language: str) -> Client:
    """A browser that chose `language` with the chooser earlier in its session."""
    browser = Client()
    browser.cookies["outreach_language"] = language
    return browser


def html_lang(response) -> str:
    return HTML_LANG.search(response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("cookies", "accept", "chosen", "expected"),
    [
        ({}, "", None, "en"),
        ({}, "cy-GB,cy;q=0.9,en;q=0.8", None, "cy"),
        ({}, "fr-FR,cy;q=0.5", None, "cy"),
        ({}, "fr-FR,de;q=0.5", None, "en"),
        ({"outreach_language": "cy"}, "en-GB", None, "cy"),
        ({"outreach_language": "en"}, "cy", None, "en"),
        ({"outreach_language": "cy"}, "en-GB", "en", "en"),
        ({}, "en-GB", "cy", "cy"),
        # Nonsense is ignored, never an error.
        ({"outreach_language": "xx"}, "cy", "<script>", "cy"),
        # A header longer than any browser's is not read: the site's language.
        ({}, "cy;q=" + "9" * 5000, None, "en"),
    ],
)
def test_reader_language_chosen_then_remembered_then_browser(
    cookies: dict[str, str], accept: str, chosen: str | None, expected: str
) -> None:
    assert reader_language(cookies=cookies, accept_language=accept, chosen=chosen) == expected
    # The kept pages' variant is decided by the same rule (and the front door uses it).
    assert reader_variant(cookies=cookies, accept_language=accept, chosen=chosen) == expected


def test_a_welsh_browser_gets_the_home_page_in_welsh(client: Client) -> None:
    response = client.get(reverse("events:home"), HTTP_ACCEPT_LANGUAGE="cy")

    page = response.content.decode()
    assert html_lang(response) == "cy"
    assert "Neidio i&#x27;r prif gynnwys" in page or "Neidio i'r prif gynnwys" in page
    assert "Gadael y dudalen hon" in page
    assert "Skip to main content" not in page
    assert response["Content-Language"] == "cy"


def test_choosing_welsh_keeps_the_reader_on_the_page_and_lasts_the_browser_session(
    client: Client, live: LiveEvent
) -> None:
    url = reverse("chat:live", args=[live.event.slug])
    english = client.get(url)
    chooser = re.search(
        r'<a class="govuk-link" href="([^"]+)" hreflang="cy" lang="cy">Cymraeg</a>',
        english.content.decode(),
    )
    assert chooser is not None
    assert chooser.group(1) == f"{url}?lang=cy"

    welsh = client.get(chooser.group(1))
    cookie = welsh.cookies["outreach_language"]
    later = client.get(reverse("events:home"))

    assert html_lang(welsh) == "cy"
    assert "Gofyn cwestiwn" in welsh.content.decode()
    # A session cookie: no expiry, so a shared device forgets it when the browser closes.
    assert cookie.value == "cy"
    assert not cookie["max-age"] and not cookie["expires"]
    assert html_lang(later) == "cy"
    # A watcher who chose a language still has no session: nothing written for them.
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies


def test_the_chooser_marks_the_current_language_and_names_each_in_itself(
    client: Client,
) -> None:
    page = client.get(reverse("events:home") + "?lang=cy").content.decode()

    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in page
    assert '<a class="govuk-link" href="/?lang=en" hreflang="en" lang="en">English</a>' in page


def test_the_chooser_keeps_the_pages_own_query(client: Client) -> None:
    page = client.get(reverse("archive:transcripts") + "?q=hate+crime").content.decode()

    assert 'href="/transcripts/?q=hate+crime&amp;lang=cy" hreflang="cy"' in page


@pytest.mark.parametrize("page", ["home", "event", "live", "embed", "staying_safe", "404"])
def test_every_public_page_has_the_chooser_and_its_language(
    client: Client, live: LiveEvent, page: str
) -> None:
    slug = live.event.slug
    url = {
        "home": reverse("events:home"),
        "event": reverse("events:event_detail", args=[slug]),
        "live": reverse("chat:live", args=[slug]),
        "embed": reverse("chat:embed", args=[slug]),
        "staying_safe": reverse("events:staying_safe"),
        "404": "/no-such-page/",
    }[page]

    response = client.get(url + "?lang=cy")

    body = response.content.decode()
    assert html_lang(response) == "cy"
    if page != "404":  # the error page is rendered without the request
        assert 'hreflang="en" lang="en">English</a>' in body


def test_an_unknown_language_is_ignored(client: Client) -> None:
    response = client.get(reverse("events:home") + "?lang=xx")

    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert "outreach_language" not in response.cookies


def test_dates_are_in_the_readers_language(client: Client, live: LiveEvent) -> None:
    url = reverse("events:event_detail", args=[live.event.slug])
    starts = live.event.starts_at

    welsh = client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode()

    from django.utils import formats, translation

    with translation.override("cy"):
        day = formats.date_format(starts, "l j F Y")
    assert day in welsh
    assert "(amser y DU)" in welsh


def test_the_event_and_live_pages_say_which_languages_the_panel_answers_in(
    client: Client, live: LiveEvent
) -> None:
    live.event.panel_languages = "en, cy"
    live.event.save()

    for url in (
        reverse("events:event_detail", args=[live.event.slug]),
        reverse("chat:live", args=[live.event.slug]),
    ):
        english = Client().get(url).content.decode()
        welsh = Client().get(url + "?lang=cy").content.decode()
        assert "The panel answers in these languages: English, Welsh." in english
        assert "Mae&#x27;r panel yn ateb yn yr ieithoedd hyn: Saesneg, Cymraeg." in welsh or (
            "Mae'r panel yn ateb yn yr ieithoedd hyn: Saesneg, Cymraeg." in welsh
        )


def test_the_javascript_catalogue_has_the_scripts_and_the_servers_words(
    client: Client,
) -> None:
    welsh = client.get(reverse("javascript_catalogue") + "?lang=cy")
    english = client.get(reverse("javascript_catalogue") + "?lang=en")

    script = welsh.content.decode()
    assert welsh["Content-Type"].startswith("text/javascript")
    # A script's own word, and a frame's message the server writes in English.
    assert "Diweddariadau byw ymlaen." in script
    assert "Ysgrifennwch eich cwestiwn cyn ei anfon." in script
    assert "Diweddariadau byw ymlaen." not in english.content.decode()


@pytest.mark.parametrize("page", ["home", "event", "live", "embed"])
def test_a_welsh_reader_never_gets_the_english_kept_page_nor_the_reverse(
    live: LiveEvent, page: str, django_assert_num_queries
) -> None:
    slug = live.event.slug
    url = {
        "home": reverse("events:home"),
        "event": reverse("events:event_detail", args=[slug]),
        "live": reverse("chat:live", args=[slug]),
        "embed": reverse("chat:embed", args=[slug]),
    }[page]
    english_reader = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
    welsh_reader = {"HTTP_ACCEPT_LANGUAGE": "cy-GB,cy;q=0.9"}
    Client().get(url, **english_reader)  # the English page is kept

    welsh = Client().get(url, **welsh_reader)
    chose_welsh = chose("cy").get(url, **english_reader)
    Client().get(url, **welsh_reader)  # the Welsh page is kept too
    english = Client().get(url, **english_reader)
    chose_english = chose("en").get(url, **welsh_reader)

    for response in (welsh, chose_welsh):
        assert html_lang(response) == "cy"
        assert "Gadael y dudalen hon" in response.content.decode()
        assert "Exit this page" not in response.content.decode()
    for response in (english, chose_english):
        assert html_lang(response) == "en"
        assert "Exit this page" in response.content.decode()
        assert "Gadael y dudalen hon" not in response.content.decode()
    # Each language's page is kept: the next reader of either costs no query.
    with django_assert_num_queries(0):
        assert html_lang(Client().get(url, **welsh_reader)) == "cy"
        assert html_lang(Client().get(url, **english_reader)) == "en"


@pytest.mark.parametrize(("language", "shown"), [("cy", "Welsh"), ("en", "English")])
def test_moderators_see_the_language_a_question_was_asked_in(
    live: LiveEvent, language: str, shown: str
) -> None:
    import uuid

    from chat import selectors

    asker = chose(language)
    url = reverse("chat:live", args=[live.event.slug])
    asker.get(url)

    asker.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "Sut mae rhoi gwybod am drosedd casineb?"},
    )

    (queued,) = selectors.moderation_queue(event_id=live.event.pk)
    assert queued["language"] == shown
    moderator = Client()
    moderator.force_login(live.moderator)
    console = moderator.get(reverse("chat:moderate", args=[live.event.slug]))
    assert f'app-question-language">In {shown}</strong>' in console.content.decode()


def test_pages_load_the_scripts_catalogue_as_a_static_file_in_their_language(
    client: Client, live: LiveEvent
) -> None:
    from core.catalogues import script_catalogue

    for language in ("en", "cy"):
        page = client.get(reverse("chat:live", args=[live.event.slug]) + f"?lang={language}")
        found = re.search(r'<script src="([^"]+)"></script>', page.content.decode())
        assert found is not None
        assert found.group(1) == f"/static/jsi18n/{language}.js"
        served = client.get(found.group(1))
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == script_catalogue(language)
