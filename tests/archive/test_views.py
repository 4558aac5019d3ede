"""The transcript archive: browse, filter, search, read and download the public record."""

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive import services as transcripts
from archive.models import Transcript
from chat.models import FeedItem
from events import services as event_services
from events.models import Event
from tests.factories import AgencyFactory, EventFactory, TopicFactory, UserFactory
from tests.live import finished_webchat, make_live_event

pytestmark = pytest.mark.django_db


def bulk_archived(
    slug: str, *, pairs: int, starts_at: datetime | None = None, **fields: object
) -> Event:
    """An archived event with `pairs` questions each answered, written straight to the feed."""
    agency = AgencyFactory()
    event = EventFactory(
        slug=slug, lead_agency=agency, **({"starts_at": starts_at} if starts_at else {}), **fields
    )
    now = timezone.now()
    items = []
    for index in range(pairs):
        qseq, aseq = 2 * index + 1, 2 * index + 2
        items.append(
            FeedItem(
                event=event,
                seq=qseq,
                kind="question",
                published_at=now,
                payload={
                    "type": "message",
                    "seq": qseq,
                    "kind": "question",
                    "question_id": qseq,
                    "body": f"Question number {index}",
                    "asker": "Member of the public",
                    "to": None,
                    "published_at": "2026-01-01T18:00:00Z",
                },
            )
        )
        items.append(
            FeedItem(
                event=event,
                seq=aseq,
                kind="answer",
                published_at=now,
                payload={
                    "type": "message",
                    "seq": aseq,
                    "kind": "answer",
                    "answer_id": aseq,
                    "question_id": qseq,
                    "question_seq": qseq,
                    "mode": "written",
                    "body": f"Answer number {index}",
                    "panellist": {
                        "id": 1,
                        "name": "Jo",
                        "role": "Officer",
                        "agency": agency.name,
                        "agency_short_name": agency.short_name,
                        "agency_slug": agency.slug,
                    },
                    "published_at": "2026-01-01T18:01:00Z",
                },
            )
        )
    FeedItem.objects.bulk_create(items)
    Event.objects.filter(pk=event.pk).update(status="closed")
    transcripts.transcript_archive(event_id=event.pk)
    event.refresh_from_db()
    return event


def test_transcript_page_shows_answers_beneath_their_question(client: Client) -> None:
    live = finished_webchat()

    page = client.get(reverse("archive:transcript", args=[live.event.slug]))

    html = page.content.decode()
    assert page.status_code == 200
    blocks = page.context["view"].blocks
    assert [(b.item["kind"], [a["body"] for a in b.answers]) for b in blocks] == [
        ("question", ["Use True Vision."])
    ]
    assert 'id="item-1"' in html and 'id="item-2"' in html
    assert "Answer</strong> from Jo Davies, Campaigns and Policy Officer, Mencap" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_transcript_page_keeps_the_checksum_in_a_check_this_download_details(
    client: Client,
) -> None:
    live = finished_webchat()
    transcript = Transcript.objects.get(event=live.event)

    page = client.get(reverse("archive:transcript", args=[live.event.slug]))

    html = page.content.decode()
    details = html[html.index('<details class="govuk-details" id="check-download">') :]
    details = details[: details.index("</details>")]
    assert "Check this download" in details
    assert transcript.sha256 in details
    assert html.count(transcript.sha256) == 1


def test_transcript_page_can_show_only_one_agencys_answers(client: Client) -> None:
    live = finished_webchat()

    mencap = client.get(reverse("archive:transcript", args=[live.event.slug]), {"agency": "mencap"})
    met = client.get(reverse("archive:transcript", args=[live.event.slug]), {"agency": "met"})

    assert len(mencap.context["view"].blocks) == 1
    assert met.context["view"].blocks == []
    assert "No answers from this agency." in met.content.decode()


