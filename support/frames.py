"""Every frame the private lane sends (docs/protocol.md, "Talking privately"). A person is
shown a crisis worker's name and role, never another person's anything; crisis workers are
sent the person's words, never who they are."""

from typing import Any

from django.core import signing
from django.urls import reverse

from chat.payloads import iso_utc
from support import selectors
from support.enums import ConversationState, Sender
from support.models import Conversation, Message

EXIT_SALT = "support.exit"


def passed_notice(on_duty: list[str]) -> str:
    """What the asker is told when a moderator passes their question: what happened and who
    will reply."""
    who = " or ".join(on_duty) if on_duty else "A crisis worker"
    return (
        "A moderator passed your question to the webchat's crisis worker instead of "
        f"publishing it. {who} will reply to you here, privately. If you are in danger now, "
        "call 999."
    )


PERSON_LEFT_NOTICE = "The person has left the conversation."
WORKER_ENDED_NOTICE = "The crisis worker has ended the conversation."
TIME_ENDED_NOTICE = "This private conversation has reached its end time."


def joined_notice(label: str) -> str:
    return f"{label} is now talking with you."


def conversation_for_person(conversation: Conversation) -> dict[str, Any]:
    """What the person sees of their conversation: who they are talking to, or how long a
    wait may be; when it ends at the latest."""
    waiting = None
    if conversation.state == ConversationState.WAITING:
        waiting = {
            "ahead": selectors.waiting_ahead(conversation),
            "minutes": selectors.typical_wait_minutes(event_id=conversation.event_id),
        }
    worker = None
    if conversation.worker is not None and conversation.state != ConversationState.WAITING:
        worker = selectors.worker_label(conversation.worker)
    return {
        "type": "support_conversation",
        "conversation_id": conversation.pk,
        "state": conversation.state,
        "with": worker,
        "waiting": waiting,
        "closes_at": iso_utc(conversation.closes_at),
        "last_seq": conversation.last_seq,
        # The quick exit goes here first while it is open: it ends it on this device.
        "exit_url": exit_url(conversation),
    }


def exit_url(conversation: Conversation) -> str | None:
    """Our own URL before the neutral site while a conversation is open; signed, so another
    site cannot end someone's conversation."""
    if conversation.state == ConversationState.ENDED:
        return None
    token = signing.dumps(conversation.pk, salt=EXIT_SALT)
    return reverse("support:exit", kwargs={"slug": conversation.event.slug}) + f"?t={token}"


def message(message: Message, *, for_person: bool) -> dict[str, Any]:
    sender = message.sender
    if for_person:
        sender = "you" if message.sender == Sender.PERSON else message.sender
    return {
        "type": "support_message",
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "from": sender,
        "name": message.author_label or None,
        "body": message.body,
        "sent_at": iso_utc(message.sent_at),
        "client_id": str(message.client_id) if message.client_id else None,
    }


def ack(*, client_id: str, message: Message) -> dict[str, Any]:
    return {
        "type": "support_ack",
        "client_id": client_id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
    }


def synced(*, conversation_id: int, last_seq: int) -> dict[str, Any]:
    return {"type": "support_synced", "conversation_id": conversation_id, "last_seq": last_seq}


def queue_changed(conversation: Conversation) -> dict[str, Any]:
    """To the event's crisis workers: a conversation arrived, moved or ended."""
    return {
        "type": "support_queue",
        "conversation_id": conversation.pk,
        "state": conversation.state,
        "origin": conversation.origin,
        "at_risk": conversation.at_risk,
        "worker_id": conversation.worker_id,
        "opened_at": iso_utc(conversation.opened_at),
    }


def duty_changed() -> dict[str, Any]:
    return {"type": "support_duty"}


def unavailable(message_text: str) -> dict[str, Any]:
    """No conversation can begin now: why, with the help numbers."""
    return {"type": "support_unavailable", "message": message_text}
