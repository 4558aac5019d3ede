"""Writes for the live chat: asking, moderating, answering, announcing, pinning, muting.

Each function checks the actor's rights (events.roles), changes state inside one
transaction, numbers published items with the event's feed sequence under a row lock, and
broadcasts only after commit.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from chat import askers, frames, payloads
from chat.enums import (
    DRAFT_TRANSITIONS,
    NEVER_PUBLISHED_STATES,
    QUESTION_TRANSITIONS,
    ROUTABLE_STATES,
    AnswerMode,
    DraftAction,
    DraftState,
    FeedKind,
    QuestionState,
)
from chat.models import (
    Answer,
    AnswerDraft,
    AnswerDraftEvent,
    ChatRoom,
    FeedItem,
    MeToo,
    NetworkMute,
    Participant,
    Question,
)
from chat.protocol import ErrorCode
from chat.ratelimit import allow
from chat.signals import question_left_queue, question_waiting_unflagged
from events.enums import EventStatus
from events.models import Agency, Event, Panellist, PanelSeat
from events.roles import EventRoles, event_roles
from events.selectors import event_public_details
from realtime.broadcast import (
    publish_many_on_commit,
    publish_on_commit,
    send_frame_on_commit,
)
from realtime.groups import (
    moderation_group,
    panel_group,
    panellist_group,
    participant_group,
    review_group,
)
from safeguarding import detection as safeguarding
from safeguarding import selectors as safeguarding_selectors

DEFAULT_ELSEWHERE_NOTE = "Another reply in this webchat answers this question."
MUTED_MESSAGE = gettext_noop("A moderator has stopped you sending more questions to this webchat.")


class ChatError(Exception):
    """A refusal the client is told about, with a stable `code` (see docs/protocol.md)."""

    def __init__(self, code: ErrorCode, message: str, *, help_now: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # The refused text says someone is in danger now: the asker is shown the help anyway.
        self.help_now = help_now


class UnmaskedDetails(ChatError):
    """Publishing text that still holds personal details needs the moderator's confirmation."""

    def __init__(self, findings: list[safeguarding.Finding]) -> None:
        self.findings = findings
        super().__init__(
            ErrorCode.UNMASKED_DETAILS,
            f"This text still contains personal details ({describe_findings(findings)}). "
            "Publish it with the details masked, edit them out, or confirm that they may be "
            "published as they are.",
        )


def describe_findings(findings: list[safeguarding.Finding]) -> str:
    """What was found, for people: 'phone “07700 900123”; email “sam@example.org”'."""
    return "; ".join(f"{f.kind.replace('_', ' ')} “{f.text}”" for f in findings)


def _not_allowed() -> ChatError:
    return ChatError(
        ErrorCode.NOT_ALLOWED, gettext_noop("You are not allowed to do that at this event.")
    )


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def _roles(event: Event, user_id: int | None) -> EventRoles:
    return event_roles(user=_user(user_id), event=event)


def _moderator(event: Event, actor_id: int) -> User:
    """The acting moderator of this event (read once), or `not_allowed`."""
    actor = _user(actor_id)
    if actor is None or not event_roles(user=actor, event=event).is_moderator:
        raise _not_allowed()
    return actor


def _not_open(event: Event, *, help_now: bool = False) -> ChatError:
    if event.status_enum.had_webchat:
        message = gettext_noop("This webchat has finished: questions are closed.")
    elif event.status == EventStatus.CANCELLED:
        message = gettext_noop("This webchat was cancelled.")
    else:
        message = gettext_noop("Questions are not open yet for this webchat.")
    return ChatError(ErrorCode.EVENT_NOT_OPEN, message, help_now=help_now)


def _locked_room(event_id: int) -> ChatRoom:
    """The event's chat room, locked until commit (created on first use)."""
    try:
        return ChatRoom.objects.select_for_update().get(event_id=event_id)
    except ChatRoom.DoesNotExist:
        ChatRoom.objects.get_or_create(event_id=event_id)
        return ChatRoom.objects.select_for_update().get(event_id=event_id)


def _question_number_next(event_id: int) -> int:
    """The event's next public question number, under the room's lock (as seq is): numbers
    run 1, 2, 3... in the order questions are published, with no gaps."""
    room = _locked_room(event_id)
    room.last_question_number += 1
    room.save(update_fields=["last_question_number"])
    return room.last_question_number


