"""Webchat reports (reports/): figures from a scripted webchat against numbers worked
out by hand, viewer sampling from the hubs' Redis hash, who may read a report, the SVG,
the CSV and the small number rule, and a fixed number of queries."""

import csv
import io
import re
import uuid
import xml.etree.ElementTree as ET  # our own page's markup, not untrusted input
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import EVENT_MANAGERS
from chat import services
from chat.models import Question
from events import services as event_services
from events.models import Event, Panellist
from realtime.hub import viewers_key
from reports import selectors
from reports import viewers as reports_viewers
from reports.charts import bar_chart, line_chart
from reports.models import ViewerSample
from reports.services import viewer_samples_purge, viewer_samples_take
from reports.tables import FEWER_THAN_5, shareable
from reports.tasks import sample_viewers
from safeguarding.detection import CRISIS_PHRASES
from safeguarding.models import SafeguardingPhrase
from tests.factories import (
    AgencyFactory,
    EventFactory,
    ModeratorFactory,
    PanellistFactory,
    PanellistUserFactory,
    PanelSeatFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
    grant_role,
)
from tests.live import asked_question

# The scripted webchat: Thursday 19 November 2026, 18:00 to 19:00 (GMT, so UK time = UTC).
T0 = datetime(2026, 11, 19, 18, 0, tzinfo=UTC)


class Clock:
    """The time services see (timezone.now), moved on by the script."""

    def __init__(self) -> None:
        self.moment = T0 - timedelta(days=2)

    def now(self) -> datetime:
        return self.moment

    def at(self, minutes: float) -> None:
        self.moment = T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake.now)
    return fake


@pytest.fixture(autouse=True)
def recount_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted hashes do not change between a sample's two reads: no need to wait."""
    monkeypatch.setattr(reports_viewers, "RECOUNT_SECONDS", 0.0)


@dataclass
class Webchat:
    event: Event
    moderator: User
    sam: User
    jo: User
    met_staff: User
    declined_body: str
    waiting_body: str


