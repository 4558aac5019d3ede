"""Reads for the live chat. Plain dicts and lists, safe to hand across the async boundary."""

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape

from accounts.models import User
from accounts.selectors import session_identity
from chat import payloads
from chat.enums import QuestionState
from chat.models import ChatRoom, FeedItem, Participant, Question, TranscriptEntry
from events.enums import PUBLIC_EVENT_STATUSES
from events.models import Event
from events.roles import EventRoles, event_roles
from events.selectors import events_with_agency_and_topic

# Where the live page keeps a guest's participation token in the session (chat/views.py).
PARTICIPANT_SESSION_KEY = "chat_participant_token"


@dataclass(frozen=True)
class ConnectionContext:
    event_id: int
    slug: str
    roles: list[str]
    is_moderator: bool
    panellist_id: int | None
    agency_slug: str | None
    participant_id: int | None
    user_id: int | None
    # Pages elsewhere that may embed this event's live chat (chat/origins.py).
    embed_origins: tuple[str, ...] = ()


def connection_context(
    *, slug: str, user_id: int | None, guest_token: uuid.UUID | None
) -> ConnectionContext | None:
    """Who is connecting to which event, with what rights. None if no such public event."""
    event = Event.objects.filter(slug=slug, status__in=PUBLIC_EVENT_STATUSES).first()
    if event is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    roles = event_roles(user=user, event=event)
    participant = participant_lookup(event_id=event.pk, user_id=user_id, guest_token=guest_token)
    return ConnectionContext(
        event_id=event.pk,
        slug=event.slug,
        roles=roles.names,
        is_moderator=roles.is_moderator,
        panellist_id=roles.panellist_id,
        agency_slug=roles.agency_slug,
        participant_id=participant.pk if participant else None,
        user_id=user.pk if user else None,
        embed_origins=tuple(event.embed_origin_list),
    )


def connection_open(
    *, slug: str, session_key: str | None
) -> tuple[ConnectionContext | None, uuid.UUID | None]:
    """Everything a new connection needs to know about itself, in one trip to the database:
    the session's user and guest token, and the context (None if no such public event)."""
    identity = session_identity(session_key)
    try:
        guest_token = uuid.UUID(str(identity.data.get(PARTICIPANT_SESSION_KEY)))
    except ValueError:
        guest_token = None
    context = connection_context(slug=slug, user_id=identity.user_id, guest_token=guest_token)
    return context, guest_token


def connection_snapshot(*, ctx: ConnectionContext, after: int) -> list[dict[str, Any]]:
    """The frames a (re)connecting client is sent before live ones (docs/protocol.md), in
    order, read in one trip: status, session, pin, the queue for a moderator, the asker's
    own questions, then the published items after `after`."""
    frames = [
        event_status_frame(event_id=ctx.event_id),
        {
            "type": "session",
            "roles": ctx.roles,
            "panellist_id": ctx.panellist_id,
            "agency_slug": ctx.agency_slug,
        },
        {"type": "pinned", "seq": pinned_seq(event_id=ctx.event_id)},
    ]
    if ctx.is_moderator:
        frames.append({"type": "queue", "questions": moderation_queue(event_id=ctx.event_id)})
    frames += own_questions(participant_id=ctx.participant_id)
    frames += feed_after(event_id=ctx.event_id, after=after)
    return frames


def participant_lookup(
    *, event_id: int, user_id: int | None, guest_token: uuid.UUID | None
) -> Participant | None:
    if user_id:
        return Participant.objects.filter(event_id=event_id, user_id=user_id).first()
    if guest_token:
        return Participant.objects.filter(
            event_id=event_id, guest_token=guest_token, user=None
        ).first()
    return None


def event_status_frame(*, event_id: int) -> dict[str, Any]:
    return payloads.event_status(Event.objects.get(pk=event_id))


def feed_after(*, event_id: int, after: int = 0) -> list[dict[str, Any]]:
    """Published items with seq greater than `after`, in order, as sent to viewers."""
    return list(
        FeedItem.objects.filter(event_id=event_id, seq__gt=after)
        .order_by("seq")
        .values_list("payload", flat=True)
    )


def feed_last_seq(*, event_id: int) -> int:
    room = ChatRoom.objects.filter(event_id=event_id).only("last_seq").first()
    return room.last_seq if room else 0


