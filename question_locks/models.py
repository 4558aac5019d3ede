from django.conf import settings
from django.db import models

from chat.models import Question


class QuestionLock(models.Model):
    """A waiting question one moderator has open on their console: the event's other
    moderators see it is taken by them. One per question; it ends when the moderator acts on
    the question or closes it, when their connection ends, or at `expires_at`."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    event_id = models.PositiveIntegerField(db_index=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The live connection that opened it (EventChatConsumer.connection_id): let go when it ends.
    connection_id = models.UUIDField(db_index=True)
    taken_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"question {self.question_id} open by user {self.holder_id}"
