"""The frames anyone may send: `ask` and `resume`."""

from dataclasses import replace
from typing import TYPE_CHECKING

from chat import frames, services
from chat.consumers import calls
from chat.consumers.handlers import handles
from chat.protocol import ClientFrame
from realtime.groups import participant_group

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer


@handles("resume")
async def handle_resume(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    await connection.catch_up.resume(after=frame.fields["after"])


@handles("ask")
async def handle_ask(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    fields = frame.fields
    ctx = connection.ctx
    participant_id = ctx.participant_id
    if participant_id is None:
        participant = await calls.db(services.participant_for)(
            event_id=ctx.event_id, user_id=ctx.user_id, guest_token=connection.guest_token
        )
        participant_id = participant.pk
        connection.ctx = replace(ctx, participant_id=participant_id)
        # From now on this connection hears about its own questions.
        await connection.join_group(participant_group(participant_id))
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
