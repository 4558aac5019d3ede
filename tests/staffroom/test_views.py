"""The staff room's page and pane: without JavaScript a message is posted and the page comes
back with it; the pane is on every staff console; nobody else reaches it, and its words are
never on a public page."""

import uuid

import pytest
from django.test import Client

from staffroom import services
from staffroom.models import StaffMessage
from tests.factories import CrisisWorkerFactory, EventFactory, ModeratorFactory, UserFactory
from tests.live import LiveEvent, asked_question, make_live_event

pytestmark = pytest.mark.django_db

PAGE = "/events/live-chat/staff-room/"
SAY = "/events/live-chat/staff-room/say/"


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_message_sent_without_javascript_comes_back_on_the_page(live: LiveEvent) -> None:
    question = asked_question(live, "Can I report it online?")
    client = signed_in(live.moderator)
    response = client.post(
        SAY,
        {
            "body": f"Jo, W-{question.pk} is for you <b>now</b>",
            "client_id": str(uuid.uuid4()),
            "next": "/events/live-chat/moderate/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/events/live-chat/moderate/#staff-room"
    page = client.get(PAGE).content.decode()
    assert (
        f'<a class="govuk-link" href="/events/live-chat/moderate/#queue-{question.pk}">'
        f"W-{question.pk}</a>"
    ) in page
    assert "&lt;b&gt;now&lt;/b&gt;" in page
    assert "<b>now</b>" not in page


def test_a_form_sent_twice_is_stored_once(live: LiveEvent) -> None:
    client = signed_in(live.panellist_user)
    form = {"body": "On it", "client_id": str(uuid.uuid4()), "next": "/events/live-chat/panel/"}
    client.post(SAY, form)
    client.post(SAY, form)
    assert StaffMessage.objects.count() == 1


def test_a_refused_message_keeps_what_was_typed(live: LiveEvent) -> None:
    client = signed_in(live.moderator)
    typed = "x" * 2001
    response = client.post(SAY, {"body": typed, "client_id": str(uuid.uuid4())}, follow=True)
    page = response.content.decode()
    assert "Not sent: A message is at most 2000 characters." in page
    assert typed in page
    assert not StaffMessage.objects.exists()


def test_an_outside_link_is_not_followed_after_sending(live: LiveEvent) -> None:
    client = signed_in(live.moderator)
    response = client.post(
        SAY, {"body": "hi", "client_id": str(uuid.uuid4()), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/events/live-chat/staff-room/#staff-room"


@pytest.mark.parametrize(
    "console",
    ["/events/live-chat/moderate/", "/events/live-chat/panel/", "/events/live-chat/support/"],
)
def test_the_pane_is_on_each_staff_console(live: LiveEvent, console: str) -> None:
    worker = CrisisWorkerFactory()
    live.event.crisis_workers.add(worker)
    services.staff_message_post(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        client_id=str(uuid.uuid4()),
        body="Shift change at 19:00",
    )
    user = {
        "moderate": live.moderator,
        "panel": live.panellist_user,
        "support": worker,
    }[console.split("/")[3]]
    page = signed_in(user).get(console).content.decode()
    assert 'id="staff-room"' in page
    assert "Shift change at 19:00" in page


def test_the_pane_is_on_the_review_console(live: LiveEvent) -> None:
    live.event.answers_reviewed = True
    live.event.save()
    page = signed_in(live.moderator).get("/events/live-chat/review/").content.decode()
    assert 'id="staff-room"' in page


def test_nobody_else_reaches_the_staff_room(live: LiveEvent) -> None:
    other = EventFactory(slug="other-chat")
    their_moderator = ModeratorFactory()
    other.moderators.add(their_moderator)
    for outsider in (UserFactory(), their_moderator):
        client = signed_in(outsider)
        assert client.get(PAGE).status_code == 403
        form = {"body": "let me in", "client_id": str(uuid.uuid4())}
        assert client.post(SAY, form).status_code == 403
    assert Client().get(PAGE).status_code == 302  # to sign in
    assert not StaffMessage.objects.exists()


def test_staff_words_are_never_on_a_public_page(live: LiveEvent) -> None:
    services.staff_message_post(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        client_id=str(uuid.uuid4()),
        body="Backstage: keep answers short",
    )
    for page in ("/events/live-chat/live/", "/events/live-chat/embed/", "/"):
        content = Client().get(page).content.decode()
        assert "Backstage" not in content
        assert 'id="staff-room"' not in content


def test_the_page_reads_in_a_fixed_number_of_queries(
    live: LiveEvent, django_assert_max_num_queries: object
) -> None:
    client = signed_in(live.moderator)
    for number in range(30):
        services.staff_message_post(
            event_id=live.event.pk,
            actor_id=live.moderator.pk,
            client_id=str(uuid.uuid4()),
            body=f"#{number} and W-{number}",
        )
    client.get(PAGE)  # warm the session and caches
    with django_assert_max_num_queries(25):  # type: ignore[operator]
        client.get(PAGE)


def test_your_webchats_links_to_the_staff_room(live: LiveEvent) -> None:
    page = signed_in(live.panellist_user).get("/your-webchats/").content.decode()
    assert '<a class="govuk-link" href="/events/live-chat/staff-room/">Staff room' in page
