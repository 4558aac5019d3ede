"""`{% staff_room_pane event %}`: the staff room on a console page, one line in its template.
Shown to the event's staff only; for anyone else it renders nothing."""

import uuid
from typing import Any

from django import template

from events.models import Event
from staffroom import selectors, services

register = template.Library()

# The last messages shown: on a console, and on the staff room's own page (all are kept; the
# admin shows every one).
PANE_MESSAGES = 50
PAGE_MESSAGES = 200


@register.inclusion_tag("staffroom/pane.html", takes_context=True)
def staff_room_pane(context: template.Context, event: Event) -> dict[str, Any]:
    request = context["request"]
    roles = selectors.staff_roles(user_id=request.user.pk, event=event)
    if roles is None:
        return {"shown": False}
    kind = selectors.link_kind(roles)
    on_own_page = bool(context.get("staff_room_page", False))
    limit = PAGE_MESSAGES if on_own_page else PANE_MESSAGES
    latest = selectors.latest_messages(event_id=event.pk, limit=limit)
    return {
        "shown": True,
        "event": event,
        "link_kind": kind,
        "messages": selectors.shown(event=event, messages=latest, link_kind=kind),
        "last_seq": latest[-1].seq if latest else 0,
        # A page without a socket of its own opens one from the feed's end: it wants the
        # staff room, not the feed again.
        "feed_seq": selectors.feed_last_seq(event_id=event.pk),
        "draft": request.session.pop("staffroom_draft", ""),
        # Stored once, however many times the form is sent (a double click, a retry).
        "client_id": uuid.uuid4(),
        "next": request.get_full_path(),
        "max_chars": services.MAX_MESSAGE_CHARS,
        "csrf_token": context.get("csrf_token"),
        "on_own_page": on_own_page,
    }
