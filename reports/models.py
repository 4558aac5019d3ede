"""What reports keep beyond the live tables: viewer counts over time and frozen question tallies.

The tables keep the names they had when these models lived in the chat app."""

from django.db import models

from events.models import Event


class ViewerSample(models.Model):
    """How many people were watching an event's live chat at one moment, summed over every
    server process (reports/viewers.py). A count only: never who, never from where."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="viewer_samples")
    # The start of the sampling slot (REPORT_VIEWER_SAMPLE_SECONDS), so a task run twice in
    # one slot stores one row.
    sampled_at = models.DateTimeField()
    viewers = models.PositiveIntegerField()

    class Meta:
        db_table = "chat_viewersample"
        ordering = ["event", "sampled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sampled_at"], name="viewer_sample_once_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewers} viewers of {self.event_id} at {self.sampled_at}"


class QuestionTally(models.Model):
    """An event's question counts, frozen just before the retention purge deletes the
    questions never published and the participants (chat/retention.py), so its report
    keeps telling the truth afterwards. Counts only."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="question_tally")
    received = models.PositiveIntegerField()
    published = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()
    declined = models.PositiveIntegerField()
    unhandled = models.PositiveIntegerField()
    urgent = models.PositiveIntegerField()
    in_advance = models.PositiveIntegerField()
    muted_participants = models.PositiveIntegerField()
    frozen_at = models.DateTimeField()

    class Meta:
        db_table = "chat_questiontally"

    def __str__(self) -> str:
        return f"question tally of {self.event_id}"