def _publish(
    *,
    event_id: int,
    kind: FeedKind,
    payload: dict[str, Any],
    question: Question | None = None,
    answer: Answer | None = None,
    actor: User | None = None,
) -> FeedItem:
    """Give the item the event's next seq (no gaps: the counter row is locked until commit)."""
    item = FeedItem(kind=kind, question=question, answer=answer, posted_by=actor)
    (published,) = _publish_all(event_id=event_id, items=[item], public=[payload])
    return published


def _publish_all(
    *, event_id: int, items: list[FeedItem], public: list[dict[str, Any]]
) -> list[FeedItem]:
    """`items` (unsaved: kind and links) published in order with their `public` payloads:
    the counter locked and saved once, the rows inserted together, and every frame sent in
    one message after commit."""
    room = _locked_room(event_id)
    now = timezone.now()
    published_at = payloads.iso_utc(now)
    for item, payload in zip(items, public, strict=True):
        room.last_seq += 1
        item.event_id = event_id
        item.seq = room.last_seq
        item.published_at = now
        item.payload = frames.message(seq=room.last_seq, payload=payload, published_at=published_at)
    room.save(update_fields=["last_seq"])
    FeedItem.objects.bulk_create(items)
    publish_many_on_commit(event_id, [item.payload for item in items])
    return items


# --- participants ---------------------------------------------------------------------


def participant_for(
    *, event_id: int, user_id: int | None, guest_token: uuid.UUID | None
) -> Participant:
    """The participant row for a signed-in user, or else for a guest's session token."""
    lookup: dict[str, Any] = (
        {"user_id": user_id} if user_id else {"guest_token": guest_token, "user": None}
    )
    if not user_id and guest_token is None:
        raise ValueError("A participant is a user or a guest token.")
    try:
        with transaction.atomic():
            participant, created = Participant.objects.get_or_create(event_id=event_id, **lookup)
            if created and not user_id and guest_token is not None:
                # Before the question is acknowledged: a join on another tab or process
                # must then find this guest's questions (chat/askers.py).
                token = guest_token
                transaction.on_commit(
                    lambda: askers.record_asker(event_id=event_id, guest_token=token)
                )
    except IntegrityError:
        participant = Participant.objects.get(event_id=event_id, **lookup)
    return participant


def participant_mute(*, event_id: int, participant_id: int, actor_id: int) -> bool:
    """Stop a participant asking at this event, on every tab and reconnect, and from their
    network (core.networks) for the rest of the event; their waiting questions leave the
    queue (kept for audit, never published). True if changed."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        actor = _moderator(event, actor_id)
        participant = (
            Participant.objects.select_for_update()
            .filter(pk=participant_id, event_id=event_id)
            .first()
        )
        if participant is None:
            raise ChatError(ErrorCode.NOT_FOUND, "No such participant at this event.")
        if participant.is_muted:
            return False
        participant.is_muted = True
        participant.muted_at = timezone.now()
        participant.muted_by = actor
        participant.save(update_fields=["is_muted", "muted_at", "muted_by"])
        if participant.network_hash:
            # A new connection without cookies is a new participant: the network is not.
            NetworkMute.objects.get_or_create(
                event_id=event_id,
                network_hash=participant.network_hash,
                defaults={"muted_by": actor},
            )
        waiting = Question.objects.select_for_update().filter(
            participant=participant, state=QuestionState.PENDING
        )
        for question in waiting:
            question_transition(question, QuestionState.REMOVED, actor=actor)
        send_frame_on_commit(
            moderation_group(event_id),
            frames.participant_muted(participant.pk),
        )
        send_frame_on_commit(
            participant_group(participant.pk),
            frames.muted(MUTED_MESSAGE),
        )
    return True


def participant_questions_forget(*, user_id: int) -> int:
    """For a deleted account: remove its unpublished questions and unlink the rest.

    Published questions are public record and stay, with the nickname cleared (transcripts
    never showed it). Their participant rows go with the user (Question.participant is set
    to null). Returns how many unpublished questions were deleted.
    """
    with transaction.atomic():
        questions = Question.objects.filter(participant__user_id=user_id)
        deleted, _ = questions.filter(state__in=NEVER_PUBLISHED_STATES).delete()
        questions.update(nickname="", body=F("published_body"), findings=[])
    return deleted


# --- questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class AskOutcome:
    question: dict[str, Any]
    created: bool
    # The question says someone is in danger now: show the asker emergency help at once.
    help_now: bool = False


def _resolve_to(event: Event, to: dict[str, Any] | None) -> tuple[Agency | None, Panellist | None]:
    if not to:
        return None, None
    seats = PanelSeat.objects.filter(event=event).select_related("panellist__agency")
    if "panellist" in to:
        seat = seats.filter(panellist_id=to["panellist"]).first()
        if seat is None:
            raise ChatError(
                ErrorCode.INVALID, gettext_noop("That panellist is not on this webchat's panel.")
            )
        return None, seat.panellist
    seat = seats.filter(panellist__agency__slug=to.get("agency")).first()
    if seat is None and event.lead_agency.slug != to.get("agency"):
        raise ChatError(
            ErrorCode.INVALID, gettext_noop("That agency is not taking part in this webchat.")
        )
    return (seat.panellist.agency if seat else event.lead_agency), None


def _personal_details(text: str, event: Event) -> list[safeguarding.Finding]:
    """Personal details in `text`, less the event's agencies' helplines and addresses and its
    panellists' names (read only when something was found, so most questions cost no query)."""
    findings = safeguarding.find_personal_details(text)
    if not findings:
        return findings
    return safeguarding.find_personal_details(text, public=event_public_details(event))


