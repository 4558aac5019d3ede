"""The lane's pages: the person's plain page (no JavaScript), the quick exit that ends it,
the crisis workers' pages, who is refused, and what never leaves the lane."""

import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from archive import services as archive_services
from archive.downloads import FORMATS
from chat.guests import GUEST_COOKIE_NAME
from chat.models import Question
from events import services as event_services
from support import services
from support.enums import ConversationState, EndedBy, Outcome
from support.models import Conversation, Reading
from tests.factories import CrisisWorkerFactory, StaffFactory
from tests.live import LiveEvent, asked_question, guest_token_of, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "live-chat"


@pytest.fixture
def lane(transactional_db: None) -> tuple[LiveEvent, User]:
    live = make_live_event()
    worker = CrisisWorkerFactory(email="worker@example.org", full_name="Priya Shah")
    live.event.crisis_workers.add(worker)
    services.duty_start(event_id=live.event.pk, actor_id=worker.pk)
    return live, worker


def url(name: str, *args: object) -> str:
    return reverse(f"support:{name}", args=[SLUG, *args])


def start_talking(client: Client) -> Conversation:
    client.get(url("talk"))
    response = client.post(url("start"), {"client_id": str(uuid.uuid4())})
    assert response.status_code == 302
    return Conversation.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_the_plain_page_starts_a_conversation_without_javascript(
    lane: tuple[LiveEvent, User],
) -> None:
    page = Client().get(url("talk"))
    assert "Priya Shah, Crisis worker" in page.content.decode()
    assert "Talk privately now" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    client = Client()
    conversation = start_talking(client)
    client.post(
        url("say"),
        {"conversation_id": conversation.pk, "client_id": str(uuid.uuid4()), "body": "help me"},
    )
    shown = client.get(url("talk"))
    text = shown.content.decode()
    assert "help me" in text
    assert "A crisis worker will reply to you here" in text
    assert "no-store" in shown["Cache-Control"]
    # The quick exit goes through our own page first while it is open.
    assert "/talk/exit/?t=" in text


def test_a_message_that_cannot_be_sent_stays_in_the_box(lane: tuple[LiveEvent, User]) -> None:
    client = Client()
    conversation = start_talking(client)
    services.person_leaves(
        person=services.Person(
            event_id=conversation.event_id, user_id=None, guest_token=guest_token_of(client)
        ),
    )
    response = client.post(
        url("say"),
        {"conversation_id": conversation.pk, "client_id": str(uuid.uuid4()), "body": "my words"},
    )
    assert response.status_code == 400
    assert "my words</textarea>" in response.content.decode()
    assert "has ended" in response.content.decode()


def test_nobody_on_duty_the_page_says_so_with_the_help_numbers(
    lane: tuple[LiveEvent, User],
) -> None:
    live, worker = lane
    services.duty_end(event_id=live.event.pk, actor_id=worker.pk)
    text = Client().get(url("talk")).content.decode()
    assert "No crisis worker is on duty" in text
    assert "116 123" in text and "0808 2000 247" in text
    assert "Talk privately now" not in text


def test_quick_exit_ends_it_on_this_device_and_forgets_the_device(
    lane: tuple[LiveEvent, User],
) -> None:
    client = Client()
    conversation = start_talking(client)
    page = client.get(url("talk")).content.decode()
    exit_link = page.split('href="/events/live-chat/talk/exit/?t=', 1)[1].split('"', 1)[0]
    response = client.get(url("exit") + "?t=" + exit_link)
    assert response.status_code == 302
    assert response["Location"] == settings.QUICK_EXIT_URL
    conversation.refresh_from_db()
    assert (conversation.state, conversation.ended_by) == (
        ConversationState.ENDED,
        EndedBy.DEVICE,
    )
    assert client.cookies[GUEST_COOKIE_NAME].value == ""
    # Back on the page (the same browser), nothing of it is shown.
    assert "Talk privately now" in client.get(url("talk")).content.decode()


def test_a_forged_exit_link_ends_nothing_and_still_exits(lane: tuple[LiveEvent, User]) -> None:
    client = Client()
    conversation = start_talking(client)
    response = Client().get(url("exit") + f"?t={conversation.pk}")
    assert response["Location"] == settings.QUICK_EXIT_URL
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.WAITING


def test_forget_my_questions_ends_it_too(lane: tuple[LiveEvent, User]) -> None:
    client = Client()
    conversation = start_talking(client)
    client.post(reverse("chat:forget_questions", args=[SLUG]))
    conversation.refresh_from_db()
    assert conversation.ended_by == EndedBy.DEVICE


def test_crisis_worker_pages_refuse_everyone_else(lane: tuple[LiveEvent, User]) -> None:
    live, _worker = lane
    conversation = start_talking(Client())
    other = make_live_event("other-chat")
    stranger = CrisisWorkerFactory(email="elsewhere@example.org")
    other.event.crisis_workers.add(stranger)
    admin = User.objects.create_superuser("admin@example.org", "pw")
    pages = [url("console"), url("conversation", conversation.pk)]
    posts = [url("claim"), url("reply", conversation.pk), url("end", conversation.pk)]
    for outsider in (None, live.moderator, live.panellist_user, stranger, admin):
        client = Client()
        if outsider is not None:
            client.force_login(outsider)
        for page in pages:
            assert client.get(page).status_code in {302, 403}, (outsider, page)
        for post in posts:
            assert client.post(post, {"outcome": "no_reply"}).status_code in {302, 403}
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.WAITING
    assert not Reading.objects.exists()


