"""Writes for similar questions: grouping a question as it arrives, and the moderators'
decisions (publish a question with those like it attached, attach one to a published
question, detach one that does not belong).

An attached question takes chat's state `merged` through chat's one transition function
(chat.services.question_transition), so its asker is told privately, as of any change to
their question, that it is published as question N; the published question's count of
askers (chat's Question.askers_count) is public. Nothing about one asker reaches another.
"""

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from chat import frames as chat_frames
from chat.enums import FeedKind, QuestionState
from chat.models import FeedItem, Question
from chat.protocol import ErrorCode
from chat.services import ChatError, lock_question, question_approve, question_transition
from events.models import Event
from events.roles import event_roles
from realtime.broadcast import publish_on_commit, send_frame_on_commit
from realtime.groups import moderation_group, participant_group
from similar import frames, matching
from similar.models import Resemblance, ResemblanceState
from similar.readings import reading_of

logger = logging.getLogger(__name__)

# A question may be grouped under one that waits or is on the page.
LEAD_STATES = (QuestionState.PENDING, QuestionState.PUBLISHED, QuestionState.ANSWERED)
PUBLISHED_STATES = (QuestionState.PUBLISHED, QuestionState.ANSWERED)
# A new question is compared with at most this many of the event's latest questions.
MAX_CANDIDATES = 1000
GROUPED_STATES = (ResemblanceState.SUGGESTED, ResemblanceState.ATTACHED)


def question_group(*, question_id: int) -> Resemblance | None:
    """Find the earlier question of the same event, addressed to the same agency or
    panellist, that a newly arrived waiting question asks the same as, and group it there
    (a suggestion for the moderators, who hear `similar_found`). Safe to run twice or late:
    a question is grouped once, and only while it waits."""
    question = Question.objects.filter(pk=question_id, state=QuestionState.PENDING).first()
    if question is None:
        return None
    existing = Resemblance.objects.filter(question=question).first()
    if existing is not None:
        return existing
    candidates = (
        Question.objects.filter(
            event_id=question.event_id,
            state__in=LEAD_STATES,
            to_agency_id=question.to_agency_id,
            to_panellist_id=question.to_panellist_id,
        )
        .filter(
            Q(asked_at__lt=question.asked_at) | Q(asked_at=question.asked_at, pk__lt=question.pk)
        )
        # A question in a group is not a lead: the group's first question is.
        .exclude(resemblance__state__in=GROUPED_STATES)
        .order_by("-asked_at", "-pk")
        .values_list("pk", "body", "published_body")[:MAX_CANDIDATES]
    )
    mine = reading_of(question.pk, question.body)
    readings = {
        pk: reading_of(pk, published_body or body) for pk, body, published_body in candidates
    }
    model = matching.committed_model()
    best_id, best = None, 0.0
    for pk in matching.nearest(mine, readings, matching.SHORTLIST):
        probability = model.probability(mine, readings[pk])
        if probability > best:
            best_id, best = pk, probability
    if best_id is None or best < model.threshold:
        return None
    with transaction.atomic():
        lead = Question.objects.filter(pk=best_id, state__in=LEAD_STATES).first()
        if lead is None:
            return None  # it left the queue meanwhile; the question waits on its own
        resemblance, created = Resemblance.objects.get_or_create(
            question=question,
            defaults={"event_id": question.event_id, "lead": lead, "probability": best},
        )
        if created:
            send_frame_on_commit(
                moderation_group(question.event_id), frames.found(question=question, lead=lead)
            )
    return resemblance


def _moderator(event: Event, actor_id: int) -> User:
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if actor is None or not event_roles(user=actor, event=event).is_moderator:
        raise ChatError(ErrorCode.NOT_ALLOWED, "You are not allowed to do that at this event.")
    return actor


def _waiting_members(lead: Question) -> list[Question]:
    """The lead's group: the questions suggested under it that still wait, locked."""
    return list(
        Question.objects.select_for_update()
        .filter(
            resemblance__lead=lead,
            resemblance__state=ResemblanceState.SUGGESTED,
            state=QuestionState.PENDING,
        )
        .order_by("asked_at", "pk")
    )


def _merge(lead: Question, members: list[Question], actor: User) -> None:
    """The waiting members (locked) join the published lead: each becomes `merged` (its
    asker hears own_question, saying question N and how many asked it), and their
    resemblances are recorded as the moderator's decision."""
    now = timezone.now()
    for member in members:
        question_transition(
            member, QuestionState.MERGED, actor=actor, changes={"published_with": lead}
        )
        Resemblance.objects.update_or_create(
            question=member,
            defaults={
                "event_id": lead.event_id,
                "lead": lead,
                "state": ResemblanceState.ATTACHED,
                "decided_at": now,
                "decided_by": actor,
            },
        )


def _attach_to_published(lead: Question, members: list[Question], actor: User) -> None:
    """The members join a question already on the page: its count of askers goes up, in
    its published item too (for the page and the transcript), and viewers hear `asked_by`."""
    if not members:
        return
    Question.objects.filter(pk=lead.pk).update(askers_count=F("askers_count") + len(members))
    lead.refresh_from_db(fields=["askers_count"])
    item = (
        FeedItem.objects.select_for_update()
        .filter(event_id=lead.event_id, question=lead, kind=FeedKind.QUESTION)
        .first()
    )
    if item is not None:
        item.payload = {**item.payload, "asked_by": lead.askers_count}
        item.save(update_fields=["payload"])
    publish_on_commit(lead.event_id, chat_frames.asked_by(lead))
    _merge(lead, members, actor)