def test_no_page_or_download_leaks_names_or_unpublished_questions(client: Client) -> None:
    live = finished_webchat()
    urls = [
        reverse("archive:transcript", args=[live.event.slug]),
        reverse("archive:transcript_json", args=[live.event.slug]),
        reverse("archive:transcript_csv", args=[live.event.slug]),
        reverse("archive:transcript_text", args=[live.event.slug]),
        reverse("archive:transcript_index"),
        reverse("archive:transcripts") + "?q=words",
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for private in (
            "Nina",
            "Dora",
            "Wes",
            "Declined words",
            "Waiting words",
            "Private",
            live.moderator.email,
            live.panellist_user.email,
        ):
            assert private not in body, (url, private)


def test_json_download_is_the_archived_record_matching_its_sha256(client: Client) -> None:
    live = finished_webchat()
    transcript = transcripts.current_transcript(event_id=live.event.pk)

    response = client.get(reverse("archive:transcript_json", args=[live.event.slug]))

    assert hashlib.sha256(response.content).hexdigest() == transcript.sha256
    assert response["X-Transcript-SHA256"] == transcript.sha256
    assert json.loads(response.content)["items"][0]["asker"] == "Member of the public"


def test_csv_download_neutralises_spreadsheet_formulas(client: Client) -> None:
    live = finished_webchat()
    services_body = "=cmd|' /C calc'!A0"
    transcripts.transcript_correct(
        event_id=live.event.pk, actor=UserFactory(), reason="test", replacements={2: services_body}
    )

    response = client.get(reverse("archive:transcript_csv", args=[live.event.slug]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "seq",
        "kind",
        "question",
        "in_reply_to_seq",
        "speaker",
        "body",
        "published_at",
        "corrected",
        "asked_by",
        "me_too",
    ]
    assert rows[2][5] == "'" + services_body
    assert rows[1][5].startswith("How do I report")


def test_text_download_reads_as_a_transcript(client: Client) -> None:
    live = finished_webchat()

    text = client.get(reverse("archive:transcript_text", args=[live.event.slug])).content.decode()

    assert "Answer to question 1 from Jo Davies, Campaigns and Policy Officer, Mencap:" in text
    assert text.splitlines()[0] == "Hate crime webchat"


def test_corrected_transcript_says_when_and_why_but_not_what(client: Client) -> None:
    live = finished_webchat()
    transcripts.transcript_correct(
        event_id=live.event.pk,
        actor=UserFactory(),
        reason="A name slipped through.",
        replacements={2: "Use True Vision online."},
    )

    html = client.get(reverse("archive:transcript", args=[live.event.slug])).content.decode()

    assert "This transcript was corrected by staff on" in html
    assert "A name slipped through." in html
    assert "Use True Vision online." in html
    assert "Use True Vision.<" not in html


def test_closed_event_without_archive_says_it_is_being_prepared(client: Client) -> None:
    live = make_live_event()
    event_services.event_close(event_id=live.event.pk)  # no commit here: no archive yet

    page = client.get(reverse("archive:transcript", args=[live.event.slug]))

    assert page.status_code == 200
    assert "Its transcript is being prepared" in page.content.decode()
    assert client.get(reverse("archive:transcript_json", args=[live.event.slug])).status_code == 404


def test_live_event_has_no_public_transcript(client: Client) -> None:
    live = make_live_event()

    assert client.get(reverse("archive:transcript", args=[live.event.slug])).status_code == 404


def test_list_is_newest_first_paginated_and_filtered(client: Client) -> None:
    hate = TopicFactory(name="Hate crime", slug="hate-crime")
    base = datetime(2025, 6, 1, 17, tzinfo=UTC)
    for index in range(21):
        event = bulk_archived(f"chat-{index}", pairs=1, starts_at=base + timedelta(days=30 * index))
        if index % 2 == 0:
            event.topics.add(hate)

    first = client.get(reverse("archive:transcripts"))
    second = client.get(reverse("archive:transcripts"), {"page": 2})
    topic = client.get(reverse("archive:transcripts"), {"topic": "hate-crime"})
    year = client.get(reverse("archive:transcripts"), {"year": "2025"})
    agency = client.get(
        reverse("archive:transcripts"),
        {"agency": Event.objects.get(slug="chat-3").lead_agency.slug},
    )

    assert [e.slug for e in first.context["page"].object_list][:2] == ["chat-20", "chat-19"]
    assert len(first.context["page"].object_list) == 20
    assert [e.slug for e in second.context["page"].object_list] == ["chat-0"]
    assert topic.context["page"].paginator.count == 11
    assert {e.starts_at.year for e in year.context["page"].object_list} == {2025}
    assert [e.slug for e in agency.context["page"].object_list] == ["chat-3"]


def test_search_finds_questions_and_answers_with_escaped_highlights(client: Client) -> None:
    finished_webchat()
    bulk_archived("other", pairs=3)

    page = client.get(reverse("archive:transcripts"), {"q": "report hate"})
    answers = client.get(reverse("archive:transcripts"), {"q": "Vision"})
    nothing = client.get(reverse("archive:transcripts"), {"q": "zebra"})

    hits = page.context["hits"]
    assert [(hit.event.slug, hit.seq) for hit in hits] == [("live-chat", 1)]
    assert "<mark>" in hits[0].snippet
    assert "<script>" not in hits[0].snippet
    assert [(hit.event.slug, hit.kind) for hit in answers.context["hits"]] == [
        ("live-chat", "answer")
    ]
    assert "Nothing matched" in nothing.content.decode()


def test_index_lists_every_transcript_with_its_checksum(client: Client) -> None:
    live = finished_webchat()
    transcript = transcripts.current_transcript(event_id=live.event.pk)

    index = client.get(reverse("archive:transcript_index")).json()

    assert [(t["slug"], t["sha256"], t["item_count"]) for t in index["transcripts"]] == [
        ("live-chat", transcript.sha256, 2)
    ]
    assert index["transcripts"][0]["json"].endswith("/transcripts/live-chat.json")


@pytest.mark.parametrize("count", [5, 30])
def test_list_and_search_pages_run_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries, count: int
) -> None:
    for index in range(count):
        bulk_archived(f"many-{index}", pairs=1)

    # count, page, agencies, topics, years, helplines, topics prefetch: whatever the count.
    with django_assert_num_queries(7):
        client.get(reverse("archive:transcripts"))
    # ...and one more for the search hits.
    with django_assert_num_queries(8):
        client.get(reverse("archive:transcripts"), {"q": "Answer"})


def test_large_transcript_page_renders_without_n_plus_one(
    client: Client, django_assert_num_queries
) -> None:
    small = bulk_archived("small", pairs=5)
    large = bulk_archived("large", pairs=1000)

    with django_assert_num_queries(5) as few:
        client.get(reverse("archive:transcript", args=[small.slug]))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("archive:transcript", args=[large.slug]))
    assert len(page.context["view"].blocks) == 1000


