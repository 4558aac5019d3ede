"""Reads for the live chat. Plain dicts and lists, safe to hand across the async boundary.

The transcript archive's reads are in archive/selectors.py."""

import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q

from accounts.models import User
from accounts.selectors import session_identity
from chat import askers, frames, payloads
from chat.enums import DraftAction, DraftState, PanelGroup, QuestionState
from chat.guests import guest_token_from_cookie
from chat.models import (
    AnswerDraft,
    AnswerDraftEvent,
    ChatRoom,
    FeedItem,
    Participant,
    Question,
)
from events.enums import PUBLIC_EVENT_STATUSES
from events.models import Event
from events.roles import PUBLIC, EventRoles, event_roles

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
    # A crisis worker or the safeguarding lead here: hears the private lane (support/).
    in_support_lane: bool = False
    # Publishes or returns this event's draft answers (answer review).
    reviews_answers: bool = False
    # Pages elsewhere that may embed this event's live chat (chat/origins.py).
    embed_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicEvent:
    """What a guest's connection needs of its event, kept in memory (cached_public_event)."""

    event_id: int
    slug: str
    embed_origins: tuple[str, ...]


# Each process keeps the public events its sockets were opened to, for a few seconds: at
# 18:00 the same event is looked up once per arriving viewer. Only what cannot change while
# an event is public is kept (a public event stays public); an event deleted, or its embed
# origins edited, reaches guests' joins within these seconds.
PUBLIC_EVENT_CACHE_SECONDS = 10.0
_public_events: dict[str, tuple[float, PublicEvent]] = {}


def cached_public_event(slug: str) -> PublicEvent | None:
    """The public event with this slug if this process read it in the last few seconds;
    None means "ask the database", never "no such event". No query."""
    found = _public_events.get(slug)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def public_event_summary(slug: str) -> PublicEvent | None:
    """The public event with this slug, from this process's memory when it read it in the
    last few seconds (cached_public_event); None if there is no such public event."""
    found = cached_public_event(slug)
    if found is None and _public_event(slug) is not None:
        found = cached_public_event(slug)
    return found


def forget_public_events() -> None:
    """Forget every public event this process remembers (for tests, whose slugs repeat)."""
    _public_events.clear()


def _public_event(slug: str) -> Event | None:
    """The public event with this slug, read from the database and remembered for the next
    joins (cached_public_event)."""
    event = Event.objects.filter(slug=slug, status__in=PUBLIC_EVENT_STATUSES).first()
    if event is not None:
        _public_events[slug] = (
            time.monotonic() + PUBLIC_EVENT_CACHE_SECONDS,
            PublicEvent(
                event_id=event.pk, slug=event.slug, embed_origins=tuple(event.embed_origin_list)
            ),
        )
    return event


def guest_context(event: PublicEvent) -> ConnectionContext:
    """A guest's context who has not asked: no roles, no participation."""
    return ConnectionContext(
        event_id=event.event_id,
        slug=event.slug,
        roles=PUBLIC.names,
        is_moderator=False,
        panellist_id=None,
        agency_slug=None,
        participant_id=None,
        user_id=None,
        embed_origins=event.embed_origins,
    )


def connection_context(
    *, slug: str, user_id: int | None, guest_token: uuid.UUID | None
) -> ConnectionContext | None:
    """Who is connecting to which event, with what rights. None if no such public event."""
    event = _public_event(slug)
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
        in_support_lane=roles.in_support_lane,
        reviews_answers=roles.reviews_answers,
        embed_origins=tuple(event.embed_origin_list),
    )


def connection_open(
    *, slug: str, session_key: str | None, guest_cookie: str | None = None
) -> tuple[ConnectionContext | None, uuid.UUID | None]:
    """Everything a new connection needs to know about itself, read in one hop to the
    database thread (a few queries): the session's user and guest token, and the context
    (None if no such public event).
    A guest with the live page's signed cookie for this session is known without reading
    the session (chat/guests.py)."""
    guest_token = guest_token_from_cookie(guest_cookie, session_key=session_key)
    user_id = None
    if guest_token is None:
        identity = session_identity(session_key)
        user_id = identity.user_id
        try:
            guest_token = uuid.UUID(str(identity.data.get(PARTICIPANT_SESSION_KEY)))
        except ValueError:
            guest_token = None
    context = connection_context(slug=slug, user_id=user_id, guest_token=guest_token)
    return context, guest_token