def hub_counts(event: Event, *counts: tuple[int, float]) -> None:
    """What the hubs of several processes would have written: (viewers, seconds ago) each."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = viewers_key(event.pk)
    client.delete(key)
    now = timezone.now().timestamp()
    for process, (viewers, age) in enumerate(counts):
        client.hset(key, f"process-{process}", f"{viewers}:{now - age}")
    client.close()


def scripted_webchat(clock: Clock) -> Webchat:
    """A one-hour webchat run through the services, minute by minute."""
    for phrase in CRISIS_PHRASES:
        SafeguardingPhrase.objects.get_or_create(kind="crisis", phrase=phrase)
    met = AgencyFactory(name="Metropolitan Police Service", short_name="MPS", slug="met")
    mencap = AgencyFactory(name="Mencap", short_name="Mencap", slug="mencap")
    event = EventFactory(
        slug="hate-crime",
        title="Hate crime: ask the panel",
        lead_agency=met,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
        questions_open_at=T0 - timedelta(days=1),
    )
    event.topics.add(TopicFactory(name="Hate crime", slug="hate-crime"))
    moderator = ModeratorFactory(email="moderator@example.org")
    event.moderators.add(moderator)
    sam, jo = (
        PanellistUserFactory(email="sam@example.org"),
        PanellistUserFactory(email="jo@example.org"),
    )
    PanelSeatFactory(
        event=event,
        panellist=PanellistFactory(name="Sam Faulkner", agency=met, user=sam),
        position=0,
    )
    PanelSeatFactory(
        event=event, panellist=PanellistFactory(name="Jo Davies", agency=mencap, user=jo)
    )
    # A press officer at the Met: linked to a panellist record, not on this panel.
    met_staff = PanellistUserFactory(email="press@met.example.org")
    PanellistFactory(name="Press Office", agency=met, user=met_staff)
    jo_id = Panellist.objects.get(user=jo).pk
    event_services.event_schedule(event_id=event.pk)

    def approve(question_id: int) -> None:
        services.question_approve(question_id=question_id, actor_id=moderator.pk)

    def answer(question_id: int, by: User, body: str = "Here is how.") -> None:
        services.question_answer(question_id=question_id, actor_id=by.pk, body=body)

    clock.at(-30)
    q1 = asked_question(event, "How do I report hate crime online?", to={"agency": "met"}).pk
    clock.at(0)
    event_services.event_open(event_id=event.pk)
    hub_counts(event, (2, 1))
    viewer_samples_take()
    clock.at(0 + 10 / 60)
    hub_counts(event, (3, 1), (4, 2), (100, 60))  # the third process stopped a minute ago
    viewer_samples_take()
    clock.at(1)
    q2 = asked_question(
        event,
        "Where can disabled people get support after hate crime?",
        to={"panellist": jo_id},
    ).pk
    hub_counts(event, (5, 0), (7, 2))
    viewer_samples_take()
    clock.at(1.5)
    hub_counts(event, (12, 0))
    viewer_samples_take()
    clock.at(2)
    approve(q1)
    clock.at(3)
    approve(q2)
    hub_counts(event, (5, 1))
    viewer_samples_take()
    clock.at(4)
    answer(q2, jo)
    clock.at(5)
    answer(q1, sam)
    q3 = asked_question(event, "Can I report hate crime anonymously?").pk
    clock.at(6)
    approve(q3)
    clock.at(7)
    declined_body = "You are all useless and Kevin Smith from 4 Elm Road is worse"
    q4 = asked_question(event, declined_body, nickname="Kev").pk
    clock.at(8)
    services.question_reject(question_id=q4, actor_id=moderator.pk, reason="Not a question.")
    services.participant_mute(
        event_id=event.pk,
        participant_id=Question.objects.get(pk=q4).participant_id,
        actor_id=moderator.pk,
    )
    clock.at(10)
    answer(q2, sam)  # a second answer: the first one counts for time to answer
    clock.at(20)
    waiting_body = "I am in danger now, my neighbour Dave threatens me"
    asked_question(event, waiting_body)
    clock.at(25)
    q6 = asked_question(
        event, "Is hate crime support available in Welsh?", to={"agency": "mencap"}
    ).pk
    clock.at(40)
    approve(q6)
    clock.at(50)
    answer(q6, jo)
    clock.at(60)
    event_services.event_close(event_id=event.pk)
    return Webchat(event, moderator, sam, jo, met_staff, declined_body, waiting_body)


@pytest.fixture
def webchat(db: None, clock: Clock) -> Webchat:
    return scripted_webchat(clock)


def test_report_figures_match_the_scripted_webchat(webchat: Webchat) -> None:
    report = selectors.event_report(event=selectors.reportable_event_by_slug(slug="hate-crime"))

    assert report.questions == selectors.QuestionFigures(
        received=6,
        published=4,
        answered=3,
        declined=1,
        unhandled=1,
        urgent=1,
        in_advance=1,
        muted_participants=1,
    )
    # Asking to publishing: q1 32 min, q2 2 min, q3 1 min, q6 15 min -> 60, 120, 900, 1920 s.
    assert report.to_publish == selectors.DurationSummary(4, (120 + 900) / 2, 1920)
    # Publishing to first answer: q1 3 min, q2 1 min (Jo; Sam's later one does not count),
    # q6 10 min -> 60, 180, 600 s.
    assert report.to_answer == selectors.DurationSummary(3, 180, 600)
    assert [
        (slot.starts_at, slot.to_publish.median, slot.to_answer.median)
        for slot in report.timing_slots
    ] == [(T0, 120, (180 + 60) / 2), (T0 + timedelta(minutes=30), 900, 600)]
    assert report.answers == 4
    assert [(row.name, row.agency, row.answers) for row in report.panellists] == [
        ("Jo Davies", "Mencap", 2),
        ("Sam Faulkner", "Metropolitan Police Service", 2),
    ]
    assert [
        (row.name, row.answers, row.addressed, row.addressed_answered) for row in report.agencies
    ] == [("Mencap", 2, 2, 2), ("Metropolitan Police Service", 2, 1, 1)]
    assert report.top_words == [
        ("crime", 4),
        ("hate", 4),
        ("report", 2),
        ("support", 2),
        ("anonymously", 1),
        ("available", 1),
        ("disabled", 1),
        ("online", 1),
        ("people", 1),
        ("welsh", 1),
    ]
    assert report.topics == ["Hate crime"]


def test_viewer_figures_match_the_samples_taken_while_live(webchat: Webchat) -> None:
    samples = list(
        ViewerSample.objects.filter(event=webchat.event).values_list("sampled_at", "viewers")
    )
    # Stale process counts (older than 20 s) are left out: 3 + 4, not 3 + 4 + 100.
    assert samples == [
        (T0, 2),
        (T0 + timedelta(seconds=10), 7),
        (T0 + timedelta(minutes=1), 12),
        (T0 + timedelta(minutes=1, seconds=30), 12),
        (T0 + timedelta(minutes=3), 5),
    ]
    viewers = selectors.event_report(event=webchat.event).viewers
    assert (viewers.peak, viewers.peak_minute, viewers.slot_minutes) == (
        12,
        T0 + timedelta(minutes=1),
        1,
    )
    assert [(slot.starts_at, slot.peak) for slot in viewers.slots] == [
        (T0, 7),
        (T0 + timedelta(minutes=1), 12),
        (T0 + timedelta(minutes=3), 5),
    ]


# --- who may read a report ---------------------------------------------------------------


def _report_url(event: Event) -> str:
    return reverse("reports:report", args=[event.slug])


@pytest.mark.parametrize(
    "who",
    [
        "event manager",
        "superuser",
        "moderator",
        "panellist",
        "other agency panellist",
        "agency staff",
    ],
)
def test_report_is_readable_by_every_role_the_issue_names(
    webchat: Webchat, client: Client, who: str
) -> None:
    users = {
        "event manager": lambda: grant_role(UserFactory(is_staff=True), EVENT_MANAGERS),
        "superuser": lambda: StaffFactory(),
        "moderator": lambda: webchat.moderator,
        "panellist": lambda: webchat.sam,
        "other agency panellist": lambda: webchat.jo,
        "agency staff": lambda: webchat.met_staff,
    }
    client.force_login(users[who]())

    page = client.get(_report_url(webchat.event))

    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert "Hate crime: ask the panel" in page.content.decode()


@pytest.mark.parametrize(
    "who", ["member of the public", "moderator of another event", "panellist elsewhere"]
)
def test_report_is_refused_to_everyone_else(webchat: Webchat, client: Client, who: str) -> None:
    other = EventFactory(slug="other")
    if who == "moderator of another event":
        user = ModeratorFactory()
        other.moderators.add(user)
    elif who == "panellist elsewhere":
        user = PanellistUserFactory()
        PanelSeatFactory(event=other, panellist=PanellistFactory(user=user))
    else:
        user = UserFactory()
    client.force_login(user)

    assert client.get(_report_url(webchat.event)).status_code == 403
    assert client.get(reverse("reports:report_csv", args=["hate-crime"])).status_code == 403


@pytest.mark.parametrize("removed", ["group", "second factor"])
def test_report_is_refused_to_agency_staff_whose_role_has_ended(
    webchat: Webchat, client: Client, removed: str
) -> None:
    """A leftover link to a panellist record is not a role: the group and the second factor
    are both needed, as they are for every other role."""
    from allauth.mfa.models import Authenticator

    if removed == "group":
        webchat.met_staff.groups.clear()
    else:
        Authenticator.objects.filter(user=webchat.met_staff).delete()
    client.force_login(webchat.met_staff)

    for url in (_report_url(webchat.event), reverse("reports:report_csv", args=["hate-crime"])):
        response = client.get(url)
        if removed == "group":
            assert response.status_code == 403
        else:  # still in the group: sent to set up the second factor first
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")


def test_report_sends_the_signed_out_public_to_sign_in(webchat: Webchat, client: Client) -> None:
    for url in (_report_url(webchat.event), reverse("reports:report_csv", args=["hate-crime"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_report_needs_the_second_factor_first(webchat: Webchat, client: Client) -> None:
    manager = grant_role(UserFactory(is_staff=True), EVENT_MANAGERS, mfa=False)
    client.force_login(manager)

    response = client.get(_report_url(webchat.event))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_report_of_an_unfinished_webchat_is_not_found(db: None, client: Client) -> None:
    live = EventFactory(slug="still-live")
    event_services.event_schedule(event_id=live.pk)
    event_services.event_open(event_id=live.pk)
    client.force_login(StaffFactory())

    assert client.get(_report_url(live)).status_code == 404


# --- the page, its charts and the small number rule --------------------------------------


def _manager_client(client: Client) -> Client:
    client.force_login(grant_role(UserFactory(is_staff=True), EVENT_MANAGERS))
    return client


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    return [ET.fromstring(svg) for svg in found]  # noqa: S314 - markup we rendered


SVG = "{http://www.w3.org/2000/svg}"


def test_report_charts_are_valid_svg_with_a_text_alternative(
    webchat: Webchat, client: Client
) -> None:
    html = _manager_client(client).get(_report_url(webchat.event)).content.decode()

    charts = _svgs(html)
    assert len(charts) == 5  # viewers, questions, timing, agencies, words
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert chart.find(f".//{SVG}script") is None
    descriptions = {
        chart.find(f"{SVG}title").text: chart.find(f"{SVG}desc").text for chart in charts
    }
    assert descriptions["Questions, by what happened to them"] == (
        "Received: 6; Asked in advance: 1; Published: 4; Answered: 3; Declined (all reasons): 1; "
        "Left unhandled: 1; Marked urgent: 1; Participants muted: 1."
    )
    assert descriptions["Answers given by each agency"] == (
        "Mencap: 2; Metropolitan Police Service: 2."
    )
    # Every chart has its table beside it.
    for table in ("viewers", "questions", "timing_over_time", "agencies", "words"):
        assert f'id="table-{table}"' in html


def test_report_page_shows_exact_figures_and_no_askers_or_unpublished_text(
    webchat: Webchat, client: Client
) -> None:
    page = _manager_client(client).get(_report_url(webchat.event))
    html = page.content.decode()

    assert page.context["tables"]["peak"].rows == [(12, T0 + timedelta(minutes=1))]
    assert "12, in the minute from 18:01" in html
    assert "32 min" in html  # q1's 32 minutes wait is the 90th percentile
    assert "8 min 30 s" in html  # the median wait to publish: (2 + 15) / 2 minutes
    assert "fewer than 5" not in html.split('id="small-number-rule"')[1].split("</div>", 1)[1]
    for private in ("Kevin", "Elm Road", "useless", "Dave", "danger", "Kev", "Not a question"):
        assert private not in html, private


def test_sharing_version_hides_counts_under_five_and_says_so(
    webchat: Webchat, client: Client
) -> None:
    page = _manager_client(client).get(_report_url(webchat.event), {"share": "1"})
    html = page.content.decode()

    assert "counts under 5 are shown as “fewer than 5”" in html
    tables = page.context["tables"]
    assert tables["questions"].rows[:3] == [
        ("Received", 6),
        ("Asked in advance", FEWER_THAN_5),
        ("Published", FEWER_THAN_5),
    ]
    # Times over fewer than 5 questions are not given; the picture leaves them out too.
    assert tables["timing"].rows[0] == (
        "Asking to publishing",
        FEWER_THAN_5,
        FEWER_THAN_5,
        FEWER_THAN_5,
    )
    assert tables["peak"].rows == [(12, T0 + timedelta(minutes=1))]
    questions_chart = page.context["charts"]["questions"]
    assert [bar.width for bar in questions_chart.bars][:2] == [330.0, 0]
    assert "32 min" not in html


def _csv_tables(content: str) -> dict[str, list[list[str]]]:
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] = tables.setdefault("heading", [])
    rows = list(csv.reader(io.StringIO(content)))
    for index, row in enumerate(rows):
        if not row:
            continue
        if index and not rows[index - 1] and len(row) == 1:
            current = tables.setdefault(row[0], [])
            continue
        current.append(row)
    return tables


def test_report_csv_holds_every_table_with_small_numbers_hidden(
    webchat: Webchat, client: Client
) -> None:
    response = _manager_client(client).get(reverse("reports:report_csv", args=["hate-crime"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="report-hate-crime-2026-11-19.csv"'
    )
    tables = _csv_tables(response.content.decode())
    assert tables["heading"][:2] == [
        ["Webchat", "Hate crime: ask the panel"],
        ["Starts (UK time)", "2026-11-19T18:00+00:00"],
    ]
    assert ["Small numbers", 'Counts under 5 are shown as "fewer than 5".'] in tables["heading"]
    assert tables["Questions"] == [
        ["What", "Number"],
        ["Received", "6"],
        ["Asked in advance", FEWER_THAN_5],
        ["Published", FEWER_THAN_5],
        ["Answered", FEWER_THAN_5],
        ["Declined (all reasons)", FEWER_THAN_5],
        ["Left unhandled", FEWER_THAN_5],
        ["Marked urgent", FEWER_THAN_5],
        ["Participants muted", FEWER_THAN_5],
    ]
    assert tables["People watching: the most at once"] == [
        ["Most watching at once", "In the minute from (UK time)"],
        ["12", "2026-11-19T18:01+00:00"],
    ]
    assert tables["People watching: the most at once in each 1 minutes"][1:] == [
        ["2026-11-19T18:00+00:00", "7"],
        ["2026-11-19T18:01+00:00", "12"],
        ["2026-11-19T18:03+00:00", "5"],
    ]
    assert tables["Time taken"][0] == [
        "From",
        "Questions",
        "Median (seconds)",
        "90th percentile (seconds)",
    ]
    assert tables["Most frequent words in published questions"][1:3] == [
        ["crime", FEWER_THAN_5],
        ["hate", FEWER_THAN_5],
    ]
    assert set(tables) >= {
        "Answers by agency, and questions addressed to each",
        "Answers by panellist",
        "Median time taken, by when questions were published",
    }


def test_small_number_rule_at_its_edge() -> None:
    assert [shareable(n, share=True) for n in (0, 4, 5, 6)] == [
        FEWER_THAN_5,
        FEWER_THAN_5,
        5,
        6,
    ]
    assert shareable(3, share=False) == 3


# --- a fixed number of queries -----------------------------------------------------------


def bulk_webchat(slug: str, *, questions: int, samples: int) -> Event:
    """A finished webchat written straight to the tables, for size (not behaviour)."""
    from chat.models import Answer, Participant

    agency = AgencyFactory()
    panellist = PanellistFactory(agency=agency)
    event = EventFactory(
        slug=slug, lead_agency=agency, starts_at=T0, ends_at=T0 + timedelta(hours=2)
    )
    PanelSeatFactory(event=event, panellist=panellist)
    Event.objects.filter(pk=event.pk).update(status="archived")
    participant = Participant.objects.create(event=event, guest_token=uuid.uuid4())
    states = ["answered", "published", "rejected", "pending"]
    made = Question.objects.bulk_create(
        Question(
            event=event,
            participant=participant,
            body=f"Question {index} about court support",
            published_body=f"Question {index} about court support",
            state=states[index % 4],
            to_agency=agency if index % 3 == 0 else None,
            moderated_at=T0 + timedelta(seconds=index),
        )
        for index in range(questions)
    )
    Answer.objects.bulk_create(
        Answer(question=question, panellist=panellist, body="Yes.")
        for question in made
        if question.state == "answered"
    )
    ViewerSample.objects.bulk_create(
        ViewerSample(event=event, sampled_at=T0 + timedelta(seconds=10 * index), viewers=index)
        for index in range(samples)
    )
    event.refresh_from_db()
    return event


def test_report_page_runs_the_same_queries_whatever_the_size(
    db: None, client: Client, django_assert_num_queries
) -> None:
    small = bulk_webchat("small", questions=8, samples=3)
    large = bulk_webchat("large", questions=400, samples=720)
    _manager_client(client)
    client.get(_report_url(small))  # the session and user, cached from here on

    # session, user, authenticator (MFA), event and its topics, groups (may read it?), then
    # published questions, answers, panel, samples, question counts, mutes, groups (link to
    # all webchats?), helplines, private conversations (counts only).
    with django_assert_num_queries(15):
        client.get(_report_url(small))
    with django_assert_num_queries(15):
        page = client.get(_report_url(large))
    assert page.context["report"].questions.received == 400
    assert page.context["report"].viewers.samples == 720


def test_view_across_webchats_runs_the_same_queries_whatever_the_number(
    db: None, client: Client, django_assert_num_queries
) -> None:
    _manager_client(client)
    bulk_webchat("first", questions=4, samples=2)
    with django_assert_num_queries(13) as few:
        client.get(reverse("reports:reports"))
    for index in range(5):
        bulk_webchat(f"more-{index}", questions=20, samples=5)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reports:reports"))
    assert len(page.context["rows"]) == 6


# --- the view across webchats ------------------------------------------------------------


def court_times(event: Event) -> tuple[selectors.DurationSummary, selectors.DurationSummary]:
    """bulk_webchat's times, worked out from its rows: published at T0 + index seconds."""
    from chat.models import Answer

    waits = sorted(
        (question.moderated_at - question.asked_at).total_seconds()
        for question in Question.objects.filter(event=event, state__in=["published", "answered"])
    )
    answers = sorted(
        (answer.answered_at - answer.question.moderated_at).total_seconds()
        for answer in Answer.objects.filter(question__event=event).select_related("question")
    )
    return (
        selectors.DurationSummary(4, (waits[1] + waits[2]) / 2, waits[3]),
        selectors.DurationSummary(2, (answers[0] + answers[1]) / 2, answers[1]),
    )


