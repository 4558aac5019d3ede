"""Accounts for members of the public: sign up, verify, sign in, reset, reminders,
"your questions" and deleting the account."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from archive.models import Transcript
from archive.services import transcript_archive
from chat import services as chat_services
from chat.models import Participant, Question
from events import services as event_services
from events.models import EventFollow
from events.tasks import send_reminders
from tests.factories import EventFactory, ModeratorFactory, UserFactory
from tests.live import asked_question, make_live_event

pytestmark = pytest.mark.django_db
PASSWORD = "a long unusual passphrase 41"
NICKNAME = "Sam from Leeds"


def link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def verified_user(email: str = "sam@example.org") -> User:
    user = UserFactory(email=email)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(client: Client, email: str, password: str = PASSWORD) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()


def test_sign_up_needs_the_email_address_verified_before_signing_in(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]

    # Signing in before verifying sends another link instead of signing in.
    client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    confirm = link_in(message)
    assert client.get(confirm).status_code == 200
    client.post(confirm)
    assert EmailAddress.objects.get(email="new@example.org").verified

    sign_in(client, "new@example.org")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="new@example.org").pk


def test_a_wrong_password_is_refused_with_a_clear_message(client: Client) -> None:
    verified_user()
    response = client.post(
        reverse("account_login"), {"login": "sam@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "The email address or password is wrong." in (response.content.decode())
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password_after(
    client: Client,
) -> None:
    verified_user()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "sam@example.org", "password": "no"})

    response = client.post(
        reverse("account_login"), {"login": "sam@example.org", "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert "Too many tries to sign in." in response.content.decode()


def test_password_reset_by_email_link(client: Client) -> None:
    verified_user()
    client.post(reverse("account_reset_password"), {"email": "sam@example.org"})
    (message,) = mail.outbox

    set_password = client.get(link_in(message))
    assert set_password.status_code == 302
    new_password = "another long passphrase 77"
    response = client.post(
        set_password["Location"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302

    assert User.objects.get(email="sam@example.org").check_password(new_password)
    sign_in(Client(), "sam@example.org", new_password)


def test_follow_an_event_and_get_one_reminder_before_it_starts(client: Client) -> None:
    user = verified_user()
    soon = timezone.now() + timedelta(minutes=30)
    event = EventFactory(
        title="Hate crime webchat", starts_at=soon, ends_at=soon + timedelta(hours=1)
    )
    event_services.event_schedule(event_id=event.pk)
    later = EventFactory(
        starts_at=soon + timedelta(days=3), ends_at=soon + timedelta(days=3, hours=1)
    )
    event_services.event_schedule(event_id=later.pk)
    client.force_login(user)

    page = client.get(reverse("events:event_detail", args=[event.slug])).content.decode()
    assert "Email me a reminder" in page
    client.post(reverse("events:event_follow", args=[event.slug]), {"follow": "yes"})
    client.post(reverse("events:event_follow", args=[later.slug]), {"follow": "yes"})
    assert (
        "Stop the email reminder"
        in client.get(reverse("events:event_detail", args=[event.slug])).content.decode()
    )

    assert send_reminders.delay().get() == 1
    assert send_reminders.delay().get() == 0  # run again, by beat or a second worker

    (reminder,) = mail.outbox
    assert reminder.to == ["sam@example.org"]
    # The subject does not name the webchat (inboxes are read by others); the body does.
    assert "Hate crime" not in reminder.subject
    assert "Hate crime webchat" in reminder.body
    assert f"/events/{event.slug}/live/" in reminder.body
    assert EventFollow.objects.get(event=later).reminder_sent_at is None


def test_a_reminder_is_written_in_the_language_the_page_was_read_in(client: Client) -> None:
    user = verified_user()
    soon = timezone.now() + timedelta(minutes=30)
    event = EventFactory(
        title="Hate crime webchat", starts_at=soon, ends_at=soon + timedelta(hours=1)
    )
    event_services.event_schedule(event_id=event.pk)
    client.force_login(user)
    client.get(reverse("events:event_detail", args=[event.slug]) + "?lang=cy")

    client.post(reverse("events:event_follow", args=[event.slug]), {"follow": "yes"})
    assert send_reminders.delay().get() == 1

    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Nodyn atgoffa: mae sgwrs we rydych chi'n ei dilyn")
    assert "Gofynnoch i ni eich atgoffa am y sgwrs we hon:" in reminder.body
    assert "Hate crime webchat" in reminder.body
    assert "You asked us" not in reminder.body


def test_unfollowing_means_no_reminder_and_cancelled_events_send_none(client: Client) -> None:
    user = verified_user()
    soon = timezone.now() + timedelta(minutes=10)
    kept, cancelled = (
        EventFactory(starts_at=soon, ends_at=soon + timedelta(hours=1)) for _ in range(2)
    )
    for event in (kept, cancelled):
        event_services.event_schedule(event_id=event.pk)
        event_services.event_follow(event_id=event.pk, user_id=user.pk)
    client.force_login(user)
    client.post(reverse("events:event_follow", args=[kept.slug]), {"follow": "no"})
    event_services.event_cancel(event_id=cancelled.pk)

    assert send_reminders.delay().get() == 0
    assert mail.outbox == []


def test_following_needs_an_account(client: Client) -> None:
    event = EventFactory()
    event_services.event_schedule(event_id=event.pk)
    page = client.get(reverse("events:event_detail", args=[event.slug])).content.decode()
    assert "to get an email reminder" in page

    response = client.post(reverse("events:event_follow", args=[event.slug]), {"follow": "yes"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not EventFollow.objects.exists()


def test_my_questions_lists_each_question_with_its_status_and_reason(client: Client) -> None:
    live = make_live_event()
    user = verified_user()
    published = asked_question(live, "How do I report a hate crime online?", NICKNAME, user=user)
    declined = asked_question(live, "Can you look at my neighbour's case?", NICKNAME, user=user)
    waiting = asked_question(live, "Is there support in Welsh?", NICKNAME, user=user)
    chat_services.question_approve(
        question_id=published.pk, actor_id=live.moderator.pk, event_id=live.event.pk
    )
    chat_services.question_reject(
        question_id=declined.pk,
        actor_id=live.moderator.pk,
        reason="We cannot discuss individual cases here.",
        event_id=live.event.pk,
    )
    client.force_login(user)

    page = client.get(reverse("chat:my_questions")).content.decode()

    assert "Hate crime webchat" in page
    for question in (published, declined, waiting):
        assert question.body.replace("'", "&#x27;") in page
    assert "Published" in page and "Declined" in page and "Waiting for a moderator" in page
    assert "We cannot discuss individual cases here." in page
    # Someone else's page shows none of it.
    client.force_login(verified_user("other@example.org"))
    others = client.get(reverse("chat:my_questions")).content.decode()
    assert "How do I report a hate crime online?" not in others


def test_deleting_an_account_removes_personal_data_and_keeps_transcripts_intact(
    client: Client,
) -> None:
    live = make_live_event()
    user = verified_user()
    published = asked_question(live, "How do I report a hate crime online?", NICKNAME, user=user)
    waiting = asked_question(
        live, "My address is 12 Acacia Avenue, is that OK?", NICKNAME, user=user
    )
    chat_services.question_approve(
        question_id=published.pk, actor_id=live.moderator.pk, event_id=live.event.pk
    )
    event_services.event_follow(event_id=live.event.pk, user_id=user.pk)
    event_services.event_close(event_id=live.event.pk)
    transcript_archive(event_id=live.event.pk)
    before = (
        Transcript.objects.get(event=live.event).sha256,
        client.get(reverse("archive:transcript_json", args=[live.event.slug])).content,
    )

    sign_in(client, "sam@example.org")
    page = client.get(reverse("accounts:delete"))
    assert "You cannot undo this." in page.content.decode()
    # Deleting asks for the password again first (allauth's reauthentication).
    asked = client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(email="sam@example.org").exists()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    refused = client.post(reverse("accounts:delete"), {})
    assert "Tick the box to confirm" in refused.content.decode()
    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(email="sam@example.org").exists()
    assert not EmailAddress.objects.filter(email="sam@example.org").exists()
    assert not EventFollow.objects.exists()
    assert (
        not Participant.objects.filter(user__isnull=False, event=live.event)
        .exclude(user__in=[live.moderator, live.panellist_user])
        .exists()
    )
    assert not Question.objects.filter(pk=waiting.pk).exists()
    kept = Question.objects.get(pk=published.pk)
    assert kept.participant is None and kept.nickname == ""
    assert "_auth_user_id" not in client.session
    # The archive is untouched: same version, same bytes.
    assert Transcript.objects.filter(event=live.event).count() == 1
    after = client.get(reverse("archive:transcript_json", args=[live.event.slug])).content
    assert (Transcript.objects.get(event=live.event).sha256, after) == before
    assert "How do I report a hate crime online?" in after.decode()


def test_staff_and_role_holders_cannot_delete_their_own_account(client: Client) -> None:
    moderator = ModeratorFactory(email="mod@example.org")
    moderator.set_password(PASSWORD)
    moderator.save()
    EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
    client.force_login(moderator)

    page = client.get(reverse("accounts:delete")).content.decode()

    assert "Ask an administrator to close it." in page
    client.post(reverse("accounts:delete"), {"confirm": "on"})
    assert User.objects.filter(pk=moderator.pk).exists()
