"""The frames anyone may send: `ask`, `me_too` and `resume`."""

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


@handles("me_too")
async def handle_me_too(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    """ "I want to know this too": once per person, answered with the count."""
    participant_id, cut_off = await _participant(connection)
    question_id = frame.fields["question_id"]
    count = await calls.db(services.question_me_too)(
        event_id=connection.ctx.event_id, participant_id=participant_id, question_id=question_id
    )
    await connection.send_frame(frames.me_too(question_id=question_id, count=count))
    if cut_off is not None:
        await connection.close_once(CloseCode.UNAVAILABLE)


async def _participant(connection: "EventChatConsumer") -> tuple[int, Exception | None]:
    """This connection's participant, made on its first question or "me too" (a guest who
    only watches has none), and the Redis failure, if any, that kept it out of its group."""
    ctx = connection.ctx
    if ctx.participant_id is not None:
        return ctx.participant_id, None
    participant = await calls.db(services.participant_for)(
        event_id=ctx.event_id, user_id=ctx.user_id, guest_token=connection.guest_token
    )
    connection.ctx = replace(ctx, participant_id=participant.pk)
    try:
        # From now on this connection hears about its own questions.
        await connection.join_group(participant_group(participant.pk))
    except (redis.RedisError, OSError) as error:
        return participant.pk, error  # what it asked is still taken; the connection ends after
    return participant.pk, None


async def _ask(connection: "EventChatConsumer", fields: dict[str, Any]) -> None:
    ctx = connection.ctx
    participant_id, cut_off = await _participant(connection)
    outcome = await calls.db(services.question_ask)(
        event_id=ctx.event_id,
        participant_id=participant_id,
        client_id=fields["client_id"],
        body=fields["body"],
        nickname=fields.get("nickname"),
        anonymous=fields.get("anonymous"),
        to=fields.get("to"),
        network=connection.network,
        language=connection.language,
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