def test_view_across_webchats_gives_each_finished_webchat_its_headline_figures(
    webchat: Webchat, client: Client
) -> None:
    other = bulk_webchat("court", questions=8, samples=0)
    other.topics.add(TopicFactory(name="Courts", slug="courts"))
    EventFactory(slug="upcoming")  # not finished: never listed
    _manager_client(client)

    page = client.get(reverse("reports:reports"))

    q, took = selectors.QuestionFigures, selectors.DurationSummary
    assert [
        (
            row.event.slug,
            row.peak_viewers,
            row.questions,
            row.answers,
            row.to_publish,
            row.to_answer,
        )
        for row in page.context["rows"]
    ] == [
        ("hate-crime", 12, q(6, 4, 3, 1, 1, 1, 1, 1), 4, took(4, 510, 1920), took(3, 180, 600)),
        # 8 questions cycling answered, published, declined, waiting; no viewer samples.
        ("court", None, q(8, 4, 2, 2, 2, 0, 0, 0), 2, *court_times(other)),
    ]
    html = page.content.decode()
    assert reverse("reports:report", args=["hate-crime"]) in html


@pytest.mark.parametrize(
    ("filters", "slugs"),
    [
        ({"agency": "mencap"}, ["hate-crime"]),
        ({"agency": "met"}, ["hate-crime"]),
        ({"topic": "courts"}, ["court"]),
        ({"starts_from": "2026-11-19", "starts_to": "2026-11-19"}, ["hate-crime"]),
        ({"starts_from": "2026-11-20"}, ["court"]),
        ({"starts_to": "2026-11-18"}, []),
    ],
)
def test_view_across_webchats_filters_by_dates_agency_and_topic(
    webchat: Webchat, client: Client, filters: dict[str, str], slugs: list[str]
) -> None:
    court = bulk_webchat("court", questions=2, samples=0)
    Event.objects.filter(pk=court.pk).update(
        starts_at=T0 + timedelta(days=1), ends_at=T0 + timedelta(days=1, hours=1)
    )
    court.topics.add(TopicFactory(name="Courts", slug="courts"))
    _manager_client(client)

    page = client.get(reverse("reports:reports"), filters)

    assert page.status_code == 200
    assert [row.event.slug for row in page.context["rows"]] == slugs


