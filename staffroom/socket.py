"""The staff room on the live chat's socket (docs/protocol.md, "The staff room").

Its frames join the chat's one schema and handler registry; a staff connection joins the
event's staff room group as it joins (chat.consumers.joining.on_join). A frame from anyone
else (the public, staff of another event) is refused at once, and every frame goes through
the sender's session check to a service or selector that reads their roles here again.
"""

from typing import TYPE_CHECKING, Any

from chat.actions import SessionCheck
from chat.consumers.handlers import handles
from chat.consumers.joining import on_join
from chat.protocol import ClientFrame, ErrorCode, Field, register_frames
from chat.services import ChatError
from events.models import Event
from realtime.groups import staffroom_group
from staffroom import frames, selectors, services

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

register_frames(
    {
        "staff_say": {
            "client_id": Field(str, max_chars=36),
            "body": Field(str, max_chars=services.MAX_MESSAGE_CHARS),
        },
        "staff_resume": {"after": Field(int)},
    }
)


def _is_staff(connection: "EventChatConsumer") -> bool:
    ctx = connection.ctx
    return selectors.is_staff_connection(roles=ctx.roles, reviews_answers=ctx.reviews_answers)


def _refuse_unless_staff(connection: "EventChatConsumer") -> None:
    if not _is_staff(connection):
        raise ChatError(ErrorCode.NOT_ALLOWED, "Only this webchat's staff use its staff room.")


@handles("staff_say")
async def handle_say(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    _refuse_unless_staff(connection)
    event_id = connection.ctx.event_id

    def say(signed_in: SessionCheck) -> int:
        message = services.staff_message_post(
            event_id=event_id,
            actor_id=signed_in(),
            client_id=frame.fields["client_id"],
            body=frame.fields["body"],
        )
        return message.seq

    seq = await connection.access.as_signed_in(say)
    await connection.send_frame(frames.ack(client_id=frame.fields["client_id"], seq=seq))


def replay(*, event_id: int, actor_id: int, after: int) -> list[dict[str, Any]]:
    """The room's messages after `after` (a page at most), then `staff_synced`: for the
    event's staff only, their roles read again."""
    event = Event.objects.get(pk=event_id)
    if selectors.staff_roles(user_id=actor_id, event=event) is None:
        raise ChatError(ErrorCode.NOT_ALLOWED, "Only this webchat's staff use its staff room.")
    found = selectors.messages_after(event_id=event_id, after=after)
    last = found[-1].seq if found else after
    more = len(found) == selectors.PAGE_SIZE
    return [*frames.messages(event_id, event.slug, found), frames.synced(last_seq=last, more=more)]


@handles("staff_resume")
async def handle_resume(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    _refuse_unless_staff(connection)
    event_id, after = connection.ctx.event_id, frame.fields["after"]

    def read(signed_in: SessionCheck) -> list[dict[str, Any]]:
        return replay(event_id=event_id, actor_id=signed_in(), after=after)

    for outgoing in await connection.access.as_signed_in(read):
        await connection.send_frame(outgoing)


@on_join
async def join_staff_room(connection: "EventChatConsumer") -> None:
    """A staff connection hears the room from now on. The pane then asks for what it has
    not got (`staff_resume`, sent as the socket opens: a connection handles its frames only
    once it has joined, so nothing said in between is missed)."""
    if _is_staff(connection):
        await connection.join_group(staffroom_group(connection.ctx.event_id))
