"""Safeguarding that holds when someone tries to get round it (issue 15, sections 4-6):
limits and mutes per network, muting clears the queue, questions not reached at the close,
unmasked details need a named second step, what an asker of an edited question sees, the
shared device (sessions, caching, forgetting), and https-only embed origins."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat import selectors, services
from chat.enums import QuestionState
from chat.frames import own_question as question_for_asker
from chat.guests import GUEST_COOKIE_NAME
from chat.models import NetworkMute, Participant, Question
from chat.payloads import UNHANDLED_MESSAGE
from chat.retention import personal_data_purge
from chat.services import ChatError
from core.networks import network_hash, network_of
from events import services as event_services
from events.models import validate_embed_origins
from tests.factories import UserFactory
from tests.live import LiveEvent, asked_question, guest_token_of, make_live_event, new_asker

pytestmark = pytest.mark.django_db
PHONE_QUESTION = "Please call me back on 07700 900123 about my case"


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


def _code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ChatError) as refused:
        call()
    return refused.value.code


# --- §4 limits a reconnect does not reset -----------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:4d2:77::1234", "2001:db8:4d2:77::/64"),
        ("2001:db8:4d2:77:ffff:1:2:3", "2001:db8:4d2:77::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("fe80::1%eth0", "fe80::/64"),
    ],
)
def test_a_network_is_an_ipv4_address_or_an_ipv6_64(address: str, network: str) -> None:
    assert network_of(address) == network


def test_network_hash_is_the_same_across_one_64_and_never_the_address() -> None:
    first = network_hash("2001:db8:4d2:77::1")
    assert first == network_hash("2001:db8:4d2:77:9:9:9:9")
    assert first != network_hash("2001:db8:4d2:78::1")
    assert len(first) == 32 and "2001" not in first
    assert network_hash(None) == network_hash("") == ""


def test_thirty_askers_in_one_ipv6_64_are_limited_together(live: LiveEvent, settings) -> None:
    settings.CHAT_ASK_RATE_LIMIT_PER_NETWORK = (20, 60)
    outcomes = []
    for index in range(30):
        # A new participant (no cookie) from a new address in the same /64 every time.
        address = f"2001:db8:4d2:77::{index + 1:x}"
        try:
            asked_question(live, f"Question {index}", network=network_hash(address))
            outcomes.append("ack")
        except ChatError as refusal:
            outcomes.append(refusal.code)

    assert outcomes == ["ack"] * 20 + ["rate_limited"] * 10
    # Another household is not held back by that one.
    asked_question(live, "From next door", network=network_hash("2001:db8:4d2:78::1"))


def test_a_mute_follows_the_network_to_a_new_participant(live: LiveEvent) -> None:
    home = network_hash("2001:db8:4d2:77::10")
    question = asked_question(live, "spam", network=home)
    services.participant_mute(
        event_id=live.event.pk, participant_id=question.participant_id, actor_id=live.moderator.pk
    )

    # Straight back without cookies, from another address in the same /64: refused.
    assert _code(
        lambda: asked_question(live, "more spam", network=network_hash("2001:db8:4d2:77::99"))
    ) == ("muted")
    (mute,) = NetworkMute.objects.all()
    assert (mute.event_id, mute.network_hash, mute.muted_by_id) == (
        live.event.pk,
        home,
        live.moderator.pk,
    )
    # Other networks, and the same network at another webchat, still ask.
    asked_question(live, "A fair question", network=network_hash("198.51.100.4"))
    other = make_live_event(slug="another-chat")
    asked_question(other, "Same home, another webchat", network=home)


def test_muting_removes_the_persons_waiting_questions_but_keeps_them(live: LiveEvent) -> None:
    asker = new_asker(live)
    published = asked_question(live, "Published one", participant=asker)
    services.question_approve(question_id=published.pk, actor_id=live.moderator.pk)
    waiting = [asked_question(live, f"Waiting {n}", participant=asker) for n in range(2)]
    someone_else = asked_question(live, "Not theirs")

    services.participant_mute(
        event_id=live.event.pk, participant_id=asker.pk, actor_id=live.moderator.pk
    )

    states = dict(Question.objects.values_list("body", "state"))
    assert states == {
        "Published one": QuestionState.PUBLISHED,
        "Waiting 0": QuestionState.REMOVED,
        "Waiting 1": QuestionState.REMOVED,
        "Not theirs": QuestionState.PENDING,
    }
    assert [q["question_id"] for q in selectors.moderation_queue(event_id=live.event.pk)] == [
        someone_else.pk
    ]
    for question in waiting:
        question.refresh_from_db()
        assert question.moderated_by_id == live.moderator.pk
        assert question.published_body == ""
        # A removed question can never be published afterwards.
        assert _code(
            lambda q=question: services.question_approve(
                question_id=q.pk, actor_id=live.moderator.pk
            )
        ) == ("conflict")


def test_retention_deletes_network_mutes_once_the_event_is_over(live: LiveEvent) -> None:
    # Questions open days ahead: the mute must outlast the 48 hours of a network hash.
    ends_at = timezone.now() + timedelta(days=5)
    type(live.event).objects.filter(pk=live.event.pk).update(ends_at=ends_at)
    question = asked_question(live, "spam", network=network_hash("203.0.113.9"))
    services.participant_mute(
        event_id=live.event.pk, participant_id=question.participant_id, actor_id=live.moderator.pk
    )
    mute = NetworkMute.objects.get()

    personal_data_purge(now=mute.muted_at + timedelta(hours=49))  # the event is still on
    assert NetworkMute.objects.count() == 1
    personal_data_purge(now=ends_at + timedelta(hours=1))
    assert NetworkMute.objects.count() == 0


# --- §6 the moderator console -----------------------------------------------------------


def test_publishing_found_details_unmasked_needs_the_flag(live: LiveEvent) -> None:
    question = asked_question(live, PHONE_QUESTION)

    with pytest.raises(ChatError) as refused:
        services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    assert refused.value.code == "unmasked_details"
    assert "phone “07700 900123”" in refused.value.message
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING

    # A hand edit that keeps the number is refused the same way.
    assert (
        _code(
            lambda: services.question_approve(
                question_id=question.pk,
                actor_id=live.moderator.pk,
                body="Call me back on 07700 900123",
            )
        )
        == "unmasked_details"
    )
    assert services.question_approve(
        question_id=question.pk, actor_id=live.moderator.pk, publish_unmasked=True
    )
    question.refresh_from_db()
    assert (question.state, question.published_body) == (QuestionState.PUBLISHED, PHONE_QUESTION)


def test_publishing_the_masked_text_needs_no_flag(live: LiveEvent) -> None:
    question = asked_question(live, PHONE_QUESTION)
    masked = selectors.moderation_queue(event_id=live.event.pk)[0]["masked_body"]

    services.question_approve(question_id=question.pk, actor_id=live.moderator.pk, body=masked)

    question.refresh_from_db()
    assert question.published_body == "Please call me back on [phone removed] about my case"


def test_the_asker_of_an_edited_question_sees_the_published_wording(
    client: Client, live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    client.get(reverse("chat:live", args=[live.event.slug]))
    token = guest_token_of(client)
    # Committed, as in a request: the askers index learns this guest has asked (chat/askers.py).
    with django_capture_on_commit_callbacks(execute=True):
        asker = services.participant_for(event_id=live.event.pk, user_id=None, guest_token=token)
    question = asked_question(live, PHONE_QUESTION, participant=asker)
    services.question_approve(
        question_id=question.pk,
        actor_id=live.moderator.pk,
        body="Please call me back about my case",
    )
    question.refresh_from_db()

    own = question_for_asker(question)
    page = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert (own["edited"], own["published_body"]) == (True, "Please call me back about my case")
    assert "Please call me back about my case" in page
    assert "07700 900123" not in page
    assert "A moderator removed some details before publishing your question." in page


def test_your_questions_page_shows_the_published_wording_of_an_edited_question(
    client: Client, live: LiveEvent
) -> None:
    user = UserFactory(email="asker@example.org")
    asker = new_asker(live, user=user)
    question = asked_question(live, PHONE_QUESTION, participant=asker)
    services.question_approve(
        question_id=question.pk, actor_id=live.moderator.pk, body="Please call me back"
    )
    client.force_login(user)

    response = client.get(reverse("chat:my_questions"))
    page = response.content.decode()

    assert "Please call me back" in page and "07700 900123" not in page
    assert "A moderator removed some details before publishing your question." in page
    assert "no-store" in response["Cache-Control"]


def test_questions_waiting_at_the_close_are_not_reached_and_listed(
    client: Client, live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    client.get(reverse("chat:live", args=[live.event.slug]))
    token = guest_token_of(client)
    with django_capture_on_commit_callbacks(execute=True):
        asker = services.participant_for(event_id=live.event.pk, user_id=None, guest_token=token)
    waiting = asked_question(live, "Will anyone read this before the end?", participant=asker)
    answered = asked_question(live, "Published before the end")
    services.question_approve(question_id=answered.pk, actor_id=live.moderator.pk)

    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_close(event_id=live.event.pk)

    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert (waiting.state, answered.state) == (QuestionState.UNHANDLED, QuestionState.PUBLISHED)
    assert waiting.published_body == ""
    assert question_for_asker(waiting)["reason"] == UNHANDLED_MESSAGE
    assert "call 999" in UNHANDLED_MESSAGE and "116 123" in UNHANDLED_MESSAGE
    assert selectors.moderation_queue(event_id=live.event.pk) == []
    assert [q["question_id"] for q in selectors.unhandled_questions(event_id=live.event.pk)] == [
        waiting.pk
    ]
    page = client.get(reverse("chat:live", args=[live.event.slug])).content.decode()
    assert "Not reached" in page and "Waiting for a moderator" not in page
    assert "The panel did not get to your question before the webchat ended" in page
    # Running the step again (the archive task does) changes nothing.
    assert services.questions_mark_unhandled(event_id=live.event.pk) == 0


def test_moderator_console_lists_questions_not_reached(
    client: Client, live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    asked_question(live, "Still waiting at the end")
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_close(event_id=live.event.pk)
    client.force_login(live.moderator)

    response = client.get(reverse("chat:moderate", args=[live.event.slug]))
    page = response.content.decode()

    assert 'Not reached before the end (<span id="unhandled-count">1</span>)' in page
    assert "Still waiting at the end" in page
    assert "no-store" in response["Cache-Control"]


def test_console_makes_publishing_masked_the_primary_action(
    client: Client, live: LiveEvent
) -> None:
    question = asked_question(live, PHONE_QUESTION)
    client.force_login(live.moderator)

    # The question opened on the console (its row's "Open" link).
    page = client.get(
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={question.pk}"
    ).content.decode()
    item = page[page.index('class="app-queue-item') :]

    buttons = [
        label
        for label in ("Publish with details masked", "Publish without masking", "Decline")
        if label in item
    ]
    assert buttons == ["Publish with details masked", "Publish without masking", "Decline"]
    assert item.index("Publish with details masked") < item.index("<details")
    assert item.index("<details") < item.index("Publish without masking")
    assert (
        "Publish for everyone to see, with these details: phone “<bdi>07700 900123</bdi>”" in item
    )


def test_console_form_publishes_unmasked_only_when_ticked(client: Client, live: LiveEvent) -> None:
    question = asked_question(live, PHONE_QUESTION)
    client.force_login(live.moderator)
    url = reverse("chat:approve", args=[live.event.slug, question.pk])

    refused = client.post(url, {"body": PHONE_QUESTION}, follow=True).content.decode()
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING
    assert "This text still contains personal details (phone “07700 900123”)" in refused

    client.post(url, {"body": PHONE_QUESTION, "publish_unmasked": "on"})
    question.refresh_from_db()
    assert (question.state, question.published_body) == (QuestionState.PUBLISHED, PHONE_QUESTION)


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ("http://www.met.police.uk", "must use https://"),
        ("https://www.met.police.uk\nhttp://mencap.org.uk:8080", "http://mencap.org.uk:8080"),
    ],
)
def test_embed_origins_must_be_https(origins: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_embed_origins(origins)
    assert message in str(refused.value)


def test_embed_origins_on_localhost_may_be_plain_http() -> None:
    validate_embed_origins("http://localhost:8000\nhttp://127.0.0.1:3000\nhttps://example.org")


# --- §5 the shared device ---------------------------------------------------------------


def test_a_guests_identity_ends_when_the_browser_closes(client: Client, live: LiveEvent) -> None:
    response = client.get(reverse("chat:live", args=[live.event.slug]))

    cookie = response.cookies[GUEST_COOKIE_NAME]
    assert cookie.value and (cookie["expires"], cookie["max-age"]) == ("", "")
    # And nothing else about them is kept: no session.
    assert "sessionid" not in response.cookies and not Session.objects.exists()


def test_a_signed_in_users_session_is_left_to_sign_in(client: Client, live: LiveEvent) -> None:
    client.force_login(UserFactory(email="signed@example.org"))

    client.get(reverse("chat:live", args=[live.event.slug]))

    assert not client.session.get_expire_at_browser_close()


@pytest.mark.parametrize("page", ["chat:live", "chat:embed"])
def test_pages_with_a_persons_own_questions_are_never_stored(
    client: Client, live: LiveEvent, page: str
) -> None:
    response = client.get(reverse(page, args=[live.event.slug]))

    assert "no-store" in response["Cache-Control"]
    refused = client.post(reverse("chat:ask", args=[live.event.slug]), {"body": ""})
    assert refused.status_code == 400 and "no-store" in refused["Cache-Control"]


def test_panel_console_is_never_stored(client: Client, live: LiveEvent) -> None:
    client.force_login(live.panellist_user)

    response = client.get(reverse("chat:panel", args=[live.event.slug]))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_forget_my_questions_clears_them_from_this_browser_only(
    client: Client, live: LiveEvent
) -> None:
    live_url = reverse("chat:live", args=[live.event.slug])
    client.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "My husband hits me, what can I do?", "to": ""},
    )
    before = client.get(live_url).content.decode()
    assert "My husband hits me" in before and 'id="forget-questions-form"' in before

    done = client.post(reverse("chat:forget_questions", args=[live.event.slug]), follow=True)

    page = done.content.decode()
    assert "My husband hits me" not in page
    assert "Your questions are no longer shown on this device." in page
    # Nor does the live chat's socket: the browser's guest identity is a new one.
    assert guest_token_of(client) not in (None, Participant.objects.get().guest_token)
    # The moderators still have it.
    (waiting,) = selectors.moderation_queue(event_id=live.event.pk)
    assert waiting["body"] == "My husband hits me, what can I do?"


def test_forget_needs_a_post_and_leaves_a_signed_in_user_signed_in(
    client: Client, live: LiveEvent
) -> None:
    url = reverse("chat:forget_questions", args=[live.event.slug])
    assert client.get(url).status_code == 405
    user = UserFactory(email="signed@example.org")
    client.force_login(user)

    page = client.post(url, follow=True).content.decode()

    assert "Your questions are kept with your account." in page
    assert int(client.session["_auth_user_id"]) == user.pk


def test_embed_does_not_offer_forget(client: Client, live: LiveEvent) -> None:
    client.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "Asked here", "to": ""},
    )

    page = client.get(reverse("chat:embed", args=[live.event.slug])).content.decode()

    assert "Asked here" in page and "forget-questions-form" not in page


def test_muted_persons_new_questions_from_the_network_are_refused_at_the_form(
    client: Client, live: LiveEvent
) -> None:
    question = asked_question(live, "spam", network=network_hash("127.0.0.1"))
    services.participant_mute(
        event_id=live.event.pk, participant_id=question.participant_id, actor_id=live.moderator.pk
    )

    # A fresh browser (the test client's address is 127.0.0.1).
    response = client.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "Back again", "to": ""},
    )

    assert response.status_code == 403
    assert Question.objects.filter(body="Back again").count() == 0


def test_your_questions_page_says_when_the_panel_did_not_get_to_one(
    client: Client, live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory(email="late@example.org")
    asker = new_asker(live, user=user)
    asked_question(live, "Asked just before the end", participant=asker)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_close(event_id=live.event.pk)
    client.force_login(user)

    page = client.get(reverse("chat:my_questions")).content.decode()

    assert "Not reached before the end" in page
    assert "The panel did not get to your question before the webchat ended" in page
    assert "Waiting for a moderator" not in page


def test_reports_count_removed_as_declined_and_not_reached_as_unhandled(
    live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    from reports.selectors import question_figures_by_event

    muted = new_asker(live)
    asked_question(live, "From someone about to be muted", participant=muted)
    services.participant_mute(
        event_id=live.event.pk, participant_id=muted.pk, actor_id=live.moderator.pk
    )
    asked_question(live, "Still waiting at the end")
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_close(event_id=live.event.pk)

    figures = question_figures_by_event([live.event.pk])[live.event.pk]

    assert (figures.received, figures.declined, figures.unhandled, figures.published) == (
        2,
        1,
        1,
        0,
    )
