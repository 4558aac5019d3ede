"""Reads for the transcript archive: browsing, searching and reading published transcripts.

They read the archived transcripts (and their search index), never the live tables.
"""

import re
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape

from archive.models import TranscriptEntry
from chat.payloads import with_question_numbers
from events.models import Event
from events.selectors import events_with_agency_and_topic

MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class ArchiveFilters:
    query: str = ""
    agency: str = ""
    topic: str = ""
    year: int | None = None


def archived_events(filters: ArchiveFilters) -> QuerySet[Event]:
    """Archived events with a transcript, newest first, narrowed by agency, topic and year."""
    events = (
        Event.objects.filter(status="archived", transcripts__isnull=False)
        .select_related("lead_agency")
        .prefetch_related("topics")
        .distinct()
        .order_by("-starts_at", "-pk")
    )
    events = events_with_agency_and_topic(
        events, agency_slug=filters.agency, topic_slug=filters.topic
    )
    if filters.year:
        events = events.filter(starts_at__year=filters.year)
    return events


def archive_years() -> list[int]:
    return sorted(
        {
            moment.year
            for moment in Event.objects.filter(status="archived").values_list(
                "starts_at", flat=True
            )
        },
        reverse=True,
    )


@dataclass(frozen=True)
class SearchHit:
    event: Event
    seq: int
    kind: str
    speaker: str
    snippet: str  # safe HTML: escaped text with <mark> around the matches


def _highlight(text: str) -> str:
    """Escape first, then turn the match markers into <mark>: user text never becomes HTML."""
    return str(escape(text)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _simple_snippet(body: str, words: list[str], width: int = 200) -> str:
    lowered = body.lower()
    first = min((lowered.find(w) for w in words if w in lowered), default=0)
    start = max(0, first - width // 3)
    excerpt = (
        ("…" if start else "")
        + body[start : start + width]
        + ("…" if start + width < len(body) else "")
    )
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return _highlight(pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", excerpt))


def transcript_entries_matching(
    entries: QuerySet[TranscriptEntry], query: str
) -> QuerySet[TranscriptEntry]:
    """PostgreSQL full-text search over transcript entries, best first, with snippets.
    The vector is the expression the GIN index in migration chat/0008 is built on."""
    search_query = SearchQuery(query, config="english", search_type="websearch")
    vector = SearchVector("body", config="english")
    return (
        entries.annotate(
            document=vector,
            rank=SearchRank(vector, search_query),
            snippet=SearchHeadline(
                "body",
                search_query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=35,
                min_words=15,
            ),
        )
        .filter(document=search_query)
        .order_by("-rank", "-event__starts_at", "seq")
    )


def transcript_search(filters: ArchiveFilters, *, limit: int = 50) -> list[SearchHit]:
    """Questions and answers matching the words, best first (PostgreSQL full-text search
    with ranking and highlighted snippets; a plain word match elsewhere)."""
    query = filters.query.strip()
    if not query:
        return []
    entries = TranscriptEntry.objects.filter(
        event__in=archived_events(replace(filters, query="")).values("pk")
    ).select_related("event__lead_agency")
    if connection.vendor == "postgresql":
        rows = transcript_entries_matching(entries, query)[:limit]
        return [
            # `snippet` is annotated by transcript_entries_matching.
            SearchHit(row.event, row.seq, row.kind, row.speaker, _highlight(row.snippet))  # type: ignore[attr-defined]
            for row in rows
        ]
    words = [word.lower() for word in re.findall(r"\w+", query)][:10]
    if not words:
        return []
    matching = entries
    for word in words:
        matching = matching.filter(body__icontains=word)
    plain_rows = matching.order_by("-event__starts_at", "seq")[:limit]
    return [
        SearchHit(row.event, row.seq, row.kind, row.speaker, _simple_snippet(row.body, words))
        for row in plain_rows
    ]


@dataclass
class TranscriptQuestion:
    item: dict[str, Any]
    answers: list[dict[str, Any]]


@dataclass
class TranscriptView:
    """A transcript document shaped for reading: questions with their answers beneath."""

    document: dict[str, Any]
    blocks: list[TranscriptQuestion]  # a question with answers, or a lone announcement/answer
    panel_by_agency: list[tuple[str, list[dict[str, Any]]]]
    agencies: list[tuple[str, str]]


def transcript_view(document: dict[str, Any], *, only_agency: str = "") -> TranscriptView:
    document = {**document, "items": with_question_numbers(document["items"])}
    answers: dict[int, list[dict[str, Any]]] = {}
    question_ids = {item["question_id"] for item in document["items"] if item["kind"] == "question"}
    for item in document["items"]:
        if item["kind"] == "answer" and item["question_id"] in question_ids:
            answers.setdefault(item["question_id"], []).append(item)
    blocks = []
    for item in document["items"]:
        if item["kind"] == "question":
            mine = answers.get(item["question_id"], [])
            if only_agency:
                mine = [a for a in mine if a["panellist"]["agency_slug"] == only_agency]
                if not mine:
                    continue
            blocks.append(TranscriptQuestion(item, mine))
        elif item["kind"] == "answer" and item["question_id"] not in question_ids:
            if not only_agency or item["panellist"]["agency_slug"] == only_agency:
                blocks.append(TranscriptQuestion(item, []))
        elif item["kind"] == "announcement" and not only_agency:
            blocks.append(TranscriptQuestion(item, []))
    panel: dict[str, list[dict[str, Any]]] = {}
    agencies: dict[str, str] = {}
    for member in document["panel"]:
        panel.setdefault(member["agency"], []).append(member)
        agencies[member["agency_slug"]] = member["agency"]
    return TranscriptView(document, blocks, list(panel.items()), list(agencies.items()))