def question_ask(
    *,
    event_id: int,
    participant_id: int,
    client_id: str,
    body: str,
    nickname: str | None = "",
    anonymous: bool | None = False,
    to: dict[str, Any] | None = None,
    network: str = "",
    language: str = "",
) -> AskOutcome:
    """Store a question for moderation. Asking again with the same client_id changes nothing.

    `network` is the keyed hash of the asker's network address (safeguarding.detection), never
    the address itself."""
    # Help first: whether the text says someone is in danger is known before anything that
    # could refuse the question or needs Redis, so a refusal still carries the help.
    text = safeguarding.visible_text(body).strip()
    in_danger = safeguarding_selectors.question_in_danger_now(text)
    with transaction.atomic():
        participant = Participant.objects.select_related("event__lead_agency").get(
            pk=participant_id, event_id=event_id
        )
        # A question's identity is its event and the client's id, not the asker: a retry
        # from the embed (no cookies in a third-party frame) arrives as a new guest.
        existing = Question.objects.filter(event_id=event_id, client_id=client_id).first()
        if existing is not None:
            return AskOutcome(question=frames.own_question(existing), created=False)

        event = participant.event
        if not event.accepts_questions():
            raise _not_open(event, help_now=in_danger)
        if participant.is_muted or (
            network and NetworkMute.objects.filter(event=event, network_hash=network).exists()
        ):
            raise ChatError(
                ErrorCode.MUTED,
                gettext_noop("A moderator has stopped you sending questions here."),
                help_now=in_danger,
            )
        if not text:
            raise ChatError(
                ErrorCode.INVALID, gettext_noop("Please write your question before sending it.")
            )
        limit, window = settings.CHAT_ASK_RATE_LIMIT
        network_limit, network_window = settings.CHAT_ASK_RATE_LIMIT_PER_NETWORK
        if not allow(f"ask:participant:{participant.pk}", limit=limit, window_seconds=window) or (
            network
            and not allow(
                f"ask:network:{event.pk}:{network}",
                limit=network_limit,
                window_seconds=network_window,
            )
        ):
            raise ChatError(
                ErrorCode.RATE_LIMITED,
                gettext_noop(
                    "You have sent several questions quickly. Please wait a minute and try again."
                ),
                help_now=in_danger,
            )
        if network and network != participant.network_hash:
            participant.network_hash = network
            participant.network_hash_at = timezone.now()
            participant.save(update_fields=["network_hash", "network_hash_at"])
        to_agency, to_panellist = _resolve_to(event, to)
        try:
            with transaction.atomic():
                question = Question.objects.create(
                    event=event,
                    participant=participant,
                    client_id=client_id,
                    body=text,
                    nickname="" if anonymous else safeguarding.visible_text(nickname or "").strip(),
                    language=language,
                    to_agency=to_agency,
                    to_panellist=to_panellist,
                    is_urgent=in_danger,
                    blocked_words=safeguarding.blocked_words_in(text),
                    findings=safeguarding.findings_as_data(_personal_details(text, event)),
                )
        except IntegrityError:
            # The same retry, on another connection, won the race to store it.
            existing = Question.objects.get(event_id=event_id, client_id=client_id)
            return AskOutcome(question=frames.own_question(existing), created=False)
        if in_danger:
            # Help cannot wait for a moderator: the asker is told at once, privately.
            send_frame_on_commit(
                participant_group(participant.pk),
                frames.help_now(safeguarding.HELP_NOW_MESSAGE),
            )
        send_frame_on_commit(
            moderation_group(event.pk),
            frames.queue_add(question),
        )
        own = frames.own_question(question)
        send_frame_on_commit(participant_group(participant.pk), own)
        if not in_danger:
            # Read again, whole, off this path (question_read_again); its receiver only queues.
            question_id = question.pk
            transaction.on_commit(
                lambda: question_waiting_unflagged.send(sender=Question, question_id=question_id),
                robust=True,
            )
    return AskOutcome(question=own, created=True, help_now=in_danger)


