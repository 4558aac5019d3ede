"""Staff actions: one registry for the live socket's privileged frames and the consoles' forms.

Each action is written once, here: the service it calls and how its fields reach it, the
fields it takes (a frame's, or a console's URL and form together), the console's form and
who may take it. Every action here is staff-only, and that is not a flag to forget: an
action reaches its service only through `StaffAction.perform`, which takes the actor from
the caller's session check and from nowhere else. The socket's check reads the session
(chat/consumers/access.py), a console's is the request's signed-in user; the services then
check the actor's roles at this event. A frame anyone may send (ask, resume) is not here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured

from chat import services
from chat.enums import AnswerMode
from chat.forms import (
    AnnounceForm,
    AnswerForm,
    ApproveForm,
    ConfirmForm,
    MarkAnsweredForm,
    RejectForm,
    RouteForm,
)
from chat.protocol import SCHEMA
from chat.services import ChatError

# The signed-in actor's user id, or an exception when the session no longer signs them in.
SessionCheck = Callable[[], int]
Fields = Mapping[str, Any]


class StaffRole(StrEnum):
    """Who may take an action at an event (the service checks it against their roles)."""

    MODERATOR = "moderator"
    PANELLIST = "panellist"


@dataclass(frozen=True)
class StaffAction:
    # The frame's type, and the action a console's form posts.
    name: str
    # Calls the service: (event_id, actor_id, fields) -> its result. The service is looked up
    # when called (chat.services.<name>), so a test may stand in for it.
    service: Callable[[int, int, Fields], object]
    fields: tuple[str, ...]
    form: type[forms.Form]
    role: StaffRole
    # What the console says once it is done (from the service's result, when it depends).
    done: str | Callable[[object], str]
    # Several of these frames that arrived together, committed together (one transaction,
    # one PUBLISH): each one's outcome in order, its result or the ChatError refusing it.
    batch: Callable[[int, int, list[Fields]], list[object | ChatError]] | None = None
    # The console form's URL name, when another app serves it (else "chat:<name>").
    url_name: str | None = None

    def done_message(self, result: object) -> str:
        return self.done(result) if callable(self.done) else self.done

    @property
    def console_url_name(self) -> str:
        return self.url_name or f"chat:{self.name}"

    def perform(self, *, event_id: int, signed_in: SessionCheck, fields: Fields) -> object:
        """Take the action as the signed-in actor: the session check comes first, so no
        action reaches its service without it."""
        return self.service(event_id, signed_in(), fields)

    def perform_all(
        self, *, event_id: int, signed_in: SessionCheck, batch: list[Fields]
    ) -> list[object | ChatError]:
        if self.batch is None:
            raise ValueError(f"{self.name} is not taken in batches")
        return self.batch(event_id, signed_in(), batch)


def _approve(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_approve(
        question_id=fields["question_id"],
        actor_id=actor_id,
        body=fields.get("body"),
        event_id=event_id,
        publish_unmasked=bool(fields.get("publish_unmasked")),
    )


def _reject(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_reject(
        question_id=fields["question_id"],
        actor_id=actor_id,
        reason=fields["reason"],
        event_id=event_id,
    )


def _answer(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_answer(
        question_id=fields["question_id"],
        actor_id=actor_id,
        body=fields["body"],
        event_id=event_id,
        easy_read_body=fields.get("easy_read_body") or "",
    )


def _mark_answered(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_answer(
        question_id=fields["question_id"],
        actor_id=actor_id,
        body=fields.get("note") or "",
        mode=AnswerMode.ELSEWHERE,
        event_id=event_id,
    )


def _route(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.question_route(
        question_id=fields["question_id"], actor_id=actor_id, to=fields["to"], event_id=event_id
    )


def _announce(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.announcement_post(event_id=event_id, actor_id=actor_id, body=fields["body"])


def _announce_all(event_id: int, actor_id: int, batch: list[Fields]) -> list[object | ChatError]:
    return list(
        services.announcements_post(
            event_id=event_id, actor_id=actor_id, bodies=[fields["body"] for fields in batch]
        )
    )


def _pin(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.item_pin(event_id=event_id, actor_id=actor_id, seq=fields["seq"])


def _mute(event_id: int, actor_id: int, fields: Fields) -> object:
    return services.participant_mute(
        event_id=event_id, participant_id=fields["participant_id"], actor_id=actor_id
    )


def _answered(seq: object) -> str:
    # question_answer's None: the event reviews answers, and this one is a draft.
    if seq is None:
        return "Your answer is with the reviewers. It is not public until one publishes it."
    return "Answer published."


MODERATOR, PANELLIST = StaffRole.MODERATOR, StaffRole.PANELLIST
ACTIONS: dict[str, StaffAction] = {
    action.name: action
    for action in (
        StaffAction(
            "approve",
            _approve,
            ("question_id", "body", "publish_unmasked"),
            ApproveForm,
            MODERATOR,
            "Question published.",
        ),
        StaffAction(
            "reject",
            _reject,
            ("question_id", "reason"),
            RejectForm,
            MODERATOR,
            "Question declined. The asker has been told why.",
        ),
        StaffAction(
            "mute",
            _mute,
            ("participant_id",),
            ConfirmForm,
            MODERATOR,
            "Participant muted for this webchat.",
        ),
        StaffAction(
            "announce",
            _announce,
            ("body",),
            AnnounceForm,
            MODERATOR,
            "Announcement published.",
            batch=_announce_all,
        ),
        StaffAction(
            "route",
            _route,
            ("question_id", "to"),
            RouteForm,
            MODERATOR,
            "Routing saved. The panel sees it on their console.",
        ),
        StaffAction("pin", _pin, ("seq",), ConfirmForm, MODERATOR, "Pinned item updated."),
        StaffAction(
            "answer",
            _answer,
            ("question_id", "body", "easy_read_body"),
            AnswerForm,
            PANELLIST,
            _answered,
        ),
        StaffAction(
            "mark_answered",
            _mark_answered,
            ("question_id", "note"),
            MarkAnsweredForm,
            PANELLIST,
            "Marked as answered.",
        ),
    )
}


def _check_fields(action: StaffAction) -> None:
    # The frame's schema (chat/protocol.py) and the registry name the same fields.
    if set(SCHEMA.get(action.name, ())) != set(action.fields):
        raise ImproperlyConfigured(f"staff action {action.name!r}: fields differ from its schema")


for _action in ACTIONS.values():
    _check_fields(_action)


def register_action(action: StaffAction) -> None:
    """A staff action another app adds (the moderators' "pass to the crisis worker",
    support/), from its AppConfig.ready, after its frame's schema (protocol.register_frames):
    its frame then goes through the same session check and handler as these."""
    if ACTIONS.get(action.name, action) is not action:
        raise ImproperlyConfigured(f"staff action {action.name!r} is already registered")
    _check_fields(action)
    ACTIONS[action.name] = action


def privileged_frames() -> frozenset[str]:
    """The frames only a signed-in member of staff may send: the staff actions."""
    return frozenset(ACTIONS)
