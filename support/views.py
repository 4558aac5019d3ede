"""Pages of the private lane: the person's plain page (works without JavaScript: form and
reload), the crisis workers' console and conversation pages, and the moderators' "pass".

Every page showing a conversation is sent with `Cache-Control: no-store`: a shared phone's
back button or cache must not bring it back.
"""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from accounts.middleware import role_page
from accounts.models import User
from chat.guests import forget_guest_cookie
from chat.services import ChatError
from chat.views import (
    console_action,
    public_event_or_404,
    request_guest_token,
    set_request_guest_cookie,
)
from events.models import Event
from events.roles import event_roles
from support import frames, selectors, services
from support.enums import ConversationState, EndedBy, Outcome
from support.models import Conversation

# Ready to edit before sending (the agencies' own helplines are added from their records).
logger = logging.getLogger(__name__)

QUICK_REPLIES = (
    "If you are in danger now, please call 999.",
    "If you cannot speak, call 999, listen to the questions, and press 55 when asked: "
    "the police will know it is an emergency.",
    "You can call Samaritans free on 116 123, any time, day or night.",
    "The National Domestic Abuse Helpline is free on 0808 2000 247, any time.",
)


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _person(request: HttpRequest, event: Event) -> services.Person:
    user_id = _user_pk(request) if request.user.is_authenticated else None
    return services.Person(
        event_id=event.pk,
        user_id=user_id,
        guest_token=None if user_id else request_guest_token(request),
    )


# --- the person ---------------------------------------------------------------------------


