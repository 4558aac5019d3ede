"""The embedded live chat: framing only by the event's listed origins, safety help kept."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import Question
from events.models import Event, embed_origins_parse
from tests.factories import AgencyFactory, admin_event_form
from tests.live import LiveEvent, make_live_event

pytestmark = pytest.mark.django_db

MET = "https://www.met.police.uk"
MENCAP = "https://www.mencap.org.uk"


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


def _list_origins(event: Event, text: str) -> None:
    event.embed_origins = text
    event.save(update_fields=["embed_origins"])


def _frame_ancestors(policy: str) -> str:
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def _ask_form(**overrides: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "body": "Can I report hate crime for someone else?",
        "to": "",
        **overrides,
    }


def test_embed_may_be_framed_by_exactly_the_listed_origins(client: Client, live: LiveEvent) -> None:
    _list_origins(live.event, f"{MET}\n  {MENCAP}/  \n")

    response = client.get(reverse("chat:embed", args=[live.event.slug]))

    assert response.status_code == 200
    assert _frame_ancestors(response["Content-Security-Policy"]) == (
        f"frame-ancestors {MET} {MENCAP}"
    )
    assert "X-Frame-Options" not in response


def test_embed_without_origins_may_not_be_framed(client: Client, live: LiveEvent) -> None:
    response = client.get(reverse("chat:embed", args=[live.event.slug]))

    assert response.status_code == 200
    assert _frame_ancestors(response["Content-Security-Policy"]) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_embed_with_only_junk_origins_may_not_be_framed(client: Client, live: LiveEvent) -> None:
    _list_origins(live.event, "www.met.police.uk\njavascript:alert(1)\nhttps://a.org; script-src *")

    response = client.get(reverse("chat:embed", args=[live.event.slug]))

    assert _frame_ancestors(response["Content-Security-Policy"]) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_other_pages_stay_unframeable_when_an_event_lists_origins(
    client: Client, live: LiveEvent
) -> None:
    _list_origins(live.event, MET)
    pages = [
        reverse("events:home"),
        live.event.get_absolute_url(),
        reverse("chat:live", args=[live.event.slug]),
        live.event.lead_agency.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _frame_ancestors(response["Content-Security-Policy"]) == "frame-ancestors 'none'"
        assert response["X-Frame-Options"] == "DENY", url


def test_embed_of_a_draft_event_is_404(client: Client) -> None:
    draft = make_live_event("draft-chat").event
    Event.objects.filter(pk=draft.pk).update(status="draft", embed_origins=MET)

    assert client.get(reverse("chat:embed", args=["draft-chat"])).status_code == 404


def test_embed_keeps_the_quick_exit_and_emergency_help(client: Client, live: LiveEvent) -> None:
    html = client.get(reverse("chat:embed", args=[live.event.slug])).content.decode()

    assert 'data-module="govuk-exit-this-page"' in html
    assert (
        "<strong>In an emergency, call 999.</strong> If it is not an emergency, call 101." in html
    )
    assert 'href="/#help" target="_blank" rel="noopener">More help and helplines' in html
    assert "<script>" not in html
    assert " style=" not in html
    # No site navigation or footer inside someone else's page.
    assert "govuk-service-navigation" not in html
    assert "govuk-footer" not in html


def test_embed_has_the_live_page_ids_that_live_js_uses(client: Client, live: LiveEvent) -> None:
    html = client.get(reverse("chat:embed", args=[live.event.slug])).content.decode()

    for element_id in [
        "live-chat",
        "live-status",
        "viewer-count",
        "closed-banner",
        "pinned-section",
        "pinned",
        "pause-button",
        "connection-status",
        "feed-empty",
        "feed",
        "announcer",
        "your-questions",
        "own-questions",
        "ask-closed-note",
        "ask-form",
        "ask-error",
        "ask-error-message",
        "id_body",
        "id_nickname",
        "id_anonymous",
        "id_to",
        "ask-button",
    ]:
        assert f'id="{element_id}"' in html, element_id
    assert f'data-ws-path="/ws/events/{live.event.slug}/"' in html
    assert 'src="/static/js/live.js"' in html
    assert f'action="/events/{live.event.slug}/live/ask/"' in html
    assert f'name="next" value="/events/{live.event.slug}/embed/"' in html


def test_asking_from_the_embed_comes_back_to_the_embed(client: Client, live: LiveEvent) -> None:
    client.get(reverse("chat:embed", args=[live.event.slug]))

    response = client.post(
        reverse("chat:ask", args=[live.event.slug]),
        _ask_form(body="Asked in the frame", next=f"/events/{live.event.slug}/embed/"),
    )
    page = client.get(reverse("chat:embed", args=[live.event.slug])).content.decode()

    assert response.status_code == 302
    assert response["Location"] == f"/events/{live.event.slug}/embed/#your-questions"
    assert Question.objects.get().body == "Asked in the frame"
    assert "Asked in the frame" in page
    assert "Waiting for a moderator" in page


@pytest.mark.parametrize(
    "next_value",
    [
        "https://evil.example/",
        "//evil.example/events/live-chat/embed/",
        "/events/other-chat/embed/",
        "/admin/",
        "/events/live-chat/embed/?x=1",
        "",
    ],
)
def test_ask_next_cannot_send_the_asker_anywhere_else(
    client: Client, live: LiveEvent, next_value: str
) -> None:
    response = client.post(reverse("chat:ask", args=[live.event.slug]), _ask_form(next=next_value))

    assert response.status_code == 302
    assert response["Location"] == f"/events/{live.event.slug}/live/#your-questions"


def test_event_page_shows_the_embed_snippet_only_when_origins_are_listed(
    client: Client, live: LiveEvent, django_capture_on_commit_callbacks
) -> None:
    without = client.get(live.event.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # as the admin's save commits
        _list_origins(live.event, MET)
    with_origins = client.get(live.event.get_absolute_url()).content.decode()

    assert "<iframe" not in without
    assert "&lt;iframe" not in without
    assert (
        '<pre class="govuk-body-s"><code>&lt;iframe src=&quot;http://testserver/events/'
        f"{live.event.slug}/embed/&quot; title=&quot;Live webchat: Hate crime webchat&quot; "
        "width=&quot;100%&quot; height=&quot;700&quot;&gt;&lt;/iframe&gt;</code></pre>"
    ) in with_origins
    assert "<iframe" not in with_origins


@pytest.mark.parametrize(
    ("text", "origins"),
    [
        ("", []),
        (f"{MET}\n{MET}/\nHTTPS://WWW.MET.POLICE.UK", [MET]),
        (
            "http://localhost:8000\nhttps://example.org:443/",
            ["http://localhost:8000", "https://example.org:443"],
        ),
        (
            "www.met.police.uk\nftp://example.org\nhttps://example.org/path\n"
            "https://*.example.org\nhttps://example.org:99999\nhttps://a.org https://b.org\n"
            "https://user@example.org\nhttps://example.org;frame-ancestors *",
            [],
        ),
    ],
)
def test_embed_origins_keep_only_valid_origins(text: str, origins: list[str]) -> None:
    assert embed_origins_parse(text) == origins


def test_admin_saves_listed_origins_in_the_live_chat_section(staff_client: Client) -> None:
    form = admin_event_form(lead_agency=str(AgencyFactory().pk), embed_origins=f"{MET}\r\n{MENCAP}")

    page = staff_client.get(reverse("admin:events_event_add")).content.decode()
    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert 'name="embed_origins"' in page
    assert response.status_code == 302
    assert Event.objects.get().embed_origin_list == [MET, MENCAP]


def test_admin_refuses_a_line_that_is_not_an_origin(staff_client: Client) -> None:
    form = admin_event_form(
        lead_agency=str(AgencyFactory().pk), embed_origins=f"{MET}\r\nwww.mencap.org.uk"
    )

    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert response.status_code == 200
    assert (
        "Not a website origin (write it like https://www.met.police.uk): www.mencap.org.uk"
        in response.content.decode()
    )
    assert not Event.objects.exists()


def test_admin_refuses_an_embed_origin_over_plain_http(staff_client: Client) -> None:
    form = admin_event_form(
        lead_agency=str(AgencyFactory().pk),
        embed_origins=f"{MET}\r\nhttp://www.mencap.org.uk\r\nhttp://localhost:8000",
    )

    response = staff_client.post(reverse("admin:events_event_add"), form)

    assert response.status_code == 200
    assert (
        "Websites that show the chat must use https:// (only localhost may use http://): "
        "http://www.mencap.org.uk" in response.content.decode()
    )
    assert not Event.objects.exists()
