"""The live chat: who takes part, what they ask, and the published feed of each event."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from chat.enums import AnswerMode, DraftAction, DraftState, FeedKind, QuestionState
from events.models import Agency, Event, Panellist


class Participant(models.Model):
    """One person taking part in one event: a signed-in user, or a guest's browser session.

    Mutes and private notices attach here, so they follow the person across reconnects and
    tabs. The public never sees anything from this row.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participations",
    )
    # Random, kept in the guest's session cookie; never derived from who they are.
    guest_token = models.UUIDField(null=True, blank=True)
    # A keyed hash of the network last used (core.networks; never the address), for rate
    # limits and mutes; cleared after CHAT_NETWORK_HASH_HOURS by the retention job.
    network_hash = models.CharField(max_length=32, blank=True)
    network_hash_at = models.DateTimeField(null=True, blank=True)
    is_muted = models.BooleanField(default=False)
    muted_at = models.DateTimeField(null=True, blank=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["event", "guest_token"],
                condition=Q(guest_token__isnull=False),
                name="participant_guest_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(guest_token__isnull=False),
                name="participant_is_user_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk} in {self.event_id}"


class NetworkMute(models.Model):
    """A mute that follows a person to a new connection: their network (its keyed hash,
    core.networks) can ask nothing more at this event. Deleted by retention once the event
    has ended and CHAT_NETWORK_HASH_HOURS have passed since the mute."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="network_mutes")
    network_hash = models.CharField(max_length=32)
    muted_at = models.DateTimeField(auto_now_add=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "network_hash"], name="network_mute_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"network mute in {self.event_id}"


def staff_ref(question_id: int) -> str:
    """Staff's reference for a question that is not (yet) public: the letter keeps it apart
    from the public numbers, so "W-12" and "question 12" can never be taken for each other."""
    return f"W-{question_id}"


class Question(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="questions"
    )
    # Made by the asker's browser, so a retried `ask` is stored once.
    client_id = models.UUIDField(default=uuid.uuid4)
    body = models.TextField(help_text="What the asker wrote. Never shown to the public.")
    published_body = models.TextField(
        blank=True, help_text="What the public sees: the body, or the moderator's edit."
    )
    nickname = models.CharField(max_length=40, blank=True)
    # The language the asker was reading the page in (core.languages), shown to moderators:
    # a question is published in the language it was written in.
    language = models.CharField(max_length=10, blank=True)
    to_agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_panellist = models.ForeignKey(
        Panellist, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=QuestionState.choices, default=QuestionState.PENDING
    )
    # Where a moderator sent it (question_route): staff only, never in a public payload. It
    # takes the place of the asker's `to_*` on the panel's console.
    routed_to_agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    routed_to_panellist = models.ForeignKey(
        Panellist, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_urgent = models.BooleanField(default=False)
    # Blocked words it contains (safeguarding.detection), for the moderator; never published as is.
    blocked_words = models.JSONField(default=list, blank=True)
    # Personal details found when it was asked (safeguarding.detection), for the moderator.
    findings = models.JSONField(default=list, blank=True)
    asked_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.CharField(max_length=500, blank=True)
    # Its one public number (1, 2, 3... per event, in the order published), the same on the
    # live page, both consoles, the transcript and the downloads. None until published.
    number = models.PositiveIntegerField(null=True, blank=True)
    # How many people said "I want to know this too" (MeToo rows), kept here so the panel
    # can sort by it and the transcript and report can show it without counting rows.
    me_too_count = models.PositiveIntegerField(default=0)
    # How many people asked it: its asker and those whose questions a moderator attached to
    # it as the same question (similar/); public once published ("asked by 6 people").
    askers_count = models.PositiveIntegerField(default=1)
    # The published question a moderator attached this one to (state `merged`): its asker
    # is told of that one's publication and answer. Staff and its asker only, never public.
    published_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attached_questions",
    )

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            # Its identity: a retry is the same question whoever sends it (chat/services.py).
            models.UniqueConstraint(
                fields=["event", "client_id"], name="question_client_id_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["event", "number"],
                condition=models.Q(number__isnull=False),
                name="question_number_once_per_event",
            ),
        ]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self) -> str:
        return f"question {self.pk} ({self.state})"

    @property
    def staff_ref(self) -> str:
        """How staff name it while it waits: never a public number ("W-" and its id)."""
        return staff_ref(self.pk)

    @property
    def was_edited(self) -> bool:
        return bool(self.published_body) and self.published_body != self.body


class MeToo(models.Model):
    """One person's "I want to know this too" on a published question: once per participant
    (a signed-in user, or a guest's cookie: chat/guests.py), no account needed."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="me_toos")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="me_too_once_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"me too on question {self.question_id}"


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    panellist = models.ForeignKey(Panellist, on_delete=models.PROTECT, related_name="answers")
    mode = models.CharField(max_length=20, choices=AnswerMode.choices, default=AnswerMode.WRITTEN)
    body = models.TextField()
    # The panellist's own Easy Read version, if they wrote one: shown in the Easy Read view
    # of the live page and on the transcript (docs/accessibility.md, "Easy Read").
    easy_read_body = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"answer {self.pk} to question {self.question_id}"


class AnswerDraft(models.Model):
    """A panellist's answer at an event that reviews answers: never public until a reviewer
    publishes it (chat.services.answer_draft_publish), which makes its Answer. Its history,
    every version and decision, is in AnswerDraftEvent."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="drafts")
    panellist = models.ForeignKey(Panellist, on_delete=models.PROTECT, related_name="drafts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    mode = models.CharField(max_length=20, choices=AnswerMode.choices, default=AnswerMode.WRITTEN)
    # The current version: the panellist's, or the reviewer's edit once published.
    body = models.TextField()
    # The panellist's Easy Read version, published with the answer.
    easy_read_body = models.TextField(blank=True)
    state = models.CharField(
        max_length=20, choices=DraftState.choices, default=DraftState.SUBMITTED
    )
    # The reviewer's comment when it was last returned, for the panellist.
    comment = models.CharField(max_length=500, blank=True)
    answer = models.OneToOneField(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "state"])]

    def __str__(self) -> str:
        return f"draft {self.pk} to question {self.question_id} ({self.state})"


class AnswerDraftEvent(models.Model):
    """One step in a draft's history, with the text as it stood then: kept for audit."""

    draft = models.ForeignKey(AnswerDraft, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20, choices=DraftAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    comment = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of draft {self.draft_id}"


class ChatRoom(models.Model):
    """Per-event live state: the feed's sequence counter (locked to number items), the
    questions' public number counter (advanced under the same lock) and the pin."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="chat_room")
    last_seq = models.PositiveIntegerField(default=0)
    last_question_number = models.PositiveIntegerField(default=0)
    pinned_seq = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chat room of {self.event_id}"


class FeedItem(models.Model):
    """One published item, numbered 1, 2, 3... per event with no gaps.

    `payload` is the exact public frame body sent to viewers, frozen at publish time, so a
    client that resumes gets byte-for-byte what others saw, and it holds no personal data.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feed_items")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=FeedKind.choices)
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_items"
    )
    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_item"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["event", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["event", "seq"], name="feed_item_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} in {self.event_id}"
