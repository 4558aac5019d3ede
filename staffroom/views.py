"""The staff room's own page and its form: they work without JavaScript (post, then back to
the page the message was written on). Only the event's staff reach them; everyone else who
is signed in is answered 403, and nobody is shown that a room exists."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.middleware import role_page
from chat.services import ChatError
from chat.views import public_event_or_404
from events.models import Event
from events.roles import EventRoles
from staffroom import selectors, services


def _user_pk(request: HttpRequest) -> int:
    if request.user.pk is None:
        raise PermissionDenied
    return int(request.user.pk)


def _staff_event(request: HttpRequest, slug: str) -> tuple[Event, EventRoles]:
    event = public_event_or_404(slug)
    roles = selectors.staff_roles(user_id=request.user.pk, event=event)
    if roles is None:
        raise PermissionDenied("Only this webchat's staff use its staff room.")
    return event, roles


@never_cache
@require_GET
@role_page
@login_required
def page(request: HttpRequest, slug: str) -> HttpResponse:
    event, roles = _staff_event(request, slug)
    return render(request, "staffroom/page.html", {"event": event, "roles": roles})


def _back(request: HttpRequest, slug: str) -> str:
    """Back to the page the message was written on (one of ours), at the staff room."""
    wanted = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not wanted.startswith("/"):
        wanted = reverse("staffroom:page", args=[slug])
    return wanted.split("#", 1)[0] + "#staff-room"


@never_cache
@require_POST
@role_page
@login_required
def say(request: HttpRequest, slug: str) -> HttpResponse:
    event, _ = _staff_event(request, slug)
    body = request.POST.get("body", "")
    client_id = request.POST.get("client_id", "")
    try:
        client_id = str(uuid.UUID(client_id))
    except ValueError:
        client_id = str(uuid.uuid4())
    try:
        services.staff_message_post(
            event_id=event.pk, actor_id=_user_pk(request), client_id=client_id, body=body
        )
    except ChatError as refusal:
        # What was typed is kept: the page shows it again in the box with the reason.
        request.session["staffroom_draft"] = body[: services.MAX_MESSAGE_CHARS * 2]
        messages.error(request, f"Not sent: {refusal.message}")
    else:
        messages.success(request, "Sent to the staff room.")
    return HttpResponseRedirect(_back(request, slug))
