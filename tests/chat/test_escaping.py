"""User text is text everywhere: every page that shows it escapes it."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from archive import services as transcripts
from chat import services
from events import services as event_services
from tests.live import make_live_event

pytestmark = pytest.mark.django_db

XSS = '<img src=x onerror="alert(1)">'


def test_every_page_showing_user_text_escapes_it() -> None:
    live = make_live_event()
    asker = Client()
    asker.post(
        reverse("chat:ask", args=[live.event.slug]),
        {
            "client_id": str(uuid.uuid4()),
            "body": f"Quokka {XSS}",
            "nickname": f"N{XSS}"[:40],
            "to": "",
        },
    )
    asker.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": f"Declined {XSS}", "to": ""},
    )
    from chat.models import Question

    published, declined = Question.objects.order_by("pk")
    moderator = Client()
    moderator.force_login(live.moderator)
    panellist = Client()
    panellist.force_login(live.panellist_user)

    pages = {"moderator console": moderator.get(reverse("chat:moderate", args=[live.event.slug]))}
    services.question_approve(question_id=published.pk, actor_id=live.moderator.pk)
    services.question_reject(question_id=declined.pk, actor_id=live.moderator.pk, reason=f"R {XSS}")
    services.question_answer(
        question_id=published.pk, actor_id=live.panellist_user.pk, body=f"A {XSS}"
    )
    services.announcement_post(event_id=live.event.pk, actor_id=live.moderator.pk, body=f"M {XSS}")
    pages["live page (asker)"] = asker.get(reverse("chat:live", args=[live.event.slug]))
    pages["panel console"] = panellist.get(reverse("chat:panel", args=[live.event.slug]))
    event_services.event_close(event_id=live.event.pk)
    transcripts.transcript_archive(event_id=live.event.pk)
    public = Client()
    pages["transcript"] = public.get(reverse("archive:transcript", args=[live.event.slug]))
    search = public.get(reverse("archive:transcripts"), {"q": "quokka"}).content.decode()
    pages["embed"] = public.get(reverse("chat:embed", args=[live.event.slug]))

    # PostgreSQL's search parser drops markup from snippets; whatever it shows is escaped.
    assert "<mark>Quokka</mark>" in search
    assert XSS not in search
    for name, response in pages.items():
        html = response.content.decode()
        assert XSS not in html, name
        # Shown, as text (search results mark the matched word inside the escaped text).
        assert "&lt;img src=x onerror=" in html, name


def test_moderator_sees_personal_details_highlighted_and_escaped() -> None:
    live = make_live_event()
    Client().post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": f"{XSS} ring 07700 900123", "to": ""},
    )
    moderator = Client()
    moderator.force_login(live.moderator)

    html = moderator.get(reverse("chat:moderate", args=[live.event.slug])).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; ring <mark>07700 900123</mark>" in html


def test_downloads_cannot_run_as_pages() -> None:
    live = make_live_event()
    services.announcement_post(event_id=live.event.pk, actor_id=live.moderator.pk, body=XSS)
    event_services.event_close(event_id=live.event.pk)
    transcripts.transcript_archive(event_id=live.event.pk)
    client = Client()

    for name, content_type in (
        ("archive:transcript_json", "application/json"),
        ("archive:transcript_csv", "text/csv"),
        ("archive:transcript_text", "text/plain"),
    ):
        response = client.get(reverse(name, args=[live.event.slug]))
        assert response["Content-Type"].startswith(content_type), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Content-Disposition"].startswith("attachment;"), name