def test_view_across_webchats_explains_a_backwards_date_range(db: None, client: Client) -> None:
    _manager_client(client)

    page = client.get(
        reverse("reports:reports"), {"starts_from": "2026-11-20", "starts_to": "2026-11-01"}
    )

    assert page.status_code == 400
    assert "The start of the date range must be on or before its end." in page.content.decode()
    response = client.get(
        reverse("reports:reports_csv"), {"starts_from": "2026-11-20", "starts_to": "2026-11-01"}
    )
    assert response.status_code == 400


def test_view_across_webchats_is_for_event_managers_only(webchat: Webchat, client: Client) -> None:
    for user in (webchat.moderator, webchat.sam, webchat.met_staff, UserFactory()):
        client.force_login(user)
        assert client.get(reverse("reports:reports")).status_code == 403
        assert client.get(reverse("reports:reports_csv")).status_code == 403
    client.logout()
    assert client.get(reverse("reports:reports")).status_code == 302


def test_view_across_webchats_csv_hides_small_numbers(webchat: Webchat, client: Client) -> None:
    response = _manager_client(client).get(reverse("reports:reports_csv"))

    tables = _csv_tables(response.content.decode())
    assert tables["Finished webchats"] == [
        [
            "Webchat",
            "Date",
            "Lead agency",
            "Most watching at once",
            "Questions received",
            "Published",
            "Answered",
            "Declined",
            "Left unhandled",
            "Marked urgent",
            "Answers given",
            "Median, asking to publishing (seconds)",
            "Median, publishing to first answer (seconds)",
        ],
        [
            "Hate crime: ask the panel",
            "2026-11-19T18:00:00+00:00",
            "Metropolitan Police Service",
            "12",
            "6",
            FEWER_THAN_5,
            FEWER_THAN_5,
            FEWER_THAN_5,
            FEWER_THAN_5,
            FEWER_THAN_5,
            FEWER_THAN_5,
            FEWER_THAN_5,  # medians of 4 and 3 questions: not given
            FEWER_THAN_5,
        ],
    ]


