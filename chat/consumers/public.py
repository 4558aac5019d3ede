"""The frames anyone may send: `ask` and `resume`."""

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import redis
from django.db import DatabaseError

from chat import frames, services
from chat.consumers import calls
from chat.consumers.failures import UNAVAILABLE_ERRORS, logger
from chat.consumers.handlers import handles
from chat.protocol import ClientFrame
from chat.services import ChatError
from realtime.codes import CloseCode
from realtime.groups import participant_group
from safeguarding import detection as safeguarding
from safeguarding import selectors as safeguarding_selectors

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer


@handles("resume")
async def handle_resume(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    await connection.catch_up.resume(after=frame.fields["after"])


@handles("ask")
async def handle_ask(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    """Help first, storage second: a question is stored whether or not Redis answers, and
    a person in danger is shown the help on this very connection, whatever else fails."""
    fields = frame.fields
    try:
        await _ask(connection, fields)
    except UNAVAILABLE_ERRORS:
        if await calls.db(_says_in_danger_now)(fields["body"]):
            await connection.send_frame(frames.help_now(safeguarding.HELP_NOW_MESSAGE))
        raise
    except ChatError as refusal:
        if refusal.help_now:
            await connection.send_frame(frames.help_now(safeguarding.HELP_NOW_MESSAGE))
        raise


async def _ask(connection: "EventChatConsumer", fields: dict[str, Any]) -> None:
    ctx = connection.ctx
    participant_id = ctx.participant_id
    cut_off: Exception | None = None
    if participant_id is None:
        participant = await calls.db(services.participant_for)(
            event_id=ctx.event_id, user_id=ctx.user_id, guest_token=connection.guest_token
        )
        participant_id = participant.pk
        connection.ctx = replace(ctx, participant_id=participant_id)
        try:
            # From now on this connection hears about its own questions.
            await connection.join_group(participant_group(participant_id))
        except (redis.RedisError, OSError) as error:
            cut_off = error  # the question is still taken; the connection ends after it
    outcome = await calls.db(services.question_ask)(
        event_id=ctx.event_id,
        participant_id=participant_id,
        client_id=fields["client_id"],
        body=fields["body"],
        nickname=fields.get("nickname"),
        anonymous=fields.get("anonymous"),
        to=fields.get("to"),
        network=connection.network,
    )
    await connection.send_frame(
        frames.ack(client_id=fields["client_id"], question=outcome.question)
    )
    if outcome.help_now:
        # Also sent to the asker's other tabs through Redis; this one must not depend on it.
        await connection.send_frame(frames.help_now(safeguarding.HELP_NOW_MESSAGE))
    if cut_off is not None:
        # Without its group this connection would miss its question's news: it closes with
        # 4503 and the client comes back (and joins) once Redis answers.
        logger.warning(
            "question stored for event %s; connection closed, Redis unavailable: %s",
            ctx.event_id,
            cut_off,
        )
        await connection.close_once(CloseCode.UNAVAILABLE)


def _says_in_danger_now(body: str) -> bool:
    text = safeguarding.visible_text(body)
    try:
        return safeguarding_selectors.question_in_danger_now(text)
    except DatabaseError:
        # The staff phrases are in the database; the built-in detection is not.
        return safeguarding_selectors.question_in_danger_now(
            text, safeguarding_selectors.CrisisPhrases.none()
        )
