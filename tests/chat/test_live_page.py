"""The live page at the door (chat/live_page.py): a watcher's page costs no query and no write,
and is never stale after a publication; everyone else's is rendered in full."""

import re
import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from chat import live_page, services
from chat.enums import QuestionState
from chat.guests import GUEST_COOKIE_NAME
from chat.models import Question
from core import kept_pages
from core import redis as core_redis
from events import services as event_services
from tests.chat.test_views import _publish
from tests.factories import UserFactory
from tests.live import LiveEvent, guest_token_of

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT_ID_INPUT = re.compile(r'name="client_id" value="([^"]+)"')


def _live_url(live: LiveEvent) -> str:
    return reverse("chat:live", args=[live.event.slug])


@pytest.mark.parametrize("page", ["chat:live", "chat:embed"])
def test_a_watcher_costs_no_query_and_no_write_once_the_page_is_kept(
    live: LiveEvent, page: str, django_assert_num_queries
) -> None:
    _publish(live, "Published before the crowd came")
    url = reverse(page, args=[live.event.slug])
    first = Client().get(url)  # builds the kept page
    assert "Published before the crowd came" in first.content.decode()

    newcomer, returning = Client(), Client()
    returning.get(url)
    returning.get(url)  # the first return fills the askers index (chat/askers.py), once
    with django_assert_num_queries(0):
        new_page = newcomer.get(url)
    with django_assert_num_queries(0):
        again = returning.get(url)

    for response in (new_page, again):
        assert response.status_code == 200
        assert "Published before the crowd came" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    # Nothing kept about any of them but their cookies: no session row.
    assert not Session.objects.exists()
    assert "sessionid" not in newcomer.cookies and "sessionid" not in returning.cookies


def test_each_watcher_gets_their_own_csrf_token_and_client_id_and_can_ask(
    live: LiveEvent,
) -> None:
    url = _live_url(live)
    Client().get(url)
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one, page_two = one.get(url).content.decode(), two.get(url).content.decode()

    tokens = [CSRF_INPUT.search(page).group(1) for page in (page_one, page_two)]
    client_ids = [CLIENT_ID_INPUT.search(page).group(1) for page in (page_one, page_two)]
    assert len(set(tokens)) == 2 and len(set(client_ids)) == 2
    assert kept_pages.CSRF_STAND_IN not in page_one + page_two
    assert str(live_page.CLIENT_ID_STAND_IN) not in page_one + page_two

    # The form on a kept page works: the token matches this browser's CSRF cookie.
    asked = one.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"csrfmiddlewaretoken": tokens[0], "client_id": client_ids[0], "body": "Who do I call?"},
    )
    assert asked.status_code == 302
    question = Question.objects.get(body="Who do I call?")
    assert question.participant.guest_token == guest_token_of(one)
    assert str(question.client_id) == client_ids[0]


def test_a_reader_without_javascript_sees_each_new_publication_on_reload(
    live: LiveEvent,
) -> None:
    reader = Client()
    url = _live_url(live)
    assert "First published" not in reader.get(url).content.decode()

    first = _publish(live, "First published")
    assert "First published" in reader.get(url).content.decode()

    services.question_answer(
        question_id=first.pk, actor_id=live.panellist_user.pk, body="Our answer, live."
    )
    assert "Our answer, live." in reader.get(url).content.decode()

    event_services.event_close(event_id=live.event.pk)
    closed = reader.get(url).content.decode()
    assert "This webchat has finished" in closed
    assert 'id="ask-button" data-module="govuk-button" disabled' in closed


def test_a_guest_who_asked_sees_their_question_and_nobody_else_does(live: LiveEvent) -> None:
    url = _live_url(live)
    asker, watcher = Client(), Client()
    asker.get(url)
    watcher.get(url)
    asker.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "Is my question private until approved?"},
    )

    mine = asker.get(url).content.decode()  # shows the "sent" message, then the question
    again = asker.get(url).content.decode()  # no message now: still their own question
    theirs = watcher.get(url).content.decode()

    assert "Your question was sent." in mine
    assert "Is my question private until approved?" in mine
    assert "Is my question private until approved?" in again
    assert "Is my question private until approved?" not in theirs
    question = Question.objects.get()
    assert question.state == QuestionState.PENDING
    assert question.participant.guest_token == guest_token_of(asker)


def test_signing_out_forgets_the_guest_identity_of_the_browser(live: LiveEvent) -> None:
    url = _live_url(live)
    browser = Client()
    browser.get(url)
    assert guest_token_of(browser) is not None
    user = UserFactory(email="signs.out@example.org", password="a-long-password-1")
    browser.force_login(user)

    response = browser.post(reverse("account_logout"))

    assert response.cookies[GUEST_COOKIE_NAME].value == ""
    assert GUEST_COOKIE_NAME not in browser.cookies or not browser.cookies[GUEST_COOKIE_NAME].value


def test_a_signed_in_person_gets_the_page_rendered_for_them(live: LiveEvent) -> None:
    url = _live_url(live)
    Client().get(url)
    browser = Client()
    browser.force_login(live.moderator)

    page = browser.get(url).content.decode()

    assert "Sign out" in page
    assert GUEST_COOKIE_NAME not in browser.cookies


def test_without_redis_every_visitor_gets_the_page_in_full(
    live: LiveEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _live_url(live)
    Client().get(url)

    def unreachable(**kwargs: object) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)

    monkeypatch.setattr(core_redis, "shared_client", unreachable)
    _publish(live, "Published while Redis is away")  # its new version cannot be recorded
    page = Client().get(url)

    assert page.status_code == 200
    assert "Published while Redis is away" in page.content.decode()
