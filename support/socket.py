"""The private lane on the live chat's socket (docs/protocol.md, "Talking privately").

Its frames join the chat's one schema and handler registry, and the moderators' "pass to the
crisis worker" joins the staff actions (chat/actions.py): the same bounds, budgets, session
check and error frames as every other frame. A person's frames name only their own
conversation (checked against their participant on every frame); a crisis worker's go
through the session check and their roles at this event, read again on every frame.
"""

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chat.actions import Fields, SessionCheck, StaffAction, StaffRole, register_action
from chat.consumers import calls
from chat.consumers.handlers import handles
from chat.consumers.joining import on_join
from chat.consumers.staff import handle_staff_frame
from chat.forms import ConfirmForm
from chat.protocol import ClientFrame, ErrorCode, Field, register_frames
from chat.services import ChatError
from realtime.groups import participant_group
from support import frames, selectors, services
from support.models import Message

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

MAX_MESSAGE_CHARS = 2000
_ID = Field(int)
_CLIENT_ID = Field(str, max_chars=36)

register_frames(
    {
        # The person.
        "support_open": {"client_id": _CLIENT_ID, "question_id": Field(int, required=False)},
        "support_say": {
            "conversation_id": _ID,
            "client_id": _CLIENT_ID,
            "body": Field(str, max_chars=MAX_MESSAGE_CHARS),
        },
        "support_resume": {"conversation_id": _ID, "after": Field(int)},
        "support_leave": {"conversation_id": _ID},
        # Crisis workers.
        "support_claim": {"conversation_id": Field(int, required=False, nullable=True)},
        "support_reply": {
            "conversation_id": _ID,
            "client_id": _CLIENT_ID,
            "body": Field(str, max_chars=MAX_MESSAGE_CHARS),
        },
        "support_hand_over": {"conversation_id": _ID, "to_user_id": _ID},
        "support_risk": {"conversation_id": _ID, "at_risk": Field(bool)},
        "support_end": {"conversation_id": _ID, "outcome": Field(str, max_chars=30)},
        # Moderators (a staff action).
        "pass_to_crisis_worker": {"question_id": _ID},
    }
)


