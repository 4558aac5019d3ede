"""Pages for the live chat: the public live page and the moderator and panellist consoles.

Every page works without JavaScript (the consoles' forms post here and take the same staff
actions the WebSocket does, chat/actions.py); the scripts enhance them with live updates.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import role_page
from accounts.selectors import signed_in_user_id
from chat import live_page, selectors, services
from chat.actions import ACTIONS, SessionCheck, StaffAction, StaffRole
from chat.forms import AnnounceForm, AnswerForm, AskForm, DraftPublishForm, DraftReturnForm
from chat.guests import (
    GUEST_COOKIE_NAME,
    forget_guest_cookie,
    guest_cookie_value,
    guest_token_from_cookie,
    set_guest_cookie,
)
from chat.protocol import MAX_ANSWER_CHARS
from chat.queue_filters import (
    TRAITS,
    QueueFilters,
    queue_rows,
    target_counts,
    trait_counts,
)
from chat.selectors import PARTICIPANT_SESSION_KEY, questions_of_user
from chat.services import ChatError
from chat.signals import device_forgotten
from core import networks
from easyread.readability import readability_hint
from events import selectors as event_selectors
from events.models import Event
from events.roles import EventRoles, event_roles
from events.selectors import events_followed
from safeguarding import detection as safeguarding

LIVE_TEMPLATE = "chat/live.html"
FORGOTTEN_MESSAGE = gettext_noop(
    "Your questions are no longer shown on this device. A moderator will still read any "
    "that were waiting."
)
logger = logging.getLogger(__name__)

QUESTION_NOT_STORED_MESSAGE = gettext_noop(
    "We could not save your question just now. Your text is still here: please try again "
    "in a minute."
)
ASK_ERROR_STATUS = {"rate_limited": 429, "event_not_open": 409, "muted": 403, "not_allowed": 403}


def public_event_or_404(slug: str) -> Event:
    try:
        return event_selectors.public_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such webchat.") from missing


def request_guest_token(request: HttpRequest) -> uuid.UUID:
    """The browser's participation identity (no account needed): the token in its guest
    cookie (chat/guests.py), else a new one, which `set_request_guest_cookie` then sets. Nothing is
    written to the session: a watcher has none."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    token = guest_token_from_cookie(request.COOKIES.get(GUEST_COOKIE_NAME), session_key=session_key)
    if token is not None:
        return token
    if session_key is not None:
        # A session from before guests' tokens moved to the cookie.
        try:
            return uuid.UUID(str(request.session.get(PARTICIPANT_SESSION_KEY)))
        except ValueError:
            pass
    return uuid.uuid4()