def guest_join_warm_up(*, slug: str) -> None:
    """What lets guests join without a trip of their own: the public event kept in this
    process's memory, and its askers index (chat/askers.py) filled. Two queries."""
    event = _public_event(slug)
    if event is not None:
        fill_askers_index(event_id=event.pk)


# How long a reader waits for another's fill of the askers index: a fill is one query and one
# Redis round trip; past this the reader's page is rendered in full.
FILL_WAIT_SECONDS = 2.0


def fill_askers_index(*, event_id: int, wait: bool = True) -> None:
    """Fill the event's askers index (chat/askers.py) from its guest participants; if this
    process is already filling it, wait for that fill (at most FILL_WAIT_SECONDS) unless
    `wait` is False (a reader who does not need the index)."""
    if not askers.begin_fill(event_id):
        if wait:
            askers.wait_for_fill(event_id, FILL_WAIT_SECONDS)
        return
    filled = False
    try:
        filled = askers.fill(
            event_id=event_id,
            guest_tokens=[
                token
                for token in Participant.objects.filter(event_id=event_id, user=None)
                .exclude(guest_token=None)
                .values_list("guest_token", flat=True)
                if token is not None
            ],
        )
    finally:
        askers.end_fill(event_id, filled=filled)


def connection_snapshot(
    *, ctx: ConnectionContext, after: int, most: int | None = None
) -> list[dict[str, Any]]:
    """The frames a (re)connecting client is sent before live ones (docs/protocol.md), in
    order, read in one hop to the database thread: status, session, pin, the queue for a
    moderator, the asker's own questions, then the published items after `after` (at most
    `most`: a page, chat/replay.py). (The hub
    serves the same from memory when it can: realtime/hub.py, EventHub.snapshot.)"""
    snapshot = [
        event_status_frame(event_id=ctx.event_id),
        session_frame(ctx),
        frames.pinned(pinned_seq(event_id=ctx.event_id)),
    ]
    snapshot += connection_personal(ctx=ctx)
    snapshot += feed_after(event_id=ctx.event_id, after=after, most=most)
    return snapshot


def session_frame(ctx: ConnectionContext) -> dict[str, Any]:
    return frames.session(
        roles=ctx.roles, panellist_id=ctx.panellist_id, agency_slug=ctx.agency_slug
    )


def connection_needs_personal(ctx: ConnectionContext) -> bool:
    """Whether this connection's snapshot has frames of its own (a moderator's queue, an
    asker's questions); a guest who has not asked has none."""
    return ctx.is_moderator or ctx.participant_id is not None


def connection_personal(*, ctx: ConnectionContext) -> list[dict[str, Any]]:
    """The snapshot's frames of this connection's own: the queue for a moderator, then the
    asker's own questions."""
    personal = []
    if ctx.is_moderator:
        personal.append(frames.queue(moderation_queue(event_id=ctx.event_id)))
    personal += own_questions(participant_id=ctx.participant_id)
    return personal


@dataclass(frozen=True)
class FeedState:
    """What each process's hub keeps of an event (realtime/hub.py), read in one trip."""

    # Every published item with a seq above `floor` is in `items`, in order.
    floor: int
    items: list[dict[str, Any]]
    last_seq: int
    status: dict[str, Any]
    pinned_seq: int | None
    show_viewer_count: bool


def feed_state(*, event_id: int, after: int | None = None, recent: int = 0) -> FeedState:
    """The event's status, pin and viewer-count setting, its last seq, and the published
    items after `after` (None: the `recent` latest). Three queries."""
    event = Event.objects.get(pk=event_id)
    room = ChatRoom.objects.filter(event_id=event_id).only("last_seq", "pinned_seq").first()
    last_seq = room.last_seq if room else 0
    floor = max(0, last_seq - recent) if after is None else after
    # Items committed after the counter was read come too: the feed only ever grows by
    # consecutive seqs, so they extend the run without a gap.
    items = feed_after(event_id=event_id, after=floor)
    return FeedState(
        floor=floor,
        items=items,
        last_seq=max(last_seq, items[-1]["seq"] if items else 0, floor),
        status=frames.status(event),
        pinned_seq=room.pinned_seq if room else None,
        show_viewer_count=event.show_viewer_count,
    )


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
    return frames.status(Event.objects.get(pk=event_id))