def question_read_again(*, question_id: int) -> bool:
    """The second reading of a question the ask path's triage let through: a model that reads
    the whole sentence (safeguarding.selectors.crisis_on_second_reading), too slow for the ask
    path, run by a Celery task a moment later. When it reads a crisis the question becomes
    urgent, as if the ask path had flagged it: its asker is shown the help at once (with the
    private lane when a crisis worker is on duty), and if it is still waiting it goes to the
    top of the moderators' queue. It only ever adds a flag. True if it added one."""
    body = (
        Question.objects.filter(pk=question_id, is_urgent=False)
        .values_list("body", flat=True)
        .first()
    )
    if body is None or not safeguarding_selectors.crisis_on_second_reading(body):
        return False
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(of=("self",))
            .select_related("to_agency", "to_panellist", "routed_to_agency", "routed_to_panellist")
            .filter(pk=question_id, is_urgent=False)
            .first()
        )
        if question is None:
            return False
        question.is_urgent = True
        question.save(update_fields=["is_urgent"])
        if question.participant_id is not None:  # None: its asker's data already purged
            send_frame_on_commit(
                participant_group(question.participant_id),
                frames.help_now(safeguarding.HELP_NOW_MESSAGE, question_id=question.pk),
            )
        if question.state == QuestionState.PENDING:
            send_frame_on_commit(moderation_group(question.event_id), frames.queue_urgent(question))
    return True


ME_TOO_STATES = (QuestionState.PUBLISHED, QuestionState.ANSWERED)


def question_me_too(*, event_id: int, participant_id: int, question_id: int) -> int:
    """ "I want to know this too" on a published question of a live webchat: counted once per
    participant (saying it again changes nothing) and rate-limited. Returns the count.

    Nothing is broadcast: the person who said it is answered with the count, and staff see
    the counts (and sort by them) when their console loads."""
    with transaction.atomic():
        question = (
            Question.objects.select_related("event")
            .filter(pk=question_id, event_id=event_id, state__in=ME_TOO_STATES)
            .first()
        )
        if question is None:
            raise ChatError(
                ErrorCode.NOT_FOUND, gettext_noop("There is no published question with that id.")
            )
        if question.event.status != EventStatus.LIVE:
            raise ChatError(
                ErrorCode.EVENT_NOT_OPEN,
                gettext_noop("You can say this only while the webchat is live."),
            )
        if MeToo.objects.filter(question=question, participant_id=participant_id).exists():
            return question.me_too_count
        limit, window = settings.CHAT_ME_TOO_RATE_LIMIT
        if not allow(f"me_too:participant:{participant_id}", limit=limit, window_seconds=window):
            raise ChatError(
                ErrorCode.RATE_LIMITED,
                gettext_noop("You have done that a lot just now. Wait a minute."),
            )
        try:
            with transaction.atomic():
                MeToo.objects.create(question=question, participant_id=participant_id)
        except IntegrityError:
            # The same person's other tab, at the same moment: counted once.
            return Question.objects.get(pk=question.pk).me_too_count
        Question.objects.filter(pk=question.pk).update(me_too_count=F("me_too_count") + 1)
        return Question.objects.values_list("me_too_count", flat=True).get(pk=question.pk)


def lock_question(question_id: int, event_id: int | None) -> Question:
    filters: dict[str, Any] = {"pk": question_id}
    if event_id is not None:
        filters["event_id"] = event_id
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related(
            "event__lead_agency",
            "to_agency",
            "to_panellist__agency",
            "routed_to_agency",
            "routed_to_panellist__agency",
        )
        .filter(**filters)
        .first()
    )
    if question is None:
        raise ChatError(ErrorCode.NOT_FOUND, "No such question at this webchat.")
    return question


