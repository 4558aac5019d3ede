"""Reads for reports: one finished webchat's figures, and one row per webchat across many.

Every figure is computed from a fixed number of queries (questions, answers, panel, viewer
samples, mutes), whatever the size of the webchat; the arithmetic is done here in Python.
Nothing returned identifies an asker: counts, durations and words of published questions.
"""

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from chat.enums import QuestionState
from chat.models import Answer, Participant, Question
from events.enums import ENDED_EVENT_STATUSES
from events.models import Agency, Event, PanelSeat, Topic
from events.selectors import events_with_agency_and_topic
from reports.models import QuestionTally, ViewerSample
from reports.stopwords import STOP_WORDS
from support import selectors as support_selectors

# Only a finished webchat has a report.
REPORTED_STATUSES = ENDED_EVENT_STATUSES
PUBLISHED_STATES = (QuestionState.PUBLISHED, QuestionState.ANSWERED)
DECLINED_STATES = (QuestionState.REJECTED, QuestionState.REMOVED)
UNHANDLED_STATES = (QuestionState.PENDING, QuestionState.UNHANDLED)
TOP_WORDS = 20
# The report lists this many of the questions most people said "me too" of.
MOST_WANTED = 10
# Timing over time: questions grouped by when they were published, in slots this long.
TIMING_SLOT = timedelta(minutes=15)
# The viewers chart and table show the peak in each slot; the slot grows with the event so
# that the table stays short enough to read (at most about 30 rows).
VIEWER_SLOT_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 240)
VIEWER_SLOT_ROWS = 30
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")


