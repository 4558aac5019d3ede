"""Who is connecting, read as cheaply as the crowd at 18:00 allows: the public's joins take
turns, and a guest who has not asked joins from memory (docs/architecture.md)."""

import asyncio
import contextlib
import uuid
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import DatabaseError

from chat import askers, selectors
from chat.consumers import calls
from chat.consumers.failures import FeedUnavailable
from chat.guests import GUEST_COOKIE_NAME, guest_token_from_cookie
from chat.protocol import parse_seq
from chat.selectors import ConnectionContext
from core.ablation import design_choice_on
from realtime.groups import (
    moderation_group,
    panel_group,
    panellist_group,
    participant_group,
    review_group,
    support_group,
    user_group,
)

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

join_turns_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = (
    weakref.WeakKeyDictionary()
)


def join_turns() -> asyncio.Semaphore:
    """This event loop's turns for the public's joins (CHAT_JOINS_AT_ONCE)."""
    loop = asyncio.get_running_loop()
    turns = join_turns_by_loop.get(loop)
    if turns is None:
        turns = join_turns_by_loop[loop] = asyncio.Semaphore(settings.CHAT_JOINS_AT_ONCE)
    return turns


def join_turn(scope: dict[str, Any]) -> contextlib.AbstractAsyncContextManager[Any]:
    """The public's joins take turns (CHAT_JOINS_AT_ONCE at a time per process): at 18:00
    thousands arrive together, and with all of them under way at once every task in the
    process, a moderator's frames included, waited behind a queue of thousands of join
    steps. A connection with a session but no guest cookie (staff, anyone signed in) does
    not wait its turn."""
    cookies = scope.get("cookies", {})
    signed_in = settings.SESSION_COOKIE_NAME in cookies and GUEST_COOKIE_NAME not in cookies
    if signed_in or not settings.CHAT_JOINS_AT_ONCE:
        return contextlib.nullcontext()
    return join_turns()


WarmUps = dict[str, "asyncio.Future[Any]"]
_warm_ups_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WarmUps]" = (
    weakref.WeakKeyDictionary()
)


async def _warm_up_guest_joins(slug: str) -> None:
    """One database trip, shared by every guest joining this event meanwhile on this loop:
    the event kept in memory, its askers index filled (chat/selectors.py)."""
    warm_ups = _warm_ups_by_loop.setdefault(asyncio.get_running_loop(), {})
    warm_up = warm_ups.get(slug)
    if warm_up is None:
        warm_up = asyncio.ensure_future(calls.db(selectors.guest_join_warm_up)(slug=slug))
        warm_ups[slug] = warm_up
        warm_up.add_done_callback(lambda _: warm_ups.pop(slug, None))
    # Shielded: one guest leaving must not cancel the others' trip.
    await asyncio.shield(warm_up)


async def connection_context(
    scope: dict[str, Any], *, session_key: str | None
) -> tuple[ConnectionContext | None, uuid.UUID | None]:
    """Who this is at which event (None: no such public event), and a guest's token. The
    session is read here, once, with everything else the connection needs (outreach/asgi.py
    passes the cookies only; the socket never writes the session)."""
    slug = scope["url_route"]["kwargs"]["slug"]
    guest_cookie = scope.get("cookies", {}).get(GUEST_COOKIE_NAME)
    ctx, guest_token = await _guest_from_memory(slug, guest_cookie, session_key=session_key)
    if ctx is None:
        try:
            ctx, guest_token = await calls.db(selectors.connection_open)(
                slug=slug, session_key=session_key, guest_cookie=guest_cookie
            )
        except DatabaseError as error:
            raise FeedUnavailable(f"database: {error}") from error
    return ctx, guest_token


async def _guest_from_memory(
    slug: str, guest_cookie: str | None, *, session_key: str | None
) -> tuple[ConnectionContext | None, uuid.UUID | None]:
    """A guest who has not asked here joins without a database trip of its own (at 18:00,
    nearly everyone): the event from this process's memory and, for a guest with the live
    page's cookie, "has not asked" from the askers index in Redis (chat/askers.py). A
    connection with no cookie at all (the embed in a third-party frame, a direct client)
    is a new guest: nothing to look up. When either is missing, the guests joining at that
    moment share one trip that fills both. Anyone else (ctx None) is read from the
    database."""
    if not design_choice_on("CHAT_GUEST_JOIN_FROM_MEMORY"):
        return None, None
    guest_token = guest_token_from_cookie(guest_cookie, session_key=session_key)
    if guest_token is None and (guest_cookie or session_key):
        return None, None
    for first_look in (True, False):
        event = selectors.cached_public_event(slug)
        if event is not None:
            if guest_token is None:
                return selectors.guest_context(event), None
            asked = await askers.has_asked(event_id=event.event_id, guest_token=guest_token)
            if asked is not None:
                ctx = None if asked else selectors.guest_context(event)
                return ctx, guest_token
        if first_look:
            try:
                await _warm_up_guest_joins(slug)
            except DatabaseError:
                break
    return None, None


def after_from_query(scope: dict[str, Any]) -> int:
    """The `?after=` a reconnecting client names: the last seq it has (0 when it names
    none). FrameError (`bad_frame`) for anything but a bounded whole number."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("after")
    return parse_seq(values[0]) if values else 0


def groups_for(ctx: ConnectionContext) -> list[str]:
    """The groups a connection joins: its user's (sign-outs and role changes reach every
    connection of this user), the moderation group (moderators), the panel's and their own
    (panellists), the review group (who reviews answers), its participant's."""
    groups = []
    if ctx.user_id is not None:
        groups.append(user_group(ctx.user_id))
    if ctx.is_moderator:
        groups.append(moderation_group(ctx.event_id))
    if ctx.panellist_id is not None:
        groups.append(panel_group(ctx.event_id))
        groups.append(panellist_group(ctx.event_id, ctx.panellist_id))
    if ctx.reviews_answers:
        groups.append(review_group(ctx.event_id))
    if ctx.participant_id:
        groups.append(participant_group(ctx.participant_id))
    if ctx.in_support_lane:
        groups.append(support_group(ctx.event_id))
    return groups


# What other apps tell a connection once it has joined (the private lane, support/, tells a
# person about their open conversation): registered from their AppConfig.ready.
JoinHook = Callable[["EventChatConsumer"], Awaitable[None]]
JOIN_HOOKS: list[JoinHook] = []


def on_join(hook: JoinHook) -> JoinHook:
    JOIN_HOOKS.append(hook)
    return hook


# What other apps undo when a connection ends, whatever ends it (a moderator's "taken" mark on
# a question, question_locks/): run from the connection's clean-up, each on its own, so one
# that fails (the database away) does not stop the others. Registered from AppConfig.ready.
LEAVE_HOOKS: list[JoinHook] = []


def on_leave(hook: JoinHook) -> JoinHook:
    LEAVE_HOOKS.append(hook)
    return hook