def question_transition(
    question: Question,
    to_state: QuestionState,
    *,
    actor: User | None,
    changes: dict[str, Any] | None = None,
) -> bool:
    """Move a question, locked by the caller (`lock_question`), to `to_state`: the one place
    a question's state changes, as `event_transition` is for events.

    Refused (`conflict`) unless QUESTION_TRANSITIONS allows it; nothing happens if it is
    already there (False). A question leaving the queue records who decided and when; other
    fields in `changes` are saved in the same write. After commit, moderators hear that it
    left their queue and its asker sees its new state."""
    if question.state == to_state:
        return False
    if to_state not in QUESTION_TRANSITIONS[question.state]:
        raise ChatError(
            ErrorCode.CONFLICT,
            f"This question is already {QuestionState(question.state).label.lower()}.",
        )
    from_state = question.state
    question.state = to_state
    fields = ["state"]
    if from_state == QuestionState.PENDING:
        question.moderated_at = timezone.now()
        question.moderated_by = actor
        fields += ["moderated_at", "moderated_by"]
    for name, value in (changes or {}).items():
        setattr(question, name, value)
        fields.append(name)
    question.save(update_fields=fields)
    if from_state == QuestionState.PENDING:
        question_left_queue.send(
            sender=Question, event_id=question.event_id, question_id=question.pk
        )
        send_frame_on_commit(
            moderation_group(question.event_id),
            frames.queue_remove(question),
        )
    if question.participant_id:
        send_frame_on_commit(
            participant_group(question.participant_id), frames.own_question(question)
        )
    return True


def question_approve(
    *,
    question_id: int,
    actor_id: int,
    body: str | None = None,
    event_id: int | None = None,
    publish_unmasked: bool = False,
) -> bool:
    """Publish a waiting question, optionally as edited by the moderator. True if changed.

    Text that still contains personal details (safeguarding.detection) is published only with
    `publish_unmasked`: the moderator's deliberate second step, after being told what."""
    with transaction.atomic():
        question = lock_question(question_id, event_id)
        event = question.event
        actor = _moderator(event, actor_id)
        edited = (body or "").strip()
        if question.state == QuestionState.PUBLISHED:
            if (edited or question.body) == question.published_body:
                return False  # the same approval twice: nothing to do
            # Two moderators published it with different wording: the later edit is not
            # lost without a word.
            raise ChatError(
                ErrorCode.CONFLICT,
                "Another moderator published this question first, as: "
                f"“{question.published_body}”. Your wording was not published.",
            )
        if event.status != EventStatus.LIVE:
            raise ChatError(
                ErrorCode.EVENT_NOT_OPEN, "Questions can be published only while it is live."
            )
        text = edited or question.body
        details = _personal_details(text, event)
        if details and not publish_unmasked:
            raise UnmaskedDetails(details)
        question_transition(
            question,
            QuestionState.PUBLISHED,
            actor=actor,
            changes={"published_body": text, "number": _question_number_next(event.pk)},
        )
        _publish(
            event_id=event.pk,
            kind=FeedKind.QUESTION,
            payload=payloads.question_public(question),
            question=question,
            actor=actor,
        )
    return True


def question_reject(
    *, question_id: int, actor_id: int, reason: str, event_id: int | None = None
) -> bool:
    """Decline a waiting question; only its asker learns why. True if changed."""
    reason = reason.strip()
    with transaction.atomic():
        question = lock_question(question_id, event_id)
        actor = _moderator(question.event, actor_id)
        if question.state == QuestionState.REJECTED:
            return False
        if not reason:
            raise ChatError(
                ErrorCode.INVALID, "Give the asker a reason for declining their question."
            )
        question_transition(
            question, QuestionState.REJECTED, actor=actor, changes={"rejection_reason": reason}
        )
    return True