@dataclass(frozen=True)
class DurationSummary:
    """Seconds from one moment to another over a set of questions."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "DurationSummary":
        if not seconds:
            return cls(0, None, None)
        ordered = sorted(seconds)
        # Nearest rank: 90% of questions took this long or less (an actual question's time).
        p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
        return cls(len(ordered), statistics.median(ordered), p90)


QUESTION_COUNTS = (
    "received",
    "published",
    "answered",
    "declined",
    "unhandled",
    "urgent",
    "in_advance",
)


@dataclass(frozen=True)
class QuestionFigures:
    received: int
    published: int
    answered: int
    declined: int
    unhandled: int
    urgent: int
    in_advance: int
    muted_participants: int


@dataclass(frozen=True)
class ViewerSlot:
    starts_at: datetime
    peak: int


@dataclass(frozen=True)
class ViewerFigures:
    samples: int
    peak: int | None
    # The first minute (its start) in which the peak was seen.
    peak_minute: datetime | None
    slot_minutes: int
    slots: list[ViewerSlot]


@dataclass(frozen=True)
class TimingSlot:
    starts_at: datetime
    to_publish: DurationSummary
    to_answer: DurationSummary


@dataclass(frozen=True)
class PanellistAnswers:
    name: str
    agency: str
    answers: int


@dataclass(frozen=True)
class AgencyFigures:
    name: str
    answers: int
    # Questions the asker addressed to this agency or one of its panellists...
    addressed: int
    # ...and how many of those a panellist of this agency answered.
    addressed_answered: int


@dataclass(frozen=True)
class EventReport:
    event: Event
    topics: list[str]
    questions: QuestionFigures
    viewers: ViewerFigures
    to_publish: DurationSummary
    to_answer: DurationSummary
    timing_slots: list[TimingSlot]
    panellists: list[PanellistAnswers]
    agencies: list[AgencyFigures]
    top_words: list[tuple[str, int]]
    answers: int
    # Published questions people said "I want to know this too" of: (number, text, count),
    # most first, at most MOST_WANTED.
    most_wanted: list[tuple[int | None, str, int]] = field(default_factory=list)
    # When the question counts were frozen, before the retention purge (None: live counts).
    counts_frozen_at: datetime | None = None
    # The private lane's counts (support/): never a word of what was said.
    lane: "LaneReport | None" = None


@dataclass(frozen=True)
class LaneReport:
    conversations: int
    by_origin: dict[str, int]
    by_outcome: dict[str, int]
    first_reply: DurationSummary


def lane_report(event: Event) -> LaneReport:
    figures = support_selectors.lane_figures(event=event)
    return LaneReport(
        conversations=figures.conversations,
        by_origin=figures.by_origin,
        by_outcome=figures.by_outcome,
        first_reply=DurationSummary.of(figures.first_reply_seconds),
    )


def reportable_event_by_slug(*, slug: str) -> Event:
    """A finished webchat, with what every report needs. Raises Event.DoesNotExist."""
    return (
        Event.objects.select_related("lead_agency", "question_tally")
        .prefetch_related("topics")
        .get(slug=slug, status__in=REPORTED_STATUSES)
    )


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _viewer_figures(samples: Sequence[tuple[datetime, int]]) -> ViewerFigures:
    if not samples:
        return ViewerFigures(0, None, None, 1, [])
    peak_at, peak = max(samples, key=lambda sample: (sample[1], -sample[0].timestamp()))
    first, last = samples[0][0], samples[-1][0]
    span_minutes = (last - first).total_seconds() / 60 + 1
    slot_minutes = next(
        (size for size in VIEWER_SLOT_MINUTES if span_minutes / size <= VIEWER_SLOT_ROWS),
        VIEWER_SLOT_MINUTES[-1],
    )
    origin = _minute(first)
    slot = timedelta(minutes=slot_minutes)
    peaks: dict[int, int] = {}
    for moment, viewers in samples:
        index = int((moment - origin) / slot)
        peaks[index] = max(peaks.get(index, 0), viewers)
    slots = [
        ViewerSlot(origin + index * slot, peaks[index])
        for index in range(max(peaks) + 1)
        if index in peaks
    ]
    return ViewerFigures(len(samples), peak, _minute(peak_at), slot_minutes, slots)


def top_words(texts: Iterable[str], *, limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The words used by the most questions (each question counts a word once), stop words
    and words under three letters left out; ties in alphabetical order so the list is stable."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            {
                word
                for word in WORD.findall(text.lower().replace("\u2019", "'"))
                if len(word) >= 3 and word not in STOP_WORDS
            }
        )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def question_figures_by_event(event_ids: Sequence[int]) -> dict[int, QuestionFigures]:
    """Question counts per event from the live tables, in two queries whatever the number
    of events. An event's frozen tally (QuestionTally), once the retention purge has run,
    replaces these: see `question_figures`."""
    counts: dict[int, dict[str, Any]] = {
        row["event_id"]: dict(row)
        for row in Question.objects.filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(
            received=Count("pk"),
            published=Count("pk", filter=Q(state__in=PUBLISHED_STATES)),
            answered=Count("pk", filter=Q(state=QuestionState.ANSWERED)),
            # Removed when their asker was muted: a moderator's refusal too.
            declined=Count("pk", filter=Q(state__in=DECLINED_STATES)),
            # Marked "not reached" when the webchat closed, or still waiting (a live one).
            unhandled=Count("pk", filter=Q(state__in=UNHANDLED_STATES)),
            urgent=Count("pk", filter=Q(is_urgent=True)),
            in_advance=Count("pk", filter=Q(asked_at__lt=F("event__starts_at"))),
        )
        .order_by()
    }
    muted = dict(
        Participant.objects.filter(event_id__in=event_ids, is_muted=True)
        .values_list("event_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    zero = dict.fromkeys(QUESTION_COUNTS, 0)
    return {
        event_id: QuestionFigures(
            **{name: counts.get(event_id, zero)[name] for name in QUESTION_COUNTS},
            muted_participants=muted.get(event_id, 0),
        )
        for event_id in event_ids
    }


def _tally(event: Event) -> QuestionTally | None:
    try:
        return event.question_tally
    except QuestionTally.DoesNotExist:
        return None


def _frozen_figures(event: Event) -> QuestionFigures | None:
    tally = _tally(event)
    if tally is None:
        return None
    return QuestionFigures(
        **{name: getattr(tally, name) for name in (*QUESTION_COUNTS, "muted_participants")}
    )


def question_figures(events: Sequence[Event]) -> dict[int, QuestionFigures]:
    """Each event's question counts: frozen if the retention purge has run, else live.
    `events` come with their `question_tally` selected (no query per event)."""
    figures = {event.pk: frozen for event in events if (frozen := _frozen_figures(event))}
    live = [event.pk for event in events if event.pk not in figures]
    if live:
        figures.update(question_figures_by_event(live))
    return figures


def event_report(*, event: Event) -> EventReport:
    """Every figure of one webchat's report, in six queries whatever its size (four once
    its question counts are frozen; one more if its topics were not prefetched)."""
    questions = list(
        Question.objects.filter(event=event, state__in=PUBLISHED_STATES).values_list(
            "pk",
            "state",
            "asked_at",
            "moderated_at",
            "published_body",
            "to_agency_id",
            "to_panellist__agency_id",
            "number",
            "me_too_count",
        )
    )
    answers = list(
        Answer.objects.filter(question__event=event)
        .order_by("answered_at", "pk")
        .values_list(
            "question_id",
            "answered_at",
            "panellist_id",
            "panellist__name",
            "panellist__agency_id",
            "panellist__agency__name",
        )
    )
    seats = list(
        PanelSeat.objects.filter(event=event).values_list(
            "panellist_id", "panellist__name", "panellist__agency_id", "panellist__agency__name"
        )
    )
    samples = list(
        ViewerSample.objects.filter(event=event)
        .order_by("sampled_at")
        .values_list("sampled_at", "viewers")
    )
    figures = question_figures([event])[event.pk]

    first_answer_at: dict[int, datetime] = {}
    answering_agencies: dict[int, set[int]] = defaultdict(set)
    by_panellist: Counter[int] = Counter()
    names: dict[int, tuple[str, int, str]] = {
        panellist_id: (name, agency_id, agency) for panellist_id, name, agency_id, agency in seats
    }
    for question_id, answered_at, panellist_id, name, agency_id, agency in answers:
        first_answer_at.setdefault(question_id, answered_at)
        answering_agencies[question_id].add(agency_id)
        by_panellist[panellist_id] += 1
        names.setdefault(panellist_id, (name, agency_id, agency))

    to_publish: list[float] = []
    to_answer: list[float] = []
    slot_publish: dict[int, list[float]] = defaultdict(list)
    slot_answer: dict[int, list[float]] = defaultdict(list)
    addressed: Counter[int] = Counter()
    addressed_answered: Counter[int] = Counter()
    published_texts: list[str] = []
    wanted: list[tuple[int | None, str, int]] = []
    for (
        pk,
        state,
        asked_at,
        moderated_at,
        body,
        to_agency,
        to_panellist_agency,
        number,
        me_too,
    ) in questions:
        if me_too and state in PUBLISHED_STATES:
            wanted.append((number, body, me_too))
        if state not in PUBLISHED_STATES or moderated_at is None:
            continue
        # Published questions only: the purge deletes the others, and only these can be
        # answered.
        target = to_agency or to_panellist_agency
        if target:
            addressed[target] += 1
            if target in answering_agencies.get(pk, ()):
                addressed_answered[target] += 1
        published_texts.append(body)
        slot = max(int((moderated_at - event.starts_at) / TIMING_SLOT), 0)
        waited = (moderated_at - asked_at).total_seconds()
        to_publish.append(waited)
        slot_publish[slot].append(waited)
        if pk in first_answer_at:
            took = max((first_answer_at[pk] - moderated_at).total_seconds(), 0.0)
            to_answer.append(took)
            slot_answer[slot].append(took)

    agency_names = {event.lead_agency_id: event.lead_agency.name}
    agency_names.update((agency_id, agency) for _, agency_id, agency in names.values())
    answers_by_agency: Counter[int] = Counter()
    for panellist_id, count in by_panellist.items():
        answers_by_agency[names[panellist_id][1]] += count
    agencies = sorted(
        (
            AgencyFigures(
                name=agency_names[agency_id],
                answers=answers_by_agency[agency_id],
                addressed=addressed[agency_id],
                addressed_answered=addressed_answered[agency_id],
            )
            for agency_id in agency_names.keys() | addressed.keys()
            if agency_id in agency_names
        ),
        key=lambda row: (-row.answers, row.name),
    )
    panellists = sorted(
        (
            PanellistAnswers(name=name, agency=agency, answers=by_panellist[panellist_id])
            for panellist_id, (name, _, agency) in names.items()
        ),
        key=lambda row: (-row.answers, row.name),
    )
    slots = sorted(slot_publish.keys() | slot_answer.keys())
    return EventReport(
        event=event,
        topics=[topic.name for topic in event.topics.all()],
        questions=figures,
        viewers=_viewer_figures(samples),
        to_publish=DurationSummary.of(to_publish),
        to_answer=DurationSummary.of(to_answer),
        timing_slots=[
            TimingSlot(
                starts_at=event.starts_at + index * TIMING_SLOT,
                to_publish=DurationSummary.of(slot_publish[index]),
                to_answer=DurationSummary.of(slot_answer[index]),
            )
            for index in slots
        ],
        panellists=panellists,
        agencies=agencies,
        top_words=top_words(published_texts),
        answers=len(answers),
        most_wanted=sorted(wanted, key=lambda row: (-row[2], row[0] or 0))[:MOST_WANTED],
        counts_frozen_at=tally.frozen_at if (tally := _tally(event)) else None,
        lane=lane_report(event),
    )


# --- across webchats ------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    starts_from: date | None = None
    starts_to: date | None = None
    agency: str = ""
    topic: str = ""


@dataclass(frozen=True)
class EventRow:
    event: Event
    peak_viewers: int | None
    questions: QuestionFigures
    answers: int
    to_publish: DurationSummary
    to_answer: DurationSummary


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def reported_events(filters: ReportFilters) -> QuerySet[Event]:
    """Finished webchats matching the filters, newest first. Dates are UK days, inclusive."""
    events = Event.objects.filter(status__in=REPORTED_STATUSES)
    if filters.starts_from:
        events = events.filter(starts_at__gte=_day_start(filters.starts_from))
    if filters.starts_to:
        events = events.filter(starts_at__lt=_day_start(filters.starts_to + timedelta(days=1)))
    events = events_with_agency_and_topic(
        events, agency_slug=filters.agency, topic_slug=filters.topic
    )
    return events.distinct().order_by("-starts_at", "pk")


def _median_times(event_ids: list[int]) -> dict[int, tuple[DurationSummary, DurationSummary]]:
    """Per event: time from asking to publishing and from publishing to the first answer,
    over its published questions (one query: each question with its first answer's time)."""
    to_publish: dict[int, list[float]] = defaultdict(list)
    to_answer: dict[int, list[float]] = defaultdict(list)
    published = (
        Question.objects.filter(
            event_id__in=event_ids, state__in=PUBLISHED_STATES, moderated_at__isnull=False
        )
        .annotate(first_answer_at=Min("answers__answered_at"))
        .values_list("event_id", "asked_at", "moderated_at", "first_answer_at")
        .order_by()
    )
    for event_id, asked_at, moderated_at, first_answer_at in published:
        if moderated_at is None:  # excluded by the filter; says so to the type checker
            continue
        to_publish[event_id].append((moderated_at - asked_at).total_seconds())
        if first_answer_at is not None:
            to_answer[event_id].append(max((first_answer_at - moderated_at).total_seconds(), 0))
    return {
        event_id: (
            DurationSummary.of(to_publish[event_id]),
            DurationSummary.of(to_answer[event_id]),
        )
        for event_id in event_ids
    }


def event_rows(filters: ReportFilters) -> list[EventRow]:
    """One row of headline figures per finished webchat, in six queries whatever the
    number of webchats or questions (counts are grouped in the database)."""
    events = list(reported_events(filters).select_related("lead_agency", "question_tally"))
    ids = [event.pk for event in events]
    figures = question_figures(events)
    answer_counts = dict(
        Answer.objects.filter(question__event_id__in=ids)
        .values_list("question__event_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    peaks = dict(
        ViewerSample.objects.filter(event_id__in=ids)
        .values_list("event_id")
        .annotate(peak=Max("viewers"))
        .order_by()
    )
    times = _median_times(ids)
    return [
        EventRow(
            event=event,
            peak_viewers=peaks.get(event.pk),
            questions=figures[event.pk],
            answers=answer_counts.get(event.pk, 0),
            to_publish=times[event.pk][0],
            to_answer=times[event.pk][1],
        )
        for event in events
    ]


def report_filter_choices() -> tuple[list[Agency], list[Topic]]:
    """Agencies and topics to filter by (two queries)."""
    return list(Agency.objects.order_by("name")), list(Topic.objects.order_by("name"))