def feed_after(*, event_id: int, after: int = 0, most: int | None = None) -> list[dict[str, Any]]:
    """Published items with seq greater than `after`, in order, as sent to viewers (the
    first `most` of them, when given)."""
    items = (
        FeedItem.objects.filter(event_id=event_id, seq__gt=after)
        .order_by("seq")
        .values_list("payload", flat=True)
    )
    return list(items if most is None else items[:most])


def pinned_seq(*, event_id: int) -> int | None:
    room = ChatRoom.objects.filter(event_id=event_id).only("pinned_seq").first()
    return room.pinned_seq if room else None


# What a question's staff payload (payloads.question_for_moderators) reads beside it.
QUESTION_FOR_STAFF = (
    "to_agency",
    "to_panellist__agency",
    "routed_to_agency",
    "routed_to_panellist__agency",
)


def moderation_queue(*, event_id: int) -> list[dict[str, Any]]:
    """Waiting questions: urgent ones first, then oldest first."""
    questions = (
        Question.objects.filter(event_id=event_id, state=QuestionState.PENDING)
        .select_related(*QUESTION_FOR_STAFF)
        .order_by("-is_urgent", "asked_at", "id")
    )
    return [payloads.question_for_moderators(question) for question in questions]


def unhandled_questions(*, event_id: int) -> list[dict[str, Any]]:
    """Questions still waiting when the webchat closed, oldest first, for the moderators."""
    questions = (
        Question.objects.filter(event_id=event_id, state=QuestionState.UNHANDLED)
        .select_related(*QUESTION_FOR_STAFF)
        .order_by("asked_at", "id")
    )
    return [payloads.question_for_moderators(question) for question in questions]


def own_questions(*, participant_id: int | None) -> list[dict[str, Any]]:
    if participant_id is None:
        return []
    questions = (
        Question.objects.filter(participant_id=participant_id)
        .select_related("published_with")
        .order_by("asked_at", "id")
    )
    return [frames.own_question(question) for question in questions]


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


def question_routes(*, event_id: int) -> dict[int, dict[str, Any]]:
    """Where moderators routed this event's questions (question_route), by question id:
    staff only, never in a public payload. One query."""
    questions = Question.objects.filter(event_id=event_id).filter(
        Q(routed_to_agency__isnull=False) | Q(routed_to_panellist__isnull=False)
    )
    routes = {}
    for question in questions.select_related("routed_to_agency", "routed_to_panellist__agency"):
        routed = payloads.routed_to(question)
        if routed is not None:
            routes[question.pk] = routed
    return routes


def panel_group(*, to: dict[str, Any] | None, roles: EventRoles) -> PanelGroup:
    """Which of a panellist's groups a question sent `to` (an asker's address or a
    moderator's routing, as payloads.addressed_to) falls in."""
    to = to or {}
    if roles.panellist_id and to.get("panellist_id") == roles.panellist_id:
        return PanelGroup.FOR_YOU
    # One addressed to a colleague is theirs, not the agency's.
    to_agency_itself = not to.get("panellist_id") and to.get("agency_slug")
    if roles.agency_slug and to_agency_itself == roles.agency_slug:
        return PanelGroup.FOR_AGENCY
    return PanelGroup.REST