def _user_id(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


def ask_to_choices(event: Event) -> list[tuple[str, str]]:
    """Whom a question may be addressed to: each agency on the panel, and each panellist."""
    choices: list[tuple[str, str]] = []
    for group in event_selectors.panel_grouped_by_agency(event=event):
        choices.append(
            (
                f"agency:{group.agency.slug}",
                gettext("%(agency)s (anyone)") % {"agency": group.agency.name},
            )
        )
        choices.extend(
            (f"panellist:{seat.panellist_id}", f"{seat.panellist.name}, {group.agency.short_name}")
            for seat in group.seats
        )
    return choices


def event_live(request: HttpRequest, slug: str) -> HttpResponse:
    return live_or_embed_page(request, slug, template=LIVE_TEMPLATE)


def live_or_embed_page(request: HttpRequest, slug: str, *, template: str) -> HttpResponse:
    """A watcher's page comes from the page this process keeps (chat/live_page.py);
    everyone else's is rendered in full."""
    kept = live_page.watcher_page(
        request,
        slug=slug,
        template=template,
        render=lambda: _watcher_renderer(request, slug, template),
    )
    if kept is not None:
        return kept
    event = public_event_or_404(slug)
    form = AskForm(initial={"client_id": uuid.uuid4()}, to_choices=ask_to_choices(event))
    return render_live_page(request, event, form, template=template)


def _watcher_renderer(request: HttpRequest, slug: str, template: str) -> live_page.Render:
    """The page as a watcher sees it (no session, no messages, no questions of their own),
    read once and rendered with whatever CSRF token and client id it is given."""
    event = public_event_or_404(slug)
    to_choices = ask_to_choices(event)
    feed = selectors.feed_after(event_id=event.pk)
    pinned = selectors.pinned_seq(event_id=event.pk)

    def render_for(csrf_token: str, client_id: uuid.UUID) -> HttpResponse:
        form = AskForm(initial={"client_id": client_id}, to_choices=to_choices)
        context = _live_context(event, form, feed=feed, pinned=pinned, template=template)
        context["feed_html"] = live_page.feed_html(context["feed"])
        # A watcher's, whoever asked first: nobody's own token, user or messages.
        context.update({"csrf_token": csrf_token, "user": AnonymousUser(), "messages": ()})
        return HttpResponse(render_to_string(template, context, request=request))

    return render_for


def _live_context(
    event: Event,
    form: AskForm,
    *,
    feed: list[dict[str, Any]],
    pinned: int | None,
    template: str,
    own_questions: Any = (),
    signed_in: bool = False,
) -> dict[str, Any]:
    return {
        "event": event,
        "feed": selectors.feed_for_display(feed),
        "pinned": next((item for item in feed if item["seq"] == pinned), None),
        "last_seq": feed[-1]["seq"] if feed else 0,
        "own_questions": own_questions,
        "accepting_questions": event.accepts_questions(),
        "form": form,
        "signed_in": signed_in,
        # The embed sits in another site's frame, where this browser's cookies (and so
        # a form post) do not reach the portal: the full live page offers it.
        "offer_forget": template == LIVE_TEMPLATE,
    }


def render_live_page(
    request: HttpRequest,
    event: Event,
    form: AskForm,
    status: int = 200,
    template: str = LIVE_TEMPLATE,
    guest_token: uuid.UUID | None = None,
) -> HttpResponse:
    token = guest_token or request_guest_token(request)
    participant = selectors.participant_lookup(
        event_id=event.pk, user_id=_user_id(request), guest_token=token
    )
    context = _live_context(
        event,
        form,
        feed=selectors.feed_after(event_id=event.pk),
        pinned=selectors.pinned_seq(event_id=event.pk),
        template=template,
        own_questions=selectors.own_questions(
            participant_id=participant.pk if participant else None
        ),
        signed_in=request.user.is_authenticated,
    )
    response = render(request, template, context, status=status)
    set_request_guest_cookie(request, response, token)
    # It shows this person's own questions: never kept by the browser or any cache.
    add_never_cache_headers(response)
    return response


@require_POST
def event_forget_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Forget my questions on this device": a guest's session (which links this browser
    to their questions) is ended, so neither this page nor the next person sees them. The
    questions themselves are untouched: moderators still read any that wait."""
    public_event_or_404(slug)
    if request.user.is_authenticated:
        messages.info(
            request,
            gettext(
                "Your questions are kept with your account. To hide them on this device, sign out."
            ),
        )
    else:
        event = public_event_or_404(slug)
        # A private conversation open on this device ends with it (support/).
        device_forgotten.send(
            sender=None, event_id=event.pk, user_id=None, guest_token=request_guest_token(request)
        )
        request.session.flush()
        messages.success(request, gettext(FORGOTTEN_MESSAGE))
    response = HttpResponseRedirect(reverse("chat:live", kwargs={"slug": slug}) + "#ask-panel")
    if not request.user.is_authenticated:
        # The guest cookie named the forgotten session's token (chat/guests.py).
        forget_guest_cookie(response)
    return response


def set_request_guest_cookie(
    request: HttpRequest, response: HttpResponse, token: uuid.UUID
) -> None:
    """A guest's token in a signed cookie bound to their session, or to having none, so
    neither the page nor the live chat's socket needs a session for them (chat/guests.py).
    Signed-in users get none."""
    if request.user.is_authenticated:
        return
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    cookie = request.COOKIES.get(GUEST_COOKIE_NAME)
    if guest_token_from_cookie(cookie, session_key=session_key) == token:
        return
    set_guest_cookie(response, guest_cookie_value(session_key=session_key, guest_token=token))


@require_POST
def event_ask(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event_or_404(slug)
    token = request_guest_token(request)
    form = AskForm(request.POST, to_choices=ask_to_choices(event))
    if not form.is_valid():
        return render_live_page(request, event, form, status=400, guest_token=token)
    try:
        participant = services.participant_for(
            event_id=event.pk, user_id=_user_id(request), guest_token=token
        )
        outcome = services.question_ask(
            event_id=event.pk,
            participant_id=participant.pk,
            client_id=str(form.cleaned_data["client_id"]),
            body=form.cleaned_data["body"],
            nickname=form.cleaned_data["nickname"],
            anonymous=form.cleaned_data["anonymous"],
            to=form.to_target(),
            network=networks.network_hash(request.META.get("REMOTE_ADDR")),
            language=get_language(),
        )
    except ChatError as refusal:
        # The asker keeps their text: the form is shown again with it and the reason.
        form.add_error(None, gettext(refusal.message))
        if refusal.help_now:
            messages.warning(request, gettext(safeguarding.HELP_NOW_MESSAGE))
        return render_live_page(
            request,
            event,
            form,
            status=ASK_ERROR_STATUS.get(refusal.code, 400),
            guest_token=token,
        )
    except DatabaseError:
        # The database is away: nothing was stored. Never a bare error page for a question:
        # the text stays in the form, and the help is shown whatever the question says.
        logger.warning("question not stored for event %s: database unavailable", event.pk)
        form.add_error(None, gettext(QUESTION_NOT_STORED_MESSAGE))
        messages.warning(request, gettext(safeguarding.HELP_NOW_MESSAGE))
        return render_live_page(request, event, form, status=503, guest_token=token)
    if outcome.help_now:
        messages.warning(request, gettext(safeguarding.HELP_NOW_MESSAGE))
    messages.success(
        request, gettext("Your question was sent. A moderator will read it before it is published.")
    )
    response = HttpResponseRedirect(_ask_return_path(request, slug) + "#your-questions")
    set_request_guest_cookie(request, response, token)
    return response


@require_http_methods(["GET", "POST"])
def event_me_too(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """ "I want to know this too" without JavaScript: the question's link opens a one-button
    form (the feed's items are kept without a form of their own), whose post calls the same
    service as the `me_too` frame, then goes back to the question."""
    event = public_event_or_404(slug)
    if request.method == "GET":
        question = selectors.published_question(event_id=event.pk, question_id=question_id)
        if question is None:
            raise Http404("No such published question.")
        return render(request, "chat/me_too.html", {"event": event, "question": question})
    token = request_guest_token(request)
    try:
        participant = services.participant_for(
            event_id=event.pk, user_id=_user_id(request), guest_token=token
        )
        count = services.question_me_too(
            event_id=event.pk, participant_id=participant.pk, question_id=question_id
        )
    except ChatError as refusal:
        messages.warning(request, gettext(refusal.message))
    else:
        messages.success(request, me_too_said(count))
    seq = selectors.question_seq(event_id=event.pk, question_id=question_id)
    anchor = f"#item-{seq}" if seq else ""
    response = HttpResponseRedirect(_ask_return_path(request, slug) + anchor)
    set_request_guest_cookie(request, response, token)
    return response


def me_too_said(count: int) -> str:
    """What the person who said "me too" is told (static/js/live.js says the same)."""
    others = count - 1
    if others <= 0:
        return gettext("Thank you: the panel can see you want to know this too.")
    return ngettext(
        "Thank you: the panel can see you want to know this too, with %(others)d other person.",
        "Thank you: the panel can see you want to know this too, with %(others)d other people.",
        others,
    ) % {"others": others}


def _ask_return_path(request: HttpRequest, slug: str) -> str:
    """Back to the page the question came from: this event's live page or its embed, never
    anywhere else (an open redirect would lend the site's name to any link)."""
    live = reverse("chat:live", kwargs={"slug": slug})
    wanted = request.POST.get("next", "")
    return wanted if wanted in {live, reverse("chat:embed", kwargs={"slug": slug})} else live


# --- consoles -------------------------------------------------------------------------


def _console_event(
    request: HttpRequest, slug: str, allowed: Callable[[EventRoles], bool]
) -> tuple[Event, EventRoles]:
    event = public_event_or_404(slug)
    roles = event_roles(user=request.user, event=event)
    if not allowed(roles):
        raise PermissionDenied("You are not a moderator or panellist of this webchat.")
    return event, roles


@never_cache
@role_page
@login_required
def moderator_console(request: HttpRequest, slug: str) -> HttpResponse:
    event, roles = _console_event(request, slug, lambda roles: roles.is_moderator)
    feed = selectors.feed_after(event_id=event.pk)
    routes = selectors.question_routes(event_id=event.pk)
    # Where a question may be routed: the same choices an asker has.
    route_choices = ask_to_choices(event)
    # Filters, search and the open row from the GET (chat/queue_filters.py): every row is
    # rendered, those filtered out hidden, so the console's script can filter as one types.
    filters = QueueFilters.from_query(request.GET, to_choices={value for value, _ in route_choices})
    queue = queue_rows(
        selectors.moderation_queue(event_id=event.pk), starts_at=event.starts_at, filters=filters
    )
    counts = trait_counts(queue)
    by_target = target_counts(queue)
    return render(
        request,
        "chat/moderate.html",
        {
            "event": event,
            # The event reviews answers and names no reviewers: its moderators review.
            "reviews_answers": roles.reviews_answers,
            "queue": queue,
            "shown_count": sum(row.shown for row in queue),
            "filters": filters,
            "trait_filters": [
                {"name": trait.name, "label": trait.label, "count": counts[trait.name]}
                for trait in TRAITS
            ],
            # An agency's choice counts its panellists' questions too: "(anyone)" would mislead.
            "for_choices": [
                {
                    "value": value,
                    "label": label.removesuffix(" (anyone)"),
                    "count": by_target.get(value, 0),
                }
                for value, label in route_choices
            ],
            "filter_query": filters.query(),
            "route_choices": route_choices,
            # The event has crisis workers: a waiting question can go to them (support/).
            "crisis_lane": event.has_crisis_lane,
            "unhandled": selectors.unhandled_questions(event_id=event.pk),
            "feed": [
                {**item, "routed_to": routes.get(item["question_id"])}
                if item["kind"] == "question"
                else item
                for item in feed
            ],
            "pinned_seq": selectors.pinned_seq(event_id=event.pk),
            "last_seq": feed[-1]["seq"] if feed else 0,
            "announce_form": AnnounceForm(),
        },
    )


@never_cache
@role_page
@login_required
def panel_console(request: HttpRequest, slug: str) -> HttpResponse:
    event, roles = _console_event(request, slug, lambda roles: roles.is_panellist)
    feed = selectors.feed_after(event_id=event.pk)
    most_wanted = request.GET.get("sort") == "most-wanted"
    questions = selectors.questions_for_panel(
        feed=feed,
        roles=roles,
        me_too=selectors.me_too_counts(event_id=event.pk),
        most_wanted_first=most_wanted,
        routes=selectors.question_routes(event_id=event.pk),
    )
    return render(
        request,
        "chat/panel.html",
        {
            "event": event,
            "roles": roles,
            "questions": questions,
            "sections": selectors.panel_sections(questions),
            "drafts": selectors.drafts_of_panellist(
                event_id=event.pk, panellist_id=roles.panellist_id or 0
            ),
            "most_wanted_first": most_wanted,
            "last_seq": feed[-1]["seq"] if feed else 0,
        },
    )


@never_cache
@role_page
@login_required
def review_console(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's draft answers for its reviewers (or its moderators, when it names none):
    publish as it is, edit then publish, or return with a comment. Plain forms."""
    event, _ = _console_event(request, slug, lambda roles: roles.reviews_answers)
    return render(
        request,
        "chat/review.html",
        {
            "event": event,
            "waiting": selectors.drafts_for_review(event_id=event.pk),
            "returned": selectors.drafts_returned(event_id=event.pk),
        },
    )


def _draft_decision(
    request: HttpRequest, slug: str, form: forms.Form, decide: Callable[[int], object], done: str
) -> None:
    """Take a form's decision on a draft as the signed-in user and say how it went."""
    signed_in = _signed_in(request)
    actor_id = signed_in()
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return
    try:
        decide(actor_id)
    except ChatError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)


@require_POST
def review_publish(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    event = public_event_or_404(slug)
    form = DraftPublishForm(request.POST)
    _draft_decision(
        request,
        slug,
        form,
        lambda actor_id: services.answer_draft_publish(
            draft_id=draft_id,
            actor_id=actor_id,
            body=form.cleaned_data["body"],
            event_id=event.pk,
        ),
        "Answer published.",
    )
    return HttpResponseRedirect(reverse("chat:review", kwargs={"slug": slug}))


@require_POST
def review_return(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    event = public_event_or_404(slug)
    form = DraftReturnForm(request.POST)
    _draft_decision(
        request,
        slug,
        form,
        lambda actor_id: services.answer_draft_return(
            draft_id=draft_id,
            actor_id=actor_id,
            comment=form.cleaned_data["comment"],
            event_id=event.pk,
        ),
        "Answer returned to the panellist with your comment.",
    )
    return HttpResponseRedirect(reverse("chat:review", kwargs={"slug": slug}))


@require_POST
def panel_resubmit(request: HttpRequest, slug: str, draft_id: int) -> HttpResponse:
    event = public_event_or_404(slug)
    form = AnswerForm(request.POST)
    _draft_decision(
        request,
        slug,
        form,
        lambda actor_id: services.answer_draft_resubmit(
            draft_id=draft_id,
            actor_id=actor_id,
            body=form.cleaned_data["body"],
            event_id=event.pk,
        ),
        "Your revised answer is with the reviewers.",
    )
    return HttpResponseRedirect(reverse("chat:panel", kwargs={"slug": slug}))


CONSOLES = {StaffRole.MODERATOR: "chat:moderate", StaffRole.PANELLIST: "chat:panel"}


def _signed_in(request: HttpRequest) -> SessionCheck:
    """A console's session check: the request's signed-in user (chat.actions)."""

    def actor() -> int:
        if not request.user.is_authenticated:
            raise PermissionDenied
        return int(request.user.pk)

    return actor


def console_action(request: HttpRequest, slug: str, name: str, **target: Any) -> HttpResponse:
    """Take one staff action (chat.actions) from a plain form post and go back to the
    console. `target` is what the URL names (the question, participant or item)."""
    action = ACTIONS[name]
    signed_in = _signed_in(request)
    signed_in()
    event = public_event_or_404(slug)
    form = action.form(request.POST)
    if form.is_valid():
        try:
            result = action.perform(
                event_id=event.pk, signed_in=signed_in, fields={**form.cleaned_data, **target}
            )
        except ChatError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, action.done_message(result))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return HttpResponseRedirect(_console_return(request, slug, action, target))


def _console_return(request: HttpRequest, slug: str, action: StaffAction, target: Any) -> str:
    """Back to the console; to a moderator's with the queue's filters as they were (the
    form's `console_query`), and a routed question still open."""
    console = reverse(CONSOLES[action.role], kwargs={"slug": slug})
    if action.role != StaffRole.MODERATOR:
        return console
    kept = QueueFilters.from_query(
        QueryDict(request.POST.get("console_query", "")[:1000]), to_choices=None
    )
    query = kept.query(open=target.get("question_id") if action.name == "route" else None)
    return f"{console}?{query}" if query else console


@require_POST
def moderate_approve(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "approve", question_id=question_id)


@require_POST
def moderate_reject(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "reject", question_id=question_id)


@require_POST
def moderate_mute(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    return console_action(request, slug, "mute", participant_id=participant_id)


@require_POST
def moderate_announce(request: HttpRequest, slug: str) -> HttpResponse:
    return console_action(request, slug, "announce")


@require_POST
def moderate_route(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "route", question_id=question_id)


@require_POST
def moderate_pin(request: HttpRequest, slug: str, seq: int) -> HttpResponse:
    # The URL's 0 is the frame's null: unpin.
    return console_action(request, slug, "pin", seq=seq or None)


@require_POST
def panel_answer(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "answer", question_id=question_id)


@never_cache
@require_POST
@login_required
def panel_readability(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    """The readability hint for an answer being written (easyread/readability.py): JSON for
    the console's script as the panellist types; without JavaScript, a page with the hint
    and the answer's words in the answer form again, so nothing typed is lost."""
    event, _ = _console_event(request, slug, lambda roles: roles.is_panellist)
    # Bounded like the answer itself; an over-long text is cut for the hint, not refused.
    body = request.POST.get("body", "")[:MAX_ANSWER_CHARS]
    easy_read_body = request.POST.get("easy_read_body", "")[:MAX_ANSWER_CHARS]
    hints = {
        "answer": readability_hint(body, kind="answer"),
        "easy_read": readability_hint(easy_read_body, kind="easy_read"),
    }
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {kind: hint.as_dict() if hint else None for kind, hint in hints.items()}
        )
    return render(
        request,
        "chat/panel_readability.html",
        {
            "event": event,
            "question_id": question_id,
            "body": body,
            "easy_read_body": easy_read_body,
            "answer_hint": hints["answer"],
            "easy_read_hint": hints["easy_read"],
        },
    )


@require_POST
def panel_mark_answered(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    return console_action(request, slug, "mark_answered", question_id=question_id)


@never_cache  # this person's own questions: never kept by the browser or a cache
@login_required
def my_questions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_questions.html",
        {
            "events": questions_of_user(user_id=signed_in_user_id(request)),
            "following": events_followed(user_id=signed_in_user_id(request)),
        },
    )