def test_report_csv_cells_never_start_a_formula(db: None, client: Client) -> None:
    event = bulk_webchat("formula", questions=1, samples=0)
    event.lead_agency.name = '=HYPERLINK("http://evil.example")'
    event.lead_agency.save()

    content = (
        _manager_client(client)
        .get(reverse("reports:report_csv", args=["formula"]))
        .content.decode()
    )

    assert ["Lead agency", '\'=HYPERLINK("http://evil.example")'] in list(
        csv.reader(io.StringIO(content))
    )


# --- viewer sampling ---------------------------------------------------------------------


def test_viewer_samples_are_taken_only_for_live_events(db: None, clock: Clock) -> None:
    clock.at(0)
    live, scheduled = EventFactory(slug="live-now"), EventFactory(slug="later")
    event_services.event_schedule(event_id=live.pk)
    event_services.event_open(event_id=live.pk)
    event_services.event_schedule(event_id=scheduled.pk)
    hub_counts(scheduled, (9, 0))
    redis.Redis.from_url(settings.REDIS_URL).delete(viewers_key(live.pk))

    assert sample_viewers.apply().get() == 1

    # Nobody watching yet is a count of 0, not a gap.
    assert list(ViewerSample.objects.values_list("event__slug", "viewers")) == [("live-now", 0)]