def questions_for_panel(
    *,
    feed: list[dict[str, Any]],
    roles: EventRoles,
    me_too: dict[int, int] | None = None,
    most_wanted_first: bool = False,
    routes: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Published questions with their answers, in the panellist's groups (PanelGroup: for
    them, for their agency, the rest), each newest first (the panel works down from the
    latest), or with `most_wanted_first` the most "me too" first (then newest). A
    moderator's routing (`routes`, question_routes) takes the place of the asker's address.
    `me_too`: counts by question id (me_too_counts)."""
    me_too = me_too or {}
    routes = routes or {}
    answers: dict[int, list[dict[str, Any]]] = {}
    for item in feed:
        if item["kind"] == "answer":
            answers.setdefault(item["question_id"], []).append(item)
    questions = []
    for item in feed:
        if item["kind"] != "question":
            continue
        routed = routes.get(item["question_id"])
        group = panel_group(to=routed or item.get("to"), roles=roles)
        questions.append(
            {
                **item,
                "answers": answers.get(item["question_id"], []),
                "me_too": me_too.get(item["question_id"], 0),
                "routed_to": routed,
                "group": group,
                "for_me": group != PanelGroup.REST,
            }
        )
    order = list(PanelGroup)
    # sorted() is stable: within a group, equal keys stay newest first.
    return sorted(
        reversed(questions),
        key=lambda question: (
            order.index(question["group"]),
            -question["me_too"] if most_wanted_first else 0,
        ),
    )


def panel_sections(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """questions_for_panel's questions under their group headings, every group present
    (an empty one says so), for the panellist console."""
    return [
        {
            "key": group.value,
            "label": group.label,
            "questions": [question for question in questions if question["group"] == group],
        }
        for group in PanelGroup
    ]


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


def question_seq(*, event_id: int, question_id: int) -> int | None:
    """The feed item (its seq) a published question is on the page as, if it is."""
    return (
        FeedItem.objects.filter(event_id=event_id, question_id=question_id, kind="question")
        .values_list("seq", flat=True)
        .first()
    )


def me_too_counts(*, event_id: int) -> dict[int, int]:
    """How many people said "I want to know this too", by question id (those with any)."""
    return dict(
        Question.objects.filter(event_id=event_id, me_too_count__gt=0).values_list(
            "pk", "me_too_count"
        )
    )


def published_question(*, event_id: int, question_id: int) -> dict[str, Any] | None:
    """A published question as the public sees it (its feed payload), or None."""
    payload = (
        FeedItem.objects.filter(event_id=event_id, question_id=question_id, kind="question")
        .values_list("payload", flat=True)
        .first()
    )
    return dict(payload) if payload is not None else None


def _draft_row(draft: AnswerDraft) -> dict[str, Any]:
    question = draft.question
    return {
        **frames.answer_draft(draft),
        "question_body": question.published_body or question.body,
        # Published with the answer as written: the reviewer reads it too (not in the frame).
        "easy_read_body": draft.easy_read_body,
        "state_label": DraftState(draft.state).label,
        "updated_at": draft.updated_at,
    }


def drafts_for_review(*, event_id: int) -> list[dict[str, Any]]:
    """Draft answers waiting for a reviewer, oldest first, each with its question as the
    public sees it and its history (draft_history). Two queries, however many."""
    drafts = (
        AnswerDraft.objects.filter(question__event_id=event_id, state=DraftState.SUBMITTED)
        .select_related("question", "panellist")
        .prefetch_related(
            Prefetch("history", queryset=AnswerDraftEvent.objects.select_related("actor"))
        )
        .order_by("updated_at", "id")
    )
    return [
        {**_draft_row(draft), "history": [_history_step(step) for step in draft.history.all()]}
        for draft in drafts
    ]


def drafts_returned(*, event_id: int) -> list[dict[str, Any]]:
    """Draft answers a reviewer returned and their panellist has not resubmitted yet."""
    drafts = (
        AnswerDraft.objects.filter(question__event_id=event_id, state=DraftState.RETURNED)
        .select_related("question", "panellist")
        .order_by("updated_at", "id")
    )
    return [_draft_row(draft) for draft in drafts]


def drafts_of_panellist(*, event_id: int, panellist_id: int) -> list[dict[str, Any]]:
    """A panellist's unpublished answers at this event, returned ones first (they wait on
    them), then those waiting for review; oldest first within each."""
    drafts = (
        AnswerDraft.objects.filter(question__event_id=event_id, panellist_id=panellist_id)
        .exclude(state=DraftState.PUBLISHED)
        .select_related("question", "panellist")
        .order_by("updated_at", "id")
    )
    rows = [_draft_row(draft) for draft in drafts]
    return sorted(rows, key=lambda row: row["state"] != DraftState.RETURNED)


def draft_history(*, draft_id: int) -> list[dict[str, Any]]:
    """Every step of a draft, oldest first, with the text as it stood: the audit trail."""
    steps = AnswerDraftEvent.objects.filter(draft_id=draft_id).select_related("actor")
    return [_history_step(step) for step in steps]


def _history_step(step: AnswerDraftEvent) -> dict[str, Any]:
    return {
        "action": DraftAction(step.action).label,
        "actor": str(step.actor) if step.actor else "",
        "body": step.body,
        "comment": step.comment,
        "at": step.at,
    }
