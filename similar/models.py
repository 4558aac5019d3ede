"""Similar questions: which waiting question asks what an earlier one asks."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chat.models import Question
from events.models import Event


class ResemblanceState(models.TextChoices):
    # Found when it arrived (similar.services.question_group): shown under its lead in the
    # moderators' queue, a suggestion until a moderator decides.
    SUGGESTED = "suggested", "Suggested"
    # A moderator attached it to its published lead (chat's question state `merged`).
    ATTACHED = "attached", "Attached"
    # A moderator said it does not belong: it stays in the queue on its own, never
    # suggested again.
    DETACHED = "detached", "Detached"


class Resemblance(models.Model):
    """A question found to ask what an earlier question of the same event asks (its lead),
    and what moderators decided. One per question; staff only, never public."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="resemblance")
    lead = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="resembled_by")
    # similar.matching's probability that the two ask the same question.
    probability = models.FloatField(null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=ResemblanceState.choices, default=ResemblanceState.SUGGESTED
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(question=F("lead")), name="resemblance_not_to_itself"
            ),
        ]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self) -> str:
        return f"question {self.question_id} like {self.lead_id} ({self.state})"
