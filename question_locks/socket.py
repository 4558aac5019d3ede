"""Questions open on a moderator's console, over the live chat's socket (docs/protocol.md,
"Questions open on a console"): `queue_take` when a moderator opens a waiting question (and
again while they type in it), `queue_let_go` when they close it; the event's moderators hear
`queue_taken` and `queue_released`. A moderator joining is told what is open now; whatever a
connection had open is let go when it ends, however it ends (the leave hook)."""

from typing import TYPE_CHECKING

from chat.actions import SessionCheck
from chat.consumers import calls
from chat.consumers.handlers import handles
from chat.consumers.joining import on_join, on_leave
from chat.protocol import ClientFrame, ErrorCode, Field, register_frames
from chat.services import ChatError
from question_locks import selectors, services

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

register_frames(
    {
        "queue_take": {"question_id": Field(int)},
        "queue_let_go": {"question_id": Field(int)},
    }
)


def _refuse_unless_moderator(connection: "EventChatConsumer") -> None:
    # At once for anyone else; the service reads the sender's roles again.
    if not connection.ctx.is_moderator:
        raise ChatError(ErrorCode.NOT_ALLOWED, "Only this webchat's moderators can do that.")


@handles("queue_take")
async def handle_take(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    _refuse_unless_moderator(connection)
    event_id, question_id = connection.ctx.event_id, frame.fields["question_id"]

    def take(signed_in: SessionCheck) -> services.Taken:
        return services.question_lock_take(
            event_id=event_id,
            question_id=question_id,
            actor_id=signed_in(),
            connection_id=connection.connection_id,
        )

    await connection.access.as_signed_in(take)


@handles("queue_let_go")
async def handle_let_go(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    _refuse_unless_moderator(connection)
    await calls.staff_db(services.question_lock_release)(
        event_id=connection.ctx.event_id,
        question_id=frame.fields["question_id"],
        connection_id=connection.connection_id,
    )


@on_join
async def tell_moderator_what_is_open(connection: "EventChatConsumer") -> None:
    if not connection.ctx.is_moderator:
        return
    # Staff work on the staff threads: not behind the public's joins (chat/consumers/calls.py).
    for frame in await calls.staff_db(selectors.locks_held)(event_id=connection.ctx.event_id):
        await connection.send_frame(frame)


@on_leave
async def let_go_of_what_was_open(connection: "EventChatConsumer") -> None:
    # Only a moderator's connection can hold anything: no database trip for the public's.
    if connection.event_id is None or not connection.ctx.is_moderator:
        return
    await calls.staff_db(services.question_locks_release_connection)(
        connection_id=connection.connection_id
    )