def similar_publish(
    *,
    event_id: int,
    actor_id: int,
    question_id: int,
    body: str | None = None,
    publish_unmasked: bool | None = False,
) -> int:
    """Publish a waiting question (as chat's `approve` does, with the same checks) with the
    questions grouped under it attached, in one transaction; for a question already
    published, attach its waiting group. Returns how many were attached."""
    with transaction.atomic():
        lead = lock_question(question_id, event_id)
        actor = _moderator(lead.event, actor_id)
        members = _waiting_members(lead)
        if lead.state == QuestionState.PENDING:
            # Counted before it is published, so its published item says how many asked.
            Question.objects.filter(pk=lead.pk).update(
                askers_count=F("askers_count") + len(members)
            )
            question_approve(
                question_id=lead.pk,
                actor_id=actor_id,
                body=body,
                event_id=event_id,
                publish_unmasked=bool(publish_unmasked),
            )
            _merge(lock_question(lead.pk, event_id), members, actor)
        elif lead.state in PUBLISHED_STATES:
            _attach_to_published(lead, members, actor)
        else:
            raise ChatError(
                ErrorCode.CONFLICT,
                f"{lead.staff_ref} is {QuestionState(lead.state).label.lower()}: "
                "it cannot be published.",
            )
    logger.info("event %s: question %s published with %s similar", event_id, lead.pk, len(members))
    return len(members)


def similar_attach(*, event_id: int, actor_id: int, question_id: int, to_question_id: int) -> bool:
    """Attach one waiting question to a published one that asks the same (whether or not it
    was grouped there). True if attached now; False if it already was."""
    if question_id == to_question_id:
        raise ChatError(ErrorCode.INVALID, "A question cannot be attached to itself.")
    with transaction.atomic():
        # Locked in id order, as every path that locks two questions does.
        first, second = sorted((question_id, to_question_id))
        locked = {pk: lock_question(pk, event_id) for pk in (first, second)}
        question, lead = locked[question_id], locked[to_question_id]
        actor = _moderator(lead.event, actor_id)
        if question.state == QuestionState.MERGED and question.published_with_id == lead.pk:
            return False
        if question.state != QuestionState.PENDING:
            raise ChatError(
                ErrorCode.CONFLICT,
                f"{question.staff_ref} is {QuestionState(question.state).label.lower()}: "
                "only a waiting question can be attached.",
            )
        if lead.state not in PUBLISHED_STATES:
            raise ChatError(
                ErrorCode.CONFLICT,
                f"Publish {lead.staff_ref} first: a question is attached to a published one.",
            )
        _attach_to_published(lead, [question], actor)
    return True


def similar_detach(*, event_id: int, actor_id: int, question_id: int) -> bool:
    """A moderator says a grouped question does not ask the same: it waits on its own and
    is not suggested again. True if changed."""
    with transaction.atomic():
        question = lock_question(question_id, event_id)
        actor = _moderator(question.event, actor_id)
        resemblance = Resemblance.objects.select_for_update().filter(question=question).first()
        if resemblance is None or resemblance.state == ResemblanceState.DETACHED:
            return False
        if resemblance.state == ResemblanceState.ATTACHED:
            raise ChatError(
                ErrorCode.CONFLICT, f"{question.staff_ref} is already attached: it is published."
            )
        resemblance.state = ResemblanceState.DETACHED
        resemblance.decided_at = timezone.now()
        resemblance.decided_by = actor
        resemblance.save(update_fields=["state", "decided_at", "decided_by"])
        send_frame_on_commit(
            moderation_group(event_id),
            frames.detached(question_id=question.pk, lead_id=resemblance.lead_id),
        )
    return True


def groups_dissolve(*, lead: Question) -> int:
    """The lead left the queue without being published (declined, passed, muted, not
    reached): the questions grouped under it wait on their own again, and may lead or join
    another group. Called inside the lead's transaction. Returns how many."""
    suggested = list(
        Resemblance.objects.filter(lead=lead, state=ResemblanceState.SUGGESTED).values_list(
            "question_id", flat=True
        )
    )
    if suggested:
        Resemblance.objects.filter(question_id__in=suggested).delete()
    for question_id in suggested:
        send_frame_on_commit(
            moderation_group(lead.event_id),
            frames.detached(question_id=question_id, lead_id=lead.pk),
        )
    return len(suggested)


def attached_askers_tell(*, lead: Question) -> int:
    """The lead was answered: each attached question's asker hears own_question (their
    question, now answered with it). Called inside the lead's transaction."""
    attached = Question.objects.filter(published_with=lead, state=QuestionState.MERGED)
    told = 0
    for question in attached:
        if question.participant_id is None:
            continue  # its asker's account was deleted
        question.published_with = lead
        send_frame_on_commit(
            participant_group(question.participant_id), chat_frames.own_question(question)
        )
        told += 1
    return told
