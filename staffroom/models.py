"""The staff room: an event's private chat for its moderators, panellists, reviewers and
crisis workers.

Never published: no live page, transcript, search, download or report reads these tables.
Kept like the event's audit trail (its status changes, answer drafts' history): for as long
as the event itself; the personal-data purge never touches them (docs/operations.md).
"""

import uuid

from django.conf import settings
from django.db import models

from events.models import Event


class StaffRoom(models.Model):
    """One per event: the messages' counter, locked to number them 1, 2, 3... with no gaps."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="staff_room")
    last_seq = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"staff room of event {self.event_id}"


class StaffMessage(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff_messages")
    seq = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who wrote it, as the room showed them then: kept if the account is later deleted.
    author_name = models.CharField(max_length=300)
    author_email = models.CharField(max_length=254)
    # Their roles at the event when they wrote it ("Moderator", "Panellist, Mencap").
    author_roles = models.CharField(max_length=300)
    # The browser's id for the message, so a retried send is stored once.
    client_id = models.UUIDField(default=uuid.uuid4)
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["event", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["event", "seq"], name="staff_message_seq_unique"),
            models.UniqueConstraint(
                fields=["event", "client_id"], name="staff_message_client_id_once"
            ),
        ]

    def __str__(self) -> str:
        return f"staff message {self.seq} at event {self.event_id}"