def _pass(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_pass_to_crisis_worker(
        event_id=event_id, question_id=fields["question_id"], actor_id=actor_id
    )


register_action(
    StaffAction(
        "pass_to_crisis_worker",
        _pass,
        ("question_id",),
        ConfirmForm,
        StaffRole.MODERATOR,
        "Question passed to the crisis worker. Its asker has been told privately.",
        url_name="support:pass",
    )
)
handles("pass_to_crisis_worker")(handle_staff_frame)


def _person(connection: "EventChatConsumer") -> services.Person:
    return services.Person(
        event_id=connection.ctx.event_id,
        user_id=connection.ctx.user_id,
        guest_token=connection.guest_token,
    )


async def _hear_own_conversation(connection: "EventChatConsumer", participant_id: int) -> None:
    """From now on this connection hears its person's conversation (their group)."""
    if connection.ctx.participant_id != participant_id:
        connection.ctx = replace(connection.ctx, participant_id=participant_id)
    await connection.join_group(participant_group(participant_id))


@handles("support_open")
async def handle_open(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    try:
        conversation = await calls.db(services.conversation_open)(
            person=_person(connection),
            client_id=frame.fields["client_id"],
            question_id=frame.fields.get("question_id"),
            network=connection.network,
        )
    except ChatError as refusal:
        if refusal.code in {ErrorCode.NO_CRISIS_WORKER, ErrorCode.EVENT_NOT_OPEN}:
            await connection.send_frame(frames.unavailable(refusal.message))
        raise
    if conversation.participant_id is not None:
        await _hear_own_conversation(connection, conversation.participant_id)
    await connection.send_frame(await calls.db(frames.conversation_for_person)(conversation))


@handles("support_say")
async def handle_say(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    fields = frame.fields
    message = await calls.db(services.person_says)(
        person=_person(connection),
        conversation_id=fields["conversation_id"],
        client_id=fields["client_id"],
        body=fields["body"],
    )
    await connection.send_frame(frames.ack(client_id=fields["client_id"], message=message))


@handles("support_leave")
async def handle_leave(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    await calls.db(services.person_leaves)(
        person=_person(connection), conversation_id=frame.fields["conversation_id"]
    )


def _replay(
    *, person: services.Person | None, actor_id: int | None, conversation_id: int, after: int
) -> list[dict[str, Any]]:
    """The conversation's messages after `after`, then `support_synced`: for the person,
    their own conversation only; for a crisis worker, any at their event (each reading
    recorded)."""
    conversation = None
    if person is not None:
        conversation = selectors.persons_conversation(
            person=person, conversation_id=conversation_id
        )
        for_person = True
    elif actor_id is not None:
        conversation = selectors.workers_conversation(
            actor_id=actor_id, conversation_id=conversation_id
        )
        for_person = False
    if conversation is None:
        raise ChatError(ErrorCode.NOT_FOUND, "No such conversation at this webchat.")
    messages: list[Message] = list(
        selectors.messages_after(conversation_id=conversation.pk, after=after)
    )
    if actor_id is not None and messages:
        services.reading_record(conversation_id=conversation.pk, reader_id=actor_id, place="socket")
    replay = [frames.message(message, for_person=for_person) for message in messages]
    last_seq = messages[-1].seq if messages else after
    return [*replay, frames.synced(conversation_id=conversation.pk, last_seq=last_seq)]


@handles("support_resume")
async def handle_resume(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    conversation_id, after = frame.fields["conversation_id"], frame.fields["after"]
    if connection.ctx.in_support_lane:

        def replay_for_worker(signed_in: SessionCheck) -> list[dict[str, Any]]:
            return _replay(
                person=None, actor_id=signed_in(), conversation_id=conversation_id, after=after
            )

        replay = await connection.access.as_signed_in(replay_for_worker)
    else:
        replay = await calls.db(_replay)(
            person=_person(connection),
            actor_id=None,
            conversation_id=conversation_id,
            after=after,
        )
    for outgoing in replay:
        await connection.send_frame(outgoing)


# Each crisis worker's frame and the service it calls: the frame's fields are the service's
# keyword arguments (the schemas above name them so), with the event and the signed-in actor.
WORKER_SERVICES = {
    "support_claim": "conversation_claim",
    "support_reply": "worker_says",
    "support_hand_over": "conversation_hand_over",
    "support_risk": "conversation_mark_risk",
    "support_end": "conversation_end",
}


async def handle_worker_frame(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    """A crisis worker's frame: refused at once for anyone else, then through the session
    check to its service (looked up when called), which reads their roles at this event
    again. A reply is acknowledged with its seq."""
    if not connection.ctx.in_support_lane:
        raise ChatError(ErrorCode.NOT_ALLOWED, "You cannot do that in this webchat.")
    event_id = connection.ctx.event_id
    service = getattr(services, WORKER_SERVICES[frame.type])

    def act(signed_in: SessionCheck) -> Any:
        return service(event_id=event_id, actor_id=signed_in(), **frame.fields)

    result = await connection.access.as_signed_in(act)
    if isinstance(result, Message):
        await connection.send_frame(frames.ack(client_id=frame.fields["client_id"], message=result))


for _frame_type in WORKER_SERVICES:
    handles(_frame_type)(handle_worker_frame)


@on_join
async def tell_person_of_their_conversation(connection: "EventChatConsumer") -> None:
    """A person who has a conversation open (or just ended) is told of it as they join, on
    every tab and after every reconnect; the page then asks for its messages by seq."""
    participant_id = connection.ctx.participant_id
    if participant_id is None:
        return
    frame = await calls.db(_conversation_frame)(participant_id)
    if frame is not None:
        await connection.send_frame(frame)


def _conversation_frame(participant_id: int) -> dict[str, Any] | None:
    conversation = selectors.latest_conversation_of(participant_id=participant_id)
    if conversation is None or conversation.content_deleted_at is not None:
        return None
    return frames.conversation_for_person(conversation)
