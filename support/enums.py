"""The private lane's states, how a conversation began, and how it ended."""

from django.db import models


class ConversationState(models.TextChoices):
    # Nobody holds it yet: in every crisis worker's queue.
    WAITING = "waiting", "Waiting for a crisis worker"
    # A crisis worker holds it (claimed, taken over or handed over).
    HELD = "held", "With a crisis worker"
    ENDED = "ended", "Ended"


CONVERSATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ConversationState.WAITING: frozenset({ConversationState.HELD, ConversationState.ENDED}),
    ConversationState.HELD: frozenset({ConversationState.HELD, ConversationState.ENDED}),
    ConversationState.ENDED: frozenset(),
}


class Origin(models.TextChoices):
    """How a conversation began; the first two rank above the third in the queue."""

    TRIAGE = "triage", "Offered after crisis triage"
    MODERATOR = "moderator", "Passed by a moderator"
    SELF = "self", "Asked for by the person"


# The queue's order: at risk first, then by how it began, then the longest waiting.
ORIGIN_RANK = {Origin.TRIAGE: 0, Origin.MODERATOR: 1, Origin.SELF: 2}


class Outcome(models.TextChoices):
    ADVICE_GIVEN = "advice_given", "Advice given"
    REFERRED = "referred", "Referred to a service"
    TOLD_TO_CALL_999 = "told_to_call_999", "Told to call 999"
    PERSON_LEFT = "person_left", "The person left"
    NO_REPLY = "no_reply", "No reply from the person"


class Sender(models.TextChoices):
    PERSON = "person", "The person"
    WORKER = "worker", "A crisis worker"
    # What the portal itself tells both sides (taken over, ended...).
    NOTICE = "notice", "Outreach"


class EndedBy(models.TextChoices):
    PERSON = "person", "The person"
    WORKER = "worker", "A crisis worker"
    # The person used "Exit this page" or "Forget my questions on this device".
    DEVICE = "device", "Left this device"
    # Its time after the webchat's close ran out.
    TIME = "time", "Time ran out"
