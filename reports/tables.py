"""A report's tables, built once and shown on the page, in the CSV and beside each chart.

Cells hold raw values (counts, seconds, moments, text); the page and the CSV each format
them their own way. In a version meant to leave the organisation (`share=True`) the small
number rule is applied here, before anything formats a cell: a count under 5 becomes
FEWER_THAN_5, and a median or 90th percentile over fewer than 5 questions is not given.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from reports.selectors import DurationSummary, EventReport, EventRow, LaneReport

SMALL_NUMBER = 5
FEWER_THAN_5 = "fewer than 5"

Cell = int | float | str | datetime | None


@dataclass(frozen=True)
class Column:
    title: str
    # "text", "count", "seconds", "minute" (a moment, shown to the minute), "date"
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]]


def shareable(value: int, *, share: bool) -> int | str:
    """The small number rule: a count under 5 is not given in a version that leaves us."""
    return FEWER_THAN_5 if share and value < SMALL_NUMBER else value


def _duration(summary: DurationSummary, value: float | None, *, share: bool) -> Cell:
    if share and summary.count < SMALL_NUMBER:
        return FEWER_THAN_5 if summary.count else None
    return value


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def report_tables(report: EventReport, *, share: bool) -> dict[str, Table]:
    q = report.questions
    tables = [
        Table(
            "questions",
            "Questions",
            (Column("What"), Column("Number", "count")),
            [
                ("Received", shareable(q.received, share=share)),
                ("Asked in advance", shareable(q.in_advance, share=share)),
                ("Published", shareable(q.published, share=share)),
                ("Answered", shareable(q.answered, share=share)),
                ("Declined (all reasons)", shareable(q.declined, share=share)),
                ("Left unhandled", shareable(q.unhandled, share=share)),
                ("Marked urgent", shareable(q.urgent, share=share)),
                ("Participants muted", shareable(q.muted_participants, share=share)),
            ],
        ),
        Table(
            "timing",
            "Time taken",
            (
                Column("From"),
                Column("Questions", "count"),
                Column("Median", "seconds"),
                Column("90th percentile", "seconds"),
            ),
            [
                (
                    label,
                    shareable(summary.count, share=share),
                    _duration(summary, summary.median, share=share),
                    _duration(summary, summary.p90, share=share),
                )
                for label, summary in (
                    ("Asking to publishing", report.to_publish),
                    ("Publishing to first answer", report.to_answer),
                )
            ],
        ),
        Table(
            "timing_over_time",
            "Median time taken, by when questions were published",
            (
                Column("Published from (UK time)", "minute"),
                Column("Questions published", "count"),
                Column("Median, asking to publishing", "seconds"),
                Column("Median, publishing to first answer", "seconds"),
            ),
            [
                (
                    _local(slot.starts_at),
                    shareable(slot.to_publish.count, share=share),
                    _duration(slot.to_publish, slot.to_publish.median, share=share),
                    _duration(slot.to_answer, slot.to_answer.median, share=share),
                )
                for slot in report.timing_slots
            ],
        ),
        Table(
            "peak",
            "People watching: the most at once",
            (
                Column("Most watching at once", "count"),
                Column("In the minute from (UK time)", "minute"),
            ),
            []
            if report.viewers.peak is None
            else [
                (
                    shareable(report.viewers.peak, share=share),
                    _local(report.viewers.peak_minute),
                )
            ],
        ),
        Table(
            "viewers",
            f"People watching: the most at once in each {report.viewers.slot_minutes} minutes",
            (Column("From (UK time)", "minute"), Column("Watching", "count")),
            [
                (_local(slot.starts_at), shareable(slot.peak, share=share))
                for slot in report.viewers.slots
            ],
        ),
        Table(
            "agencies",
            "Answers by agency, and questions addressed to each",
            (
                Column("Agency"),
                Column("Answers given", "count"),
                Column("Questions addressed to it", "count"),
                Column("Of those, answered by it", "count"),
            ),
            [
                (
                    row.name,
                    shareable(row.answers, share=share),
                    shareable(row.addressed, share=share),
                    shareable(row.addressed_answered, share=share),
                )
                for row in report.agencies
            ],
        ),
        Table(
            "panellists",
            "Answers by panellist",
            (Column("Panellist"), Column("Agency"), Column("Answers given", "count")),
            [
                (row.name, row.agency, shareable(row.answers, share=share))
                for row in report.panellists
            ],
        ),
        Table(
            "most_wanted",
            "Questions people most wanted answered (“I want to know this too”)",
            (
                Column("Question"),
                Column("Published text"),
                Column("People who wanted to know too", "count"),
            ),
            [
                (f"Question {number}" if number else "-", text, shareable(count, share=share))
                for number, text, count in report.most_wanted
            ],
        ),
        Table(
            "words",
            "Most frequent words in published questions",
            (Column("Word"), Column("Questions using it", "count")),
            [(word, shareable(count, share=share)) for word, count in report.top_words],
        ),
    ]
    if report.lane is not None and report.lane.conversations:
        tables += lane_tables(report.lane, share=share)
    return {table.key: table for table in tables}


def lane_tables(lane: LaneReport, *, share: bool) -> list[Table]:
    """The private lane in counts: how conversations began and ended, and how long people
    waited for a person. Nothing anyone said."""
    return [
        Table(
            "lane",
            "Private conversations with a crisis worker",
            (Column("What"), Column("Number", "count")),
            [
                ("Conversations", shareable(lane.conversations, share=share)),
                *(
                    (f"Began: {label.lower()}", shareable(count, share=share))
                    for label, count in lane.by_origin.items()
                ),
                *(
                    (f"Ended: {label.lower()}", shareable(count, share=share))
                    for label, count in lane.by_outcome.items()
                ),
            ],
        ),
        Table(
            "lane_timing",
            "Time to a crisis worker's first reply",
            (
                Column("Conversations", "count"),
                Column("Median", "seconds"),
                Column("90th percentile", "seconds"),
            ),
            [
                (
                    shareable(lane.first_reply.count, share=share),
                    _duration(lane.first_reply, lane.first_reply.median, share=share),
                    _duration(lane.first_reply, lane.first_reply.p90, share=share),
                )
            ],
        ),
    ]


def headline_table(rows: list[EventRow], *, share: bool) -> Table:
    """The view across webchats: one row per webchat."""
    return Table(
        "webchats",
        "Finished webchats",
        (
            Column("Webchat"),
            Column("Date", "date"),
            Column("Lead agency"),
            Column("Most watching at once", "count"),
            Column("Questions received", "count"),
            Column("Published", "count"),
            Column("Answered", "count"),
            Column("Declined", "count"),
            Column("Left unhandled", "count"),
            Column("Marked urgent", "count"),
            Column("Answers given", "count"),
            Column("Median, asking to publishing", "seconds"),
            Column("Median, publishing to first answer", "seconds"),
        ),
        [
            (
                row.event.title,
                _local(row.event.starts_at),
                row.event.lead_agency.name,
                None if row.peak_viewers is None else shareable(row.peak_viewers, share=share),
                shareable(row.questions.received, share=share),
                shareable(row.questions.published, share=share),
                shareable(row.questions.answered, share=share),
                shareable(row.questions.declined, share=share),
                shareable(row.questions.unhandled, share=share),
                shareable(row.questions.urgent, share=share),
                shareable(row.answers, share=share),
                _duration(row.to_publish, row.to_publish.median, share=share),
                _duration(row.to_answer, row.to_answer.median, share=share),
            )
            for row in rows
        ],
    )