def questions_mark_unhandled(*, event_id: int) -> int:
    """When a webchat closes, every question still waiting becomes `unhandled`: its asker is
    told privately that the panel did not get to it (with where to find help), moderators
    see it listed, and nothing is left "Waiting for a moderator". Safe to run again.
    Returns how many it changed."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        if event.status not in (EventStatus.CLOSED, EventStatus.ARCHIVED, EventStatus.CANCELLED):
            return 0
        waiting = list(
            Question.objects.select_for_update().filter(
                event_id=event_id, state=QuestionState.PENDING
            )
        )
        for question in waiting:
            question_transition(question, QuestionState.UNHANDLED, actor=None)
    return len(waiting)


def question_answer(
    *,
    question_id: int,
    actor_id: int,
    body: str,
    mode: AnswerMode = AnswerMode.WRITTEN,
    event_id: int | None = None,
    easy_read_body: str = "",
) -> int | None:
    """A panellist's answer (with their name, role and agency): published at once, its seq
    returned; or, at an event that reviews answers, kept as a draft for its reviewers and
    never public until one publishes it (None returned). `easy_read_body`: the panellist's
    Easy Read version, if any, published with it."""
    body = body.strip()
    easy_read_body = easy_read_body.strip()
    with transaction.atomic():
        question = lock_question(question_id, event_id)
        event = question.event
        seat_id = _roles(event, actor_id).panel_seat_id
        if seat_id is None:
            raise _not_allowed()
        body = _answerable(question, body=body, mode=mode)
        seat = PanelSeat.objects.select_related("panellist__agency").get(pk=seat_id)
        if event.answers_reviewed:
            draft = AnswerDraft.objects.create(
                question=question,
                panellist=seat.panellist,
                author_id=actor_id,
                mode=mode,
                body=body,
                easy_read_body=easy_read_body,
            )
            _draft_history(draft, DraftAction.SUBMITTED, actor_id=actor_id)
            _draft_broadcast(draft)
            return None
        return _answer_publish(
            question,
            seat=seat,
            body=body,
            mode=mode,
            answered_by_id=actor_id,
            easy_read_body=easy_read_body,
        ).seq


def _answerable(question: Question, *, body: str, mode: AnswerMode) -> str:
    """The answer's text once it may be published now: the webchat live, the question on
    the page, and some text (an "answered elsewhere" note has a default)."""
    if question.event.status != EventStatus.LIVE:
        raise ChatError(ErrorCode.EVENT_NOT_OPEN, "Answers can be published only while it is live.")
    if question.state not in (QuestionState.PUBLISHED, QuestionState.ANSWERED):
        raise ChatError(ErrorCode.CONFLICT, "Only published questions can be answered.")
    if mode == AnswerMode.ELSEWHERE:
        return body or DEFAULT_ELSEWHERE_NOTE
    if not body:
        raise ChatError(ErrorCode.INVALID, "Write the answer before sending it.")
    return body


def _answer_publish(
    question: Question,
    *,
    seat: PanelSeat,
    body: str,
    mode: str,
    answered_by_id: int | None,
    easy_read_body: str = "",
) -> FeedItem:
    """Publish an answer to a locked question: the one path, whether a panellist's answer
    goes out at once or a reviewer publishes a draft (numbering, the broadcast after commit
    and the transcript are the same)."""
    answer = Answer.objects.create(
        question=question,
        panellist=seat.panellist,
        mode=mode,
        body=body,
        easy_read_body=easy_read_body,
        answered_by_id=answered_by_id,
    )
    answered_now = question_transition(question, QuestionState.ANSWERED, actor=None)
    question_item = question.feed_items.filter(kind=FeedKind.QUESTION).first()
    item = _publish(
        event_id=question.event_id,
        kind=FeedKind.ANSWER,
        payload=payloads.answer_public(answer, seat, question_item.seq if question_item else None),
        question=question,
        answer=answer,
        actor=answer.answered_by,
    )
    if not answered_now and question.participant_id:
        # A further answer: the question's state is unchanged, but its asker sees it.
        send_frame_on_commit(
            participant_group(question.participant_id), frames.own_question(question)
        )
    return item


# --- answer review (Event.answers_reviewed) ------------------------------------------


def _draft_history(
    draft: AnswerDraft, action: DraftAction, *, actor_id: int | None, comment: str = ""
) -> None:
    AnswerDraftEvent.objects.create(
        draft=draft, action=action, actor_id=actor_id, body=draft.body, comment=comment
    )


def _draft_broadcast(draft: AnswerDraft) -> None:
    """After commit, the draft as it now stands to the event's reviewers (or its moderators,
    when it names none) and to its panellist: never to the public, nor to other panellists."""
    frame = frames.answer_draft(draft)
    event_id = draft.question.event_id
    send_frame_on_commit(review_group(event_id), frame)
    send_frame_on_commit(panellist_group(event_id, draft.panellist_id), frame)


def _locked_draft(draft_id: int, event_id: int | None) -> AnswerDraft:
    filters: dict[str, Any] = {"pk": draft_id}
    if event_id is not None:
        filters["question__event_id"] = event_id
    draft = (
        AnswerDraft.objects.select_for_update(of=("self",))
        .select_related("question__event", "panellist")
        .filter(**filters)
        .first()
    )
    if draft is None:
        raise ChatError(ErrorCode.NOT_FOUND, "No such draft answer at this webchat.")
    return draft


def _draft_transition(draft: AnswerDraft, to_state: DraftState) -> bool:
    """Move a locked draft along DRAFT_TRANSITIONS; False when already there, `conflict`
    when the move is not allowed (another reviewer got there first)."""
    if draft.state == to_state:
        return False
    if to_state not in DRAFT_TRANSITIONS[draft.state]:
        raise ChatError(
            ErrorCode.CONFLICT,
            f"This answer is already {DraftState(draft.state).label.lower()}.",
        )
    draft.state = to_state
    return True


def _reviewer(event: Event, actor_id: int) -> User:
    actor = _user(actor_id)
    if actor is None or not event_roles(user=actor, event=event).reviews_answers:
        raise _not_allowed()
    return actor


def answer_draft_publish(
    *, draft_id: int, actor_id: int, body: str | None = None, event_id: int | None = None
) -> bool:
    """A reviewer publishes a draft answer, as it is or with their edit (`body`), through
    the same path as any answer. True if published now; False if it already was, as is."""
    edited = (body or "").strip()
    with transaction.atomic():
        draft = _locked_draft(draft_id, event_id)
        event = draft.question.event
        actor = _reviewer(event, actor_id)
        if draft.state == DraftState.PUBLISHED and (not edited or edited == draft.body):
            return False
        if not _draft_transition(draft, DraftState.PUBLISHED):
            return False
        question = lock_question(draft.question_id, event.pk)
        if edited and edited != draft.body:
            draft.body = edited
            _draft_history(draft, DraftAction.EDITED, actor_id=actor.pk)
        text = _answerable(question, body=draft.body, mode=AnswerMode(draft.mode))
        seat = PanelSeat.objects.select_related("panellist__agency").get(
            event=event, panellist_id=draft.panellist_id
        )
        item = _answer_publish(
            question,
            seat=seat,
            body=text,
            mode=draft.mode,
            answered_by_id=draft.author_id,
            easy_read_body=draft.easy_read_body,
        )
        draft.answer = item.answer
        draft.comment = ""
        draft.save(update_fields=["state", "body", "answer", "comment", "updated_at"])
        _draft_history(draft, DraftAction.PUBLISHED, actor_id=actor.pk)
        _draft_broadcast(draft)
    return True


def answer_draft_return(
    *, draft_id: int, actor_id: int, comment: str, event_id: int | None = None
) -> bool:
    """A reviewer returns a draft to its panellist with a comment (required): it stays
    unpublished until they revise and resubmit it. True if changed."""
    comment = comment.strip()
    with transaction.atomic():
        draft = _locked_draft(draft_id, event_id)
        actor = _reviewer(draft.question.event, actor_id)
        if not comment:
            raise ChatError(ErrorCode.INVALID, "Tell the panellist what to change.")
        if not _draft_transition(draft, DraftState.RETURNED):
            return False
        draft.comment = comment
        draft.save(update_fields=["state", "comment", "updated_at"])
        _draft_history(draft, DraftAction.RETURNED, actor_id=actor.pk, comment=comment)
        _draft_broadcast(draft)
    return True


def answer_draft_resubmit(
    *, draft_id: int, actor_id: int, body: str, event_id: int | None = None
) -> bool:
    """The panellist revises a returned draft and sends it back for review. True if
    changed."""
    body = body.strip()
    with transaction.atomic():
        draft = _locked_draft(draft_id, event_id)
        if _roles(draft.question.event, actor_id).panellist_id != draft.panellist_id:
            raise _not_allowed()
        if not body:
            raise ChatError(ErrorCode.INVALID, "Write the answer before sending it.")
        if not _draft_transition(draft, DraftState.SUBMITTED):
            return False
        draft.body = body
        draft.save(update_fields=["state", "body", "updated_at"])
        _draft_history(draft, DraftAction.RESUBMITTED, actor_id=actor_id)
        _draft_broadcast(draft)
    return True


def question_route(
    *,
    question_id: int,
    actor_id: int,
    to: dict[str, Any] | None,
    event_id: int | None = None,
) -> bool:
    """A moderator sends a waiting or published question to an agency or a panellist of
    this event's panel (`to`: {"agency": slug} or {"panellist": id}, as an asker's), or
    clears the routing (None). Staff only: the public payloads never carry it. True if
    changed; after commit, moderators and panellists hear where it now goes."""
    with transaction.atomic():
        question = lock_question(question_id, event_id)
        event = question.event
        actor = _moderator(event, actor_id)
        if question.state not in ROUTABLE_STATES:
            raise ChatError(
                ErrorCode.CONFLICT,
                f"This question is {QuestionState(question.state).label.lower()}: "
                "only waiting or published questions can be routed.",
            )
        agency, panellist = _resolve_to(event, to)
        if (question.routed_to_agency_id, question.routed_to_panellist_id) == (
            agency.pk if agency else None,
            panellist.pk if panellist else None,
        ):
            return False
        question.routed_to_agency = agency
        question.routed_to_panellist = panellist
        question.routed_at = timezone.now()
        question.routed_by = actor
        question.save(
            update_fields=["routed_to_agency", "routed_to_panellist", "routed_at", "routed_by"]
        )
        routed = frames.question_routed(question)
        send_frame_on_commit(moderation_group(event.pk), routed)
        send_frame_on_commit(panel_group(event.pk), routed)
    return True


# --- announcements and the pin --------------------------------------------------------


def announcement_post(*, event_id: int, actor_id: int, body: str) -> int:
    """One announcement by a moderator; its seq."""
    (outcome,) = announcements_post(event_id=event_id, actor_id=actor_id, bodies=[body])
    if isinstance(outcome, ChatError):
        raise outcome
    return outcome


def announcements_post(*, event_id: int, actor_id: int, bodies: list[str]) -> list[int | ChatError]:
    """A moderator's announcements, in order, committed together (a console's announcements
    that arrived at once: one transaction and one PUBLISH round trip, not one each). Each
    body's outcome in order: its seq, or the error that refused that one alone. A refusal of
    them all (not a moderator here, the event not open) is raised."""
    texts = [body.strip() for body in bodies]
    outcomes: list[int | ChatError] = [
        ChatError(ErrorCode.INVALID, "Write the announcement before posting it.") for _ in texts
    ]
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        actor = _moderator(event, actor_id)
        if event.status not in (EventStatus.SCHEDULED, EventStatus.LIVE):
            raise ChatError(
                ErrorCode.EVENT_NOT_OPEN, "Announcements can be posted only before or during it."
            )
        written = [index for index, text in enumerate(texts) if text]
        if written:
            published = _publish_all(
                event_id=event_id,
                items=[FeedItem(kind=FeedKind.ANNOUNCEMENT, posted_by=actor) for _ in written],
                public=[payloads.announcement_public(texts[index]) for index in written],
            )
            for index, item in zip(written, published, strict=True):
                outcomes[index] = item.seq
    return outcomes


def item_pin(*, event_id: int, actor_id: int, seq: int | None) -> bool:
    """Pin one published item at the top of the live page (None unpins). True if changed."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        _moderator(event, actor_id)
        if seq is not None and not FeedItem.objects.filter(event_id=event_id, seq=seq).exists():
            raise ChatError(ErrorCode.NOT_FOUND, "There is no published item with that number.")
        room = _locked_room(event_id)
        if room.pinned_seq == seq:
            return False
        room.pinned_seq = seq
        room.save(update_fields=["pinned_seq"])
        publish_on_commit(event_id, frames.pinned(seq))
    return True


# --- demo data ------------------------------------------------------------------------


def demo_exchange_publish(
    *, event_id: int, question: str, answer: str, panellist_id: int
) -> tuple[int, int]:
    """Demo data only (`manage.py load_demo`, never a request): a question published and
    answered as a moderator and a panellist would, for a newcomer to see a webchat at once.
    No asker and no actor: nobody typed it. Returns the question's and the answer's seq."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id, status=EventStatus.LIVE)
        seat = PanelSeat.objects.select_related("panellist__agency").get(
            event=event, panellist_id=panellist_id
        )
        asked = Question.objects.create(
            event=event,
            body=question,
            published_body=question,
            state=QuestionState.ANSWERED,
            moderated_at=timezone.now(),
            number=_question_number_next(event.pk),
        )
        question_item = _publish(
            event_id=event.pk,
            kind=FeedKind.QUESTION,
            payload=payloads.question_public(asked),
            question=asked,
        )
        reply = Answer.objects.create(question=asked, panellist=seat.panellist, body=answer)
        answer_item = _publish(
            event_id=event.pk,
            kind=FeedKind.ANSWER,
            payload=payloads.answer_public(reply, seat, question_item.seq),
            question=asked,
            answer=reply,
        )
    return question_item.seq, answer_item.seq