def pinned_seq(*, event_id: int) -> int | None:
    room = ChatRoom.objects.filter(event_id=event_id).only("pinned_seq").first()
    return room.pinned_seq if room else None


def moderation_queue(*, event_id: int) -> list[dict[str, Any]]:
    """Waiting questions: urgent ones first, then oldest first."""
    questions = (
        Question.objects.filter(event_id=event_id, state=QuestionState.PENDING)
        .select_related("to_agency", "to_panellist__agency")
        .order_by("-is_urgent", "asked_at", "id")
    )
    return [payloads.question_for_moderators(question) for question in questions]


def unhandled_questions(*, event_id: int) -> list[dict[str, Any]]:
    """Questions still waiting when the webchat closed, oldest first, for the moderators."""
    questions = (
        Question.objects.filter(event_id=event_id, state=QuestionState.UNHANDLED)
        .select_related("to_agency", "to_panellist__agency")
        .order_by("asked_at", "id")
    )
    return [payloads.question_for_moderators(question) for question in questions]


def own_questions(*, participant_id: int | None) -> list[dict[str, Any]]:
    if participant_id is None:
        return []
    questions = Question.objects.filter(participant_id=participant_id).order_by("asked_at", "id")
    return [payloads.question_for_asker(question) for question in questions]


def show_viewer_count(*, event_id: int) -> bool:
    return bool(
        Event.objects.filter(pk=event_id).values_list("show_viewer_count", flat=True).first()
    )


def feed_for_display(feed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The feed as the live page shows it: each answer beneath the question it answers
    (after that question's earlier answers), with the question's text for context, as on
    the transcript. Announcements, and answers whose question is not shown, stay in order."""
    questions = {item["question_id"]: item for item in feed if item["kind"] == "question"}
    answers: dict[int, list[dict[str, Any]]] = {}
    for item in feed:
        if item["kind"] == "answer" and item["question_id"] in questions:
            question = questions[item["question_id"]]
            answers.setdefault(item["question_id"], []).append(
                {**item, "question_body": question["body"]}
            )
    shown: list[dict[str, Any]] = []
    for item in feed:
        if item["kind"] == "question":
            shown.append(item)
            shown.extend(answers.get(item["question_id"], []))
        elif item["kind"] != "answer" or item["question_id"] not in questions:
            shown.append(item)
    return shown


def questions_for_panel(*, feed: list[dict[str, Any]], roles: EventRoles) -> list[dict[str, Any]]:
    """Published questions with their answers, those addressed to this panellist or their
    agency marked, newest first (the panel works down from the latest)."""
    answers: dict[int, list[dict[str, Any]]] = {}
    for item in feed:
        if item["kind"] == "answer":
            answers.setdefault(item["question_id"], []).append(item)
    questions = []
    for item in feed:
        if item["kind"] != "question":
            continue
        to = item.get("to") or {}
        questions.append(
            {
                **item,
                "answers": answers.get(item["question_id"], []),
                "for_me": bool(
                    (roles.panellist_id and to.get("panellist_id") == roles.panellist_id)
                    or (roles.agency_slug and to.get("agency_slug") == roles.agency_slug)
                ),
            }
        )
    return list(reversed(questions))


# --- the transcript archive -----------------------------------------------------------

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


def questions_of_user(*, user_id: int) -> list[dict[str, Any]]:
    """A signed-in user's questions across events, newest event first, for "My questions"."""
    questions = (
        Question.objects.filter(participant__user_id=user_id)
        .select_related("event")
        .order_by("-event__starts_at", "event_id", "asked_at", "id")
    )
    events: dict[int, dict[str, Any]] = {}
    for question in questions:
        event = question.event
        entry = events.setdefault(
            event.pk,
            {
                "title": event.title,
                "slug": event.slug,
                "status": event.status,
                "starts_at": event.starts_at,
                "questions": [],
            },
        )
        entry["questions"].append(
            {
                # A moderator's edit removed details: show only what was published.
                "body": question.published_body if question.was_edited else question.body,
                "edited": question.was_edited,
                "state": question.state,
                "state_label": QuestionState(question.state).label,
                "reason": payloads.reason_for_asker(question) or "",
                "asked_at": question.asked_at,
            }
        )
    return list(events.values())