@require_GET
def talk(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event_or_404(slug)
    return _render_talk(request, event)


def _render_talk(
    request: HttpRequest, event: Event, *, draft: str = "", status: int = 200
) -> HttpResponse:
    person = _person(request, event)
    participant = selectors.participant_of(
        event_id=event.pk, user_id=person.user_id, guest_token=person.guest_token
    )
    conversation = (
        selectors.latest_conversation_of(participant_id=participant.pk) if participant else None
    )
    if conversation is not None and conversation.content_deleted_at is not None:
        conversation = None
    context: dict[str, Any] = {
        "event": event,
        "conversation": conversation,
        "conversation_messages": (
            list(selectors.messages_after(conversation_id=conversation.pk, after=0))
            if conversation
            else []
        ),
        "on_duty": selectors.workers_on_duty(event_id=event.pk),
        "wait_minutes": selectors.typical_wait_minutes(event_id=event.pk),
        "ahead": selectors.waiting_ahead(conversation) if conversation else 0,
        "worker": (
            selectors.worker_label(conversation.worker)
            if conversation and conversation.worker
            else None
        ),
        "no_worker_message": gettext(services.NO_WORKER_MESSAGE),
        "exit_url": frames.exit_url(conversation) if conversation else None,
        "client_id": uuid.uuid4(),
        "max_chars": 2000,
        "draft": draft,
    }
    response = render(request, "support/talk.html", context, status=status)
    if person.guest_token:
        set_request_guest_cookie(request, response, person.guest_token)
    return _no_store(response)


@require_GET
def lane_status(request: HttpRequest, slug: str) -> JsonResponse:
    """Whether anyone is on duty, for the live page's offer to talk privately (no personal
    data: the crisis workers' names and roles as the page shows them)."""
    event = public_event_or_404(slug)
    response = JsonResponse(
        {
            "on_duty": selectors.workers_on_duty(event_id=event.pk),
            "minutes": selectors.typical_wait_minutes(event_id=event.pk),
            "message": services.NO_WORKER_MESSAGE,
        }
    )
    patch_cache_control(response, max_age=5, public=True)
    return response


def _back_to_talk(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("support:talk", kwargs={"slug": slug}) + "#conversation")


@require_POST
def talk_start(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event_or_404(slug)
    person = _person(request, event)
    question_id = request.POST.get("question_id")
    first_words = request.POST.get("body", "")[:2000]
    client_id = _uuid_or_new(request.POST.get("client_id"))
    try:
        conversation = services.conversation_open(
            person=person,
            client_id=str(client_id),
            question_id=int(question_id) if question_id and question_id.isdigit() else None,
        )
        if first_words.strip():
            # The same client id names the first message: a resubmitted form stores it once.
            services.person_says(
                person=person,
                conversation_id=conversation.pk,
                client_id=str(client_id),
                body=first_words,
            )
    except ChatError as refusal:
        messages.error(request, gettext(refusal.message))
        return _render_talk(request, event, draft=first_words, status=400)
    response = _back_to_talk(slug)
    if person.guest_token:
        set_request_guest_cookie(request, response, person.guest_token)
    return _no_store(response)


def _uuid_or_new(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid4()


@require_POST
def talk_say(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event_or_404(slug)
    body = request.POST.get("body", "")[:2000]
    try:
        services.person_says(
            person=_person(request, event),
            conversation_id=int(request.POST.get("conversation_id", "0") or 0),
            client_id=str(_uuid_or_new(request.POST.get("client_id"))),
            body=body,
        )
    except (ChatError, ValueError) as refusal:
        # The words stay with the person: the page again, with them in the box.
        messages.error(request, gettext(getattr(refusal, "message", "That could not be sent.")))
        return _render_talk(request, event, draft=body, status=400)
    return _no_store(_back_to_talk(slug))


@require_POST
def talk_leave(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event_or_404(slug)
    services.person_leaves(person=_person(request, event))
    messages.success(request, gettext("You have ended the private conversation."))
    return _no_store(_back_to_talk(slug))


@require_GET
def talk_exit(request: HttpRequest, slug: str) -> HttpResponse:
    """Quick exit from a page showing a conversation: end it on this device, forget the
    device, then leave for the neutral site. Never an error page: the person must get out."""
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    try:
        conversation_id = signing.loads(request.GET.get("t", ""), salt=frames.EXIT_SALT)
        event = Event.objects.get(slug=slug)
        person = _person(request, event)
        services.person_leaves(
            person=person, conversation_id=int(conversation_id), ended_by=EndedBy.DEVICE
        )
    except Exception:
        # The exit happens whatever went wrong; the operator hears of it.
        logger.warning("quick exit: the private conversation was not ended", exc_info=True)
    if not request.user.is_authenticated:
        request.session.flush()
        forget_guest_cookie(response)
    return _no_store(response)


# --- crisis workers -----------------------------------------------------------------------


def _user_pk(request: HttpRequest) -> int:
    if request.user.pk is None:
        raise PermissionDenied
    return int(request.user.pk)


def _crisis_event(request: HttpRequest, slug: str) -> Event:
    if not request.user.is_authenticated:
        raise PermissionDenied
    event = public_event_or_404(slug)
    if not event_roles(user=request.user, event=event).in_support_lane:
        raise PermissionDenied
    return event


@require_GET
@role_page
@login_required
def console(request: HttpRequest, slug: str) -> HttpResponse:
    event = _crisis_event(request, slug)
    roles = event_roles(user=request.user, event=event)
    queue = selectors.queue(event_id=event.pk)
    context = {
        "event": event,
        "roles": roles,
        "on_duty": selectors.on_duty(event_id=event.pk, user_id=_user_pk(request)),
        "waiting": [c for c in queue if c.state == ConversationState.WAITING],
        "held": [c for c in queue if c.state == ConversationState.HELD],
        "needs_outcome": selectors.ended_needing_outcome(event_id=event.pk),
        "recent": selectors.recent_ended(event_id=event.pk),
        "workers_on_duty": selectors.workers_on_duty(event_id=event.pk),
    }
    return _no_store(render(request, "support/console.html", context))


@require_GET
@role_page
@login_required
def conversation_page(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    event = _crisis_event(request, slug)
    conversation = selectors.workers_conversation(
        actor_id=_user_pk(request), conversation_id=conversation_id
    )
    if conversation is None or conversation.event_id != event.pk:
        raise Http404("No such conversation.")
    roles = event_roles(user=request.user, event=event)
    services.reading_record(
        conversation_id=conversation.pk, reader_id=_user_pk(request), place="console"
    )
    colleagues = User.objects.filter(
        pk__in=[
            *event.crisis_workers.values_list("pk", flat=True),
            *([event.safeguarding_lead_id] if event.safeguarding_lead_id else []),
        ],
        is_active=True,
    ).exclude(pk=_user_pk(request))
    agencies = {event.lead_agency, *(seat.agency for seat in event.panellists.all())}
    helplines = [
        f"{agency.helpline_name or agency.name}: {agency.helpline_number}"
        + (f" ({agency.helpline_hours})" if agency.helpline_hours else "")
        for agency in sorted(agencies, key=lambda agency: agency.name)
        if agency.helpline_number
    ]
    context = {
        "event": event,
        "roles": roles,
        "conversation": conversation,
        "conversation_messages": list(
            selectors.messages_after(conversation_id=conversation.pk, after=0)
        ),
        "holds_it": conversation.worker_id == _user_pk(request),
        "colleagues": [(user.pk, selectors.worker_label(user)) for user in colleagues],
        "quick_replies": [*QUICK_REPLIES, *helplines],
        "outcomes": Outcome.choices,
        "client_id": uuid.uuid4(),
        "minutes_left": selectors.minutes_left(conversation),
    }
    return _no_store(render(request, "support/conversation.html", context))


def _worker_action(
    request: HttpRequest,
    slug: str,
    perform: Any,
    done: str,
    *,
    to: str | None = None,
    refused_to: str | None = None,
) -> HttpResponse:
    """Perform a crisis worker's action, then go `to` (or the conversation it returned, or
    the console); a refusal goes to `refused_to` when given, with the reason shown."""
    event = _crisis_event(request, slug)
    try:
        result = perform(event.pk, _user_pk(request))
    except ChatError as refusal:
        messages.error(request, gettext(refusal.message))
        result = None
        to = refused_to or to
    else:
        messages.success(request, done)
    if to is None and isinstance(result, Conversation):
        to = reverse("support:conversation", kwargs={"slug": slug, "conversation_id": result.pk})
    return _no_store(HttpResponseRedirect(to or reverse("support:console", kwargs={"slug": slug})))


@require_POST
def duty(request: HttpRequest, slug: str) -> HttpResponse:
    start = request.POST.get("on") == "1"

    def perform(event_id: int, actor_id: int) -> object:
        if start:
            return services.duty_start(event_id=event_id, actor_id=actor_id)
        return services.duty_end(event_id=event_id, actor_id=actor_id)

    done = "You are on duty." if start else "You are off duty."
    return _worker_action(request, slug, perform, done, to=reverse("support:console", args=[slug]))


@require_POST
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    raw = request.POST.get("conversation_id", "")
    conversation_id = int(raw) if raw.isdigit() else None
    return _worker_action(
        request,
        slug,
        lambda event_id, actor_id: services.conversation_claim(
            event_id=event_id, actor_id=actor_id, conversation_id=conversation_id
        ),
        "You have taken this conversation.",
    )


def _conversation_url(slug: str, conversation_id: int) -> str:
    return reverse(
        "support:conversation", kwargs={"slug": slug, "conversation_id": conversation_id}
    )


@require_POST
def reply(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    body = request.POST.get("body", "")[:2000]
    return _worker_action(
        request,
        slug,
        lambda event_id, actor_id: services.worker_says(
            event_id=event_id,
            actor_id=actor_id,
            conversation_id=conversation_id,
            client_id=str(_uuid_or_new(request.POST.get("client_id"))),
            body=body,
        ),
        "Sent.",
        to=_conversation_url(slug, conversation_id),
    )


@require_POST
def hand_over(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    raw = request.POST.get("to_user_id", "")
    to_user_id = int(raw) if raw.isdigit() else 0
    return _worker_action(
        request,
        slug,
        lambda event_id, actor_id: services.conversation_hand_over(
            event_id=event_id,
            actor_id=actor_id,
            conversation_id=conversation_id,
            to_user_id=to_user_id or actor_id,
        ),
        "Handed over.",
        to=_conversation_url(slug, conversation_id),
    )


@require_POST
def risk(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    at_risk = request.POST.get("at_risk") == "1"
    return _worker_action(
        request,
        slug,
        lambda event_id, actor_id: services.conversation_mark_risk(
            event_id=event_id, actor_id=actor_id, conversation_id=conversation_id, at_risk=at_risk
        ),
        "Marked at risk." if at_risk else "No longer marked at risk.",
        to=_conversation_url(slug, conversation_id),
    )


@require_POST
def end(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    outcome = request.POST.get("outcome", "")
    return _worker_action(
        request,
        slug,
        lambda event_id, actor_id: services.conversation_end(
            event_id=event_id, actor_id=actor_id, conversation_id=conversation_id, outcome=outcome
        ),
        "Outcome recorded.",
        to=reverse("support:console", kwargs={"slug": slug}),
        # Refused (no outcome chosen, or at risk and not the lead): the worker stays with
        # the conversation to put it right, not sent to look for it again.
        refused_to=_conversation_url(slug, conversation_id),
    )


# --- moderators ---------------------------------------------------------------------------


@require_POST
def pass_question(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "pass_to_crisis_worker", question_id=question_id)