def test_viewer_samples_twice_in_one_slot_store_one_row(db: None, clock: Clock) -> None:
    clock.at(0)
    live = EventFactory(slug="live-now")
    event_services.event_schedule(event_id=live.pk)
    event_services.event_open(event_id=live.pk)
    hub_counts(live, (4, 0))

    viewer_samples_take()
    clock.at(4 / 60)  # 4 s later: same 10-second slot
    hub_counts(live, (6, 0))
    viewer_samples_take()

    assert list(ViewerSample.objects.values_list("sampled_at", "viewers")) == [(T0, 4)]


def test_a_viewer_sample_leaves_out_a_process_that_stops_writing_between_its_two_reads(
    db: None, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 30: a process killed 2.5 s ago is still fresh at the first read, while its
    viewers have reconnected to the other process; the report stored both (12, for 5)."""
    monkeypatch.setattr(reports_viewers, "RECOUNT_SECONDS", 1.0)
    clock.at(0)
    live = EventFactory(slug="live-now")
    event_services.event_schedule(event_id=live.pk)
    event_services.event_open(event_id=live.pk)
    hub_counts(live, (7, 2.5), (5, 0))

    viewer_samples_take()

    assert list(ViewerSample.objects.values_list("sampled_at", "viewers")) == [(T0, 5)]


def test_viewer_samples_leave_a_gap_when_redis_is_down(
    db: None, clock: Clock, settings, caplog: pytest.LogCaptureFixture
) -> None:
    clock.at(0)
    live = EventFactory(slug="live-now")
    event_services.event_schedule(event_id=live.pk)
    event_services.event_open(event_id=live.pk)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    assert viewer_samples_take() == 0

    assert not ViewerSample.objects.exists()
    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "viewer samples skipped: Redis unavailable"
    ]


def test_viewer_samples_are_kept_for_the_configured_days(db: None, settings) -> None:
    settings.REPORT_VIEWER_SAMPLE_KEEP_DAYS = 30
    old = bulk_webchat("old", questions=0, samples=3)
    recent = bulk_webchat("recent", questions=0, samples=2)
    Event.objects.filter(pk=recent.pk).update(ends_at=T0 + timedelta(days=20))

    assert viewer_samples_purge(now=T0 + timedelta(days=31)) == 3

    assert set(ViewerSample.objects.values_list("event__slug", flat=True)) == {"recent"}
    assert old.viewer_samples.count() == 0


def test_beat_samples_viewers_every_few_seconds() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["sample-viewers"]["task"] == "reports.sample_viewers"
    assert schedule["sample-viewers"]["schedule"] == settings.REPORT_VIEWER_SAMPLE_SECONDS == 10
    assert schedule["purge-viewer-samples"]["task"] == "reports.purge_viewer_samples"


# --- the charts on their own -------------------------------------------------------------


def test_bar_chart_bars_are_in_proportion_and_a_kept_back_value_draws_nothing() -> None:
    chart = bar_chart(
        id="c",
        title="t",
        description="d",
        bars=[("A", 10, "10"), ("B", 5, "5"), ("C", None, FEWER_THAN_5)],
    )

    assert [(bar.width, bar.text) for bar in chart.bars] == [
        (330.0, "10"),
        (165.0, "5"),
        (0, FEWER_THAN_5),
    ]


def test_line_chart_breaks_the_line_at_a_gap() -> None:
    chart = line_chart(
        id="c",
        title="t",
        description="d",
        x_labels=["18:00", "18:01", "18:02", "18:03", "18:04"],
        series=[("Watching", [10, 20, None, 40, None])],
    )

    (series,) = chart.series
    # x: 56 + 140 per point; y: 210 for 0 up to 12 for 50 (the scale's top above 40).
    assert series.segments == ["56.0,170.4 196.0,130.8"]
    assert series.dots == [(476.0, 51.6)]
    assert [tick.label for tick in chart.y_ticks] == ["0", "12.5", "25", "37.5", "50"]


# --- retention: the counts outlive the questions the purge deletes --------------------------


def test_report_keeps_its_counts_after_the_retention_purge(
    webchat: Webchat, client: Client, django_assert_num_queries
) -> None:
    from chat.retention import personal_data_purge
    from reports.models import QuestionTally

    before = selectors.event_report(event=selectors.reportable_event_by_slug(slug="hate-crime"))

    purged = personal_data_purge(now=T0 + timedelta(days=31), days=30)

    assert (purged.questions_deleted, purged.participants_deleted) == (2, 6)
    assert QuestionTally.objects.get(event=webchat.event).frozen_at == T0 + timedelta(days=31)
    after = selectors.event_report(event=selectors.reportable_event_by_slug(slug="hate-crime"))
    assert after.questions == before.questions
    assert after.questions.declined == after.questions.unhandled == 1
    assert (after.to_publish, after.to_answer, after.agencies) == (
        before.to_publish,
        before.to_answer,
        before.agencies,
    )
    _manager_client(client)
    client.get(_report_url(webchat.event))
    # Two fewer: the frozen counts come with the event.
    with django_assert_num_queries(13):
        page = client.get(_report_url(webchat.event))
    assert page.context["tables"]["questions"].rows[0] == ("Received", 6)
    assert "These counts were kept on 20 December 2026" in page.content.decode()
    rows = client.get(reverse("reports:reports")).context["rows"]
    assert (rows[0].questions.received, rows[0].questions.declined) == (6, 1)


def test_purge_twice_keeps_the_first_frozen_counts(webchat: Webchat) -> None:
    from chat.retention import personal_data_purge
    from reports.models import QuestionTally

    personal_data_purge(now=T0 + timedelta(days=31), days=30)
    personal_data_purge(now=T0 + timedelta(days=32), days=30)

    tally = QuestionTally.objects.get(event=webchat.event)
    assert (tally.received, tally.frozen_at) == (6, T0 + timedelta(days=31))


def test_exact_report_csv_gives_every_figure_and_says_do_not_publish(
    webchat: Webchat, client: Client
) -> None:
    response = _manager_client(client).get(reverse("reports:report_exact_csv", args=["hate-crime"]))

    assert response["Content-Disposition"] == (
        'attachment; filename="report-hate-crime-2026-11-19-exact-do-not-publish.csv"'
    )
    tables = _csv_tables(response.content.decode())
    assert tables["heading"][0] == [
        "EXACT FIGURES: contains small numbers, do not publish",
        "For use inside your organisation only. Share the other CSV, where counts under 5 "
        'are shown as "fewer than 5".',
    ]
    assert tables["Questions"][1:4] == [
        ["Received", "6"],
        ["Asked in advance", "1"],
        ["Published", "4"],
    ]
    assert not any(FEWER_THAN_5 in row for table in tables.values() for row in table[1:])


def test_report_page_offers_both_csvs_with_what_each_is_for(
    webchat: Webchat, client: Client
) -> None:
    html = _manager_client(client).get(_report_url(webchat.event)).content.decode()

    assert (
        f'href="{reverse("reports:report_csv", args=["hate-crime"])}" download>Download the '
        "tables as CSV (for sharing: small numbers hidden)"
    ) in html
    assert (
        f'href="{reverse("reports:report_exact_csv", args=["hate-crime"])}" download>Download '
        "the tables as CSV with exact figures (contains small numbers, do not publish"
    ) in html


def test_exact_report_csv_is_refused_to_whoever_cannot_read_the_report(
    webchat: Webchat, client: Client
) -> None:
    url = reverse("reports:report_exact_csv", args=["hate-crime"])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_view_across_webchats_exact_csv_gives_the_small_numbers(
    webchat: Webchat, client: Client
) -> None:
    response = _manager_client(client).get(reverse("reports:reports_exact_csv"))

    tables = _csv_tables(response.content.decode())
    assert tables["heading"][0][0] == "EXACT FIGURES: contains small numbers, do not publish"
    row = tables["Finished webchats"][1]
    assert row[0] == "Hate crime: ask the panel"
    assert FEWER_THAN_5 not in row
    assert response["Content-Disposition"].endswith('-exact-do-not-publish.csv"')
