"""The live page (and the embed) for the crowd at 18:00: kept, not rendered per visitor.

Nearly everyone who loads the live page at the start of a webchat has only come to watch.
Their page differs from the next watcher's in two values, the CSRF token and the ask form's
client id, so it is a kept page (core/kept_pages.py) with those two filled in per request.
It is built again after every publication at the event (realtime/broadcast.py renews the
event's version token after the commit), so a reader without JavaScript who reloads sees
every published item, and after any change to the site's events and panels.

A guest who has asked here sees their own questions on the page: theirs is rendered in
full. Whether they have is known without a query from the event's askers index in Redis
(chat/askers.py), read in the same round trip as the version tokens.
"""

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from chat import askers, selectors
from chat.guests import (
    GUEST_COOKIE_NAME,
    guest_cookie_value,
    guest_token_from_cookie,
    set_guest_cookie,
)
from core import kept_pages
from core.ablation import design_choice_on

# Where the ask form's client id goes (a UUID no uuid4 can be: its version digit is 5).
CLIENT_ID_STAND_IN = uuid.UUID("5e471ce1-5e47-5ce1-8e47-1ce15e471ce1")

# Renders the page as a watcher sees it, with the CSRF token and client id it is given.
Render = Callable[[str, uuid.UUID], HttpResponse]


def watcher_page(
    request: HttpRequest, *, slug: str, template: str, render: Callable[[], Render]
) -> HttpResponse | None:
    """The live page (or embed) for a watcher, kept; None when the request is not a
    watcher's or cannot be answered so: the caller renders the page in full. `render()`
    reads the event (Http404 if there is none) and returns its watcher's renderer."""
    if not design_choice_on("CHAT_KEPT_LIVE_PAGE") or not kept_pages.is_reader(request):
        return None
    event = selectors.public_event_summary(slug)
    if event is None:
        return None
    token = guest_token_from_cookie(request.COOKIES.get(GUEST_COOKIE_NAME), session_key=None)
    read_at = time.monotonic()
    tokens = _versions_unless_asked(event.event_id, token)
    if tokens is None:
        return None
    key = kept_pages.reader_key(request, ("live", template, event.event_id))
    kept = kept_pages.current(key, tokens)
    if kept is None:
        with kept_pages.building(key):
            kept = kept_pages.current(key, tokens)
            if kept is None:
                response = render()(kept_pages.CSRF_STAND_IN, CLIENT_ID_STAND_IN)
                kept = kept_pages.keep(
                    key,
                    tokens,
                    response,
                    {"csrf": kept_pages.CSRF_STAND_IN, "client": str(CLIENT_ID_STAND_IN)},
                    kept_pages.DoorInfo(
                        key, _scopes(event.event_id), guest_event_id=event.event_id
                    ),
                    read_at=read_at,
                )
    response = kept.response(
        request, kept_pages.reader_values(request, kept, client=str(uuid.uuid4()))
    )
    if token is None:
        # The identity a question asked over the socket is linked to (chat/guests.py).
        set_guest_cookie(response, guest_cookie_value(session_key=None, guest_token=uuid.uuid4()))
    return response


def _versions_unless_asked(
    event_id: int, guest_token: uuid.UUID | None
) -> tuple[bytes, ...] | None:
    """The version tokens the page is built at; None if this guest has (or may have) asked
    here, or Redis cannot answer."""
    scopes = _scopes(event_id)
    if guest_token is None:

        def complete(pipeline: object) -> None:
            askers.add_index_complete(pipeline, event_id=event_id)

        found = kept_pages.versions(scopes, also=complete)
        if found is None:
            return None
        tokens, (filled,) = found
        if not filled:
            # Filled now, so that the first returning readers find it (they would each go
            # to Django until it was): once per process in REFILL_AFTER_SECONDS at most. This
            # reader does not need it, so does not wait for a fill already under way.
            with contextlib.suppress(DatabaseError):
                selectors.fill_askers_index(event_id=event_id, wait=False)
        return tokens

    def has_asked(pipeline: object) -> None:
        askers.add_has_asked(pipeline, event_id=event_id, guest_token=guest_token)

    for first_look in (True, False):
        found = kept_pages.versions(scopes, also=has_asked)
        if found is None:
            return None
        tokens, replies = found
        asked = askers.has_asked_reply(replies)
        if asked is None and first_look:
            # The index is filled by joins; a returning reader may come before any.
            try:
                selectors.fill_askers_index(event_id=event_id)
            except DatabaseError:
                return None
            continue
        if asked is False and askers.due_for_refill(replies):
            with contextlib.suppress(DatabaseError):
                selectors.fill_askers_index(event_id=event_id)
        return tokens if asked is False else None
    return None


def _scopes(event_id: int) -> tuple[str, ...]:
    return (kept_pages.SITE, kept_pages.event_scope(event_id))


# Each published item's markup, rendered once per process: a rebuild after a publication
# renders only what is new (a page of 300 items cost about 80 ms to render whole).
_fragments: dict[str, SafeString] = {}
MAX_FRAGMENTS = 20_000


def feed_html(items: list[dict[str, Any]]) -> SafeString:
    """The live page's feed items' markup (chat/includes/feed_item.html), from rendered
    fragments kept per item (an item's payload is frozen once published)."""
    parts = []
    for item in items:
        # Its words are in the reader's language: one fragment per language.
        key = get_language() + json.dumps(item, sort_keys=True, default=str)
        fragment = _fragments.get(key)
        if fragment is None:
            if len(_fragments) >= MAX_FRAGMENTS:
                _fragments.clear()
            fragment = _fragments[key] = mark_safe(  # noqa: S308 - our template's output
                render_to_string("chat/includes/feed_item.html", {"item": item})
            )
        parts.append(fragment)
    return mark_safe("".join(parts))  # noqa: S308 - fragments from our template
