"""Private conversations between a person and an event's crisis workers.

Never published: no transcript, search, download or report shows their content. Content
(messages, and the question that began one) is deleted SUPPORT_RETENTION_DAYS after the
conversation ends; the row stays, with no words in it, for the report's counts.
"""

import uuid

from django.conf import settings
from django.db import models

from chat.models import Participant, Question
from events.models import Event
from support.enums import ConversationState, EndedBy, Origin, Outcome, Sender


class Conversation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="conversations")
    # The person: a guest's browser (its signed guest cookie) or a signed-in user. Emptied
    # when the chat's retention deletes the participant; the row stays for the counts.
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="conversations"
    )
    # The browser's id for the request that opened it, so a retried open is one conversation.
    client_id = models.UUIDField(default=uuid.uuid4)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=ConversationState.choices, default=ConversationState.WAITING
    )
    at_risk = models.BooleanField(default=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField()
    first_reply_at = models.DateTimeField(null=True, blank=True)
    # The latest it may stay open: SUPPORT_AFTER_CLOSE_MINUTES after the webchat's end.
    closes_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=20, choices=EndedBy.choices, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The messages' counter, locked to number them 1, 2, 3... with no gaps.
    last_seq = models.PositiveIntegerField(default=0)
    content_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "client_id"], name="conversation_client_id_once_per_event"
            ),
            # One open conversation per person and event: a second request finds the first.
            models.UniqueConstraint(
                fields=["participant"],
                condition=~models.Q(state="ended"),
                name="conversation_one_open_per_participant",
            ),
        ]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.state})"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=20, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The worker's name and role as the person saw them when it was sent.
    author_label = models.CharField(max_length=300, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "seq"], name="support_message_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="support_message_client_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.seq} of conversation {self.conversation_id}"


class Reading(models.Model):
    """Who read a conversation's content, and when (kept after the content is deleted)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="readings"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept if the account is later deleted: the record still says who read it.
    reader_email = models.CharField(max_length=254)
    read_at = models.DateTimeField(auto_now_add=True)
    # Where: the console, a socket frame that carried content, the record page.
    place = models.CharField(max_length=40)

    class Meta:
        ordering = ["read_at", "id"]

    def __str__(self) -> str:
        return f"reading of {self.conversation_id} by {self.reader_id}"


class Duty(models.Model):
    """A crisis worker on duty at an event: the person is told whether anyone is there."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "worker"], name="support_duty_once"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} on duty at {self.event_id}"
