"""Similar questions on the live chat's socket (docs/protocol.md, "Similar questions").

The moderators' three actions join the chat's staff actions (chat/actions.py): the same
schema, bounds, session check, error frames and console forms as every other; a moderator's
console is told the event's groups as it joins.
"""

from typing import TYPE_CHECKING

from chat.actions import Fields, StaffAction, StaffRole, register_action
from chat.consumers import calls
from chat.consumers.handlers import handles
from chat.consumers.joining import on_join
from chat.consumers.staff import handle_staff_frame
from chat.forms import ApproveForm, ConfirmForm
from chat.protocol import MAX_QUESTION_CHARS, Field, register_frames
from similar import frames, selectors, services
from similar.forms import AttachForm

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

_ID = Field(int)

register_frames(
    {
        "similar_publish": {
            "question_id": _ID,
            "body": Field(str, required=False, max_chars=MAX_QUESTION_CHARS, nullable=True),
            "publish_unmasked": Field(bool, required=False, nullable=True),
        },
        "similar_attach": {"question_id": _ID, "to_question_id": _ID},
        "similar_detach": {"question_id": _ID},
    }
)


def _publish(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.similar_publish(
        event_id=event_id,
        actor_id=actor_id,
        question_id=fields["question_id"],
        body=fields.get("body"),
        publish_unmasked=fields.get("publish_unmasked"),
    )


def _attach(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.similar_attach(
        event_id=event_id,
        actor_id=actor_id,
        question_id=fields["question_id"],
        to_question_id=fields["to_question_id"],
    )


def _detach(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.similar_detach(
        event_id=event_id, actor_id=actor_id, question_id=fields["question_id"]
    )


def _published(attached: object) -> str:
    if not attached:
        return "Question published."
    return (
        f"Question published with {attached} similar "
        f"{'question' if attached == 1 else 'questions'} attached. Every asker has been told."
    )


for _action in (
    StaffAction(
        "similar_publish",
        _publish,
        ("question_id", "body", "publish_unmasked"),
        ApproveForm,
        StaffRole.MODERATOR,
        _published,
        url_name="similar:publish",
    ),
    StaffAction(
        "similar_attach",
        _attach,
        ("question_id", "to_question_id"),
        AttachForm,
        StaffRole.MODERATOR,
        "Question attached. Its asker has been told.",
        url_name="similar:attach",
    ),
    StaffAction(
        "similar_detach",
        _detach,
        ("question_id",),
        ConfirmForm,
        StaffRole.MODERATOR,
        "Question detached: it waits on its own.",
        url_name="similar:detach",
    ),
):
    register_action(_action)
    handles(_action.name)(handle_staff_frame)


@on_join
async def tell_moderator_of_groups(connection: "EventChatConsumer") -> None:
    """A moderator's console learns the event's groups as it joins (and after every
    reconnect), after the queue."""
    if not connection.ctx.is_moderator:
        return
    # Staff work on the staff threads: not behind the public's joins (chat/consumers/calls.py).
    frame = await calls.staff_db(_groups_frame)(connection.ctx.event_id)
    await connection.send_frame(frame)


def _groups_frame(event_id: int) -> dict[str, object]:
    return frames.groups(selectors.waiting_groups(event_id=event_id))