def test_event_and_live_pages_of_an_archived_webchat_link_to_its_transcript(client: Client) -> None:
    live = finished_webchat()
    transcript_url = reverse("archive:transcript", args=[live.event.slug])

    for page in (live.event.get_absolute_url(), reverse("chat:live", args=[live.event.slug])):
        assert f'href="{transcript_url}"' in client.get(page).content.decode(), page


def test_postgres_search_can_use_the_full_text_index() -> None:
    from django.db import connection

    from archive.models import TranscriptEntry
    from archive.selectors import transcript_entries_matching

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on PostgreSQL too)")
    finished_webchat()
    bulk_archived("other", pairs=3)
    matching = transcript_entries_matching(TranscriptEntry.objects.all(), "report hate")
    with connection.cursor() as cursor:
        # Tiny tables are cheaper to scan; forbid that to see whether the index fits at all.
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = matching.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert [entry.seq for entry in matching] == [1]
    assert "chat_transcriptentry_body_fts" in plan, plan


@pytest.mark.django_db
def test_every_download_format_is_listed_on_the_page_and_in_the_index(client: Client) -> None:
    """Adding a format is one entry in archive.downloads.FORMATS: the page, the index and the
    URL all follow from it."""
    from archive.downloads import FORMATS

    live = finished_webchat()
    page = client.get(reverse("archive:transcript", args=[live.event.slug])).content.decode()
    (entry,) = client.get(reverse("archive:transcript_index")).json()["transcripts"]

    for download in FORMATS.values():
        url = f"/transcripts/{live.event.slug}.{download.extension}"
        assert f'href="{url}"' in page
        assert entry[download.name].endswith(url)
        response = client.get(url)
        assert response["Content-Type"] == download.content_type
        assert response["Content-Disposition"].endswith(f'.{download.extension}"')


def test_transcript_archived_before_bylines_names_the_agency_once(client: Client) -> None:
    # Its answers were frozen with "role" and "agency" but no byline.
    event = bulk_archived("older", pairs=1)
    document = json.loads(Transcript.objects.get(event=event).content)
    answer = document["items"][1]
    agency = answer["panellist"]["agency"]
    assert "byline" not in answer["panellist"]
    Transcript.objects.filter(event=event).update(
        content=Transcript.objects.get(event=event).content.replace(
            '"role":"Officer"', f'"role":"Detective Chief Inspector, {agency}"'
        )
    )
    byline = f"Jo, Detective Chief Inspector, {agency}"

    html = client.get(reverse("archive:transcript", args=[event.slug])).content.decode()
    text = client.get(reverse("archive:transcript_text", args=[event.slug])).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("archive:transcript_csv", args=[event.slug])).content.decode()
            )
        )
    )

    assert f"Answer</strong> from {byline}</p>" in html
    assert f"Answer to question 1 from {byline}:" in text
    assert rows[2][4] == byline
    assert f"{agency}, {agency}" not in html + text