def test_the_worker_takes_replies_and_ends_with_an_outcome(
    lane: tuple[LiveEvent, User],
) -> None:
    _live, worker = lane
    person = Client()
    conversation = start_talking(person)
    client = Client()
    client.force_login(worker)
    console = client.get(url("console")).content.decode()
    assert "Take the next most urgent" in console
    assert f"#{conversation.pk}" in console
    client.post(url("claim"))
    client.post(
        url("reply", conversation.pk),
        {"client_id": str(uuid.uuid4()), "body": "I am here. Are you safe to talk?"},
    )
    page = client.get(url("conversation", conversation.pk))
    assert "no-store" in page["Cache-Control"]
    assert "National Domestic Abuse Helpline" in page.content.decode()
    assert Reading.objects.filter(reader=worker, place="console").exists()
    assert "I am here. Are you safe to talk?" in person.get(url("talk")).content.decode()
    client.post(url("end", conversation.pk), {"outcome": Outcome.ADVICE_GIVEN})
    conversation.refresh_from_db()
    assert (conversation.state, conversation.outcome) == (
        ConversationState.ENDED,
        Outcome.ADVICE_GIVEN,
    )


def test_ending_without_an_outcome_is_refused_on_the_conversation_page(
    lane: tuple[LiveEvent, User],
) -> None:
    _live, worker = lane
    conversation = start_talking(Client())
    client = Client()
    client.force_login(worker)
    client.post(url("claim"))

    response = client.post(url("end", conversation.pk), {}, follow=True)

    assert response.redirect_chain == [(url("conversation", conversation.pk), 302)]
    assert "Choose an outcome to record." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.HELD


def test_nothing_of_a_conversation_reaches_the_transcript_search_or_report(
    lane: tuple[LiveEvent, User],
) -> None:
    live, worker = lane
    secret = "my address is the blue house, he hits me every night"
    question = asked_question(live, secret)
    conversation_id = services.question_pass_to_crisis_worker(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    services.worker_says(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=conversation_id,
        client_id=str(uuid.uuid4()),
        body="private reply words",
    )
    event_services.event_close(event_id=live.event.pk)
    archive_services.transcript_archive(event_id=live.event.pk)
    staff = Client()
    staff.force_login(StaffFactory(email="boss@example.org"))
    pages = [
        Client().get(reverse("archive:transcript", args=[SLUG])),
        staff.get(reverse("reports:report", args=[SLUG])),
        staff.get(reverse("reports:report_csv", args=[SLUG])),
    ]
    for response in pages:
        text = response.content.decode()
        assert response.status_code == 200, response
        assert "blue house" not in text and "private reply words" not in text
    # Searching for its words finds nothing (the page repeats the query, nothing more).
    for words in ("blue house", "private reply words"):
        found = Client().get(reverse("archive:transcripts"), {"q": words}).content.decode()
        assert found.count(words) == found.count(f'value="{words}"') + found.count(f"“{words}”")
    for download in FORMATS.values():
        body = Client().get(reverse(f"archive:transcript_{download.name}", args=[SLUG]))
        assert body.status_code == 200
        text = (
            b"".join(body.streaming_content).decode() if body.streaming else body.content.decode()
        )
        assert "blue house" not in text and "private reply" not in text


def test_the_report_counts_conversations_and_hides_small_numbers_when_shared(
    lane: tuple[LiveEvent, User],
) -> None:
    live, worker = lane
    for _ in range(6):
        start_talking(Client())
    first = Conversation.objects.order_by("pk").first()
    assert first is not None
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    services.worker_says(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=first.pk,
        client_id=str(uuid.uuid4()),
        body="words that stay out of reports",
    )
    services.conversation_end(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=first.pk,
        outcome=Outcome.TOLD_TO_CALL_999,
    )
    event_services.event_close(event_id=live.event.pk)
    staff = Client()
    staff.force_login(StaffFactory(email="boss@example.org"))
    inside = staff.get(reverse("reports:report", args=[SLUG])).content.decode()
    assert "Private conversations" in inside
    assert "Began: asked for by the person" in inside
    assert "words that stay out" not in inside
    rows = staff.get(reverse("reports:report_csv", args=[SLUG])).content.decode()
    assert "Conversations,6" in rows
    assert "Ended: told to call 999,fewer than 5" in rows
    assert "words that stay out" not in rows


def test_the_asker_sees_a_passed_question_as_passed_not_published(
    lane: tuple[LiveEvent, User],
) -> None:
    live, _ = lane
    client = Client()
    client.post(
        reverse("chat:ask", args=[SLUG]),
        {"client_id": str(uuid.uuid4()), "body": "My dad hits my mum when he drinks."},
    )
    question = Question.objects.get()
    services.question_pass_to_crisis_worker(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )

    html = client.get(reverse("chat:live", args=[SLUG])).content.decode()

    own = html.split('id="own-questions"', 1)[1].split("</ul>", 1)[0]
    assert "My dad hits my mum when he drinks." in own
    assert "Passed to the crisis worker" in own
    assert "Published" not in own
