"""A signed-in connection's rights: sign-outs and role changes end it, and a staff action
acts only while the sender's session still exists."""

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings

from accounts.selectors import session_identity
from chat import selectors
from chat.actions import SessionCheck
from chat.consumers import calls
from chat.consumers.failures import SessionEnded, logger
from chat.protocol import ErrorCode
from chat.services import ChatError
from realtime.codes import CloseCode

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

R = TypeVar("R")


class AccessWatch:
    """Closes the connection when its user signs out (4401) or their rights here change
    (4403): told at once by the user's group (chat/receivers.py), and re-checked every
    CHAT_ACCESS_RECHECK_SECONDS for changes no signal announces."""

    def __init__(self, connection: "EventChatConsumer") -> None:
        self.connection = connection
        self.session_key: str | None = None
        # When the session was last found to exist (monotonic); trusted for a moment.
        self.checked_at = 0.0
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.connection.ctx.user_id is not None:
            self.task = asyncio.create_task(self._watch())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def ended(self, message: dict[str, Any]) -> None:
        """This user signed out (of this session, or of all: session_key None)."""
        if message.get("session_key") in (None, self.session_key):
            await self.connection.close_once(CloseCode.SIGNED_OUT)

    async def _watch(self) -> None:
        # A backstop for changes no signal announces (a session expiring, a row edited
        # outside Django): signed-in connections re-check every few seconds.
        while True:
            await asyncio.sleep(settings.CHAT_ACCESS_RECHECK_SECONDS)
            try:
                await self.check()
            except Exception as error:
                # The database is away for a moment: the next round checks again.
                logger.warning(
                    "access re-check for event %s failed: %s", self.connection.ctx.event_id, error
                )

    async def check(self) -> None:
        """Something about this user's rights may have changed: check them again now."""
        connection = self.connection
        if connection.closing or connection.ctx.user_id is None:
            return
        # The same database trip as when the connection opened.
        now, _ = await calls.db(selectors.connection_open)(
            slug=connection.ctx.slug, session_key=self.session_key
        )
        self.checked_at = time.monotonic()
        if now is not None and now.user_id != connection.ctx.user_id:
            await connection.close_once(CloseCode.SIGNED_OUT)
        elif now is None or (now.roles, now.reviews_answers) != (
            connection.ctx.roles,
            connection.ctx.reviews_answers,
        ):
            # (A moderator stops reviewing when the event names reviewers: not a role name.)
            # Rights only ever change by reconnecting: the client reconnects (the live
            # page) or stops and asks for a reload (a console).
            await connection.close_once(CloseCode.ACCESS_CHANGED)

    async def as_signed_in(self, action: Callable[[SessionCheck], R]) -> R:
        """Run a staff action (chat.actions) on a staff thread, its session check being
        that the sender's session still exists: a session deleted (signed out elsewhere,
        flushed by an administrator) stops it at once, with SessionEnded. The check is
        trusted for CHAT_SESSION_CHECK_SECONDS; when it is due it runs in the same trip as
        the action, before it (a trip of its own cost a moderator's frame two more waits
        for a busy event loop at 18:00)."""
        user_id = self.actor_id()
        session_key = self.session_key
        started = time.monotonic()
        check_due = started - self.checked_at >= settings.CHAT_SESSION_CHECK_SECONDS

        def signed_in() -> int:
            if check_due and session_identity(session_key).user_id != user_id:
                raise SessionEnded
            return user_id

        def act() -> R:
            return action(signed_in)

        result = await calls.staff_db(act)()
        # A refused action leaves the check due: the next frame checks again.
        if check_due:
            self.checked_at = started
        return result

    def actor_id(self) -> int:
        # Rights are checked by the service against the database on every frame; a guest
        # has no user id, so any privileged frame from one is refused there and here.
        user_id = self.connection.ctx.user_id
        if user_id is None:
            raise ChatError(ErrorCode.NOT_ALLOWED, "You are not allowed to do that at this event.")
        return user_id
