from django.db import models


class QuestionState(models.TextChoices):
    PENDING = "pending", "Waiting for a moderator"
    PUBLISHED = "published", "Published"
    ANSWERED = "answered", "Answered"
    REJECTED = "rejected", "Declined"


# A question leaves `pending` once, and a published one may then be answered.
QUESTION_TRANSITIONS: dict[str, frozenset[str]] = {
    QuestionState.PENDING: frozenset({QuestionState.PUBLISHED, QuestionState.REJECTED}),
    QuestionState.PUBLISHED: frozenset({QuestionState.ANSWERED}),
    QuestionState.ANSWERED: frozenset(),
    QuestionState.REJECTED: frozenset(),
}


class FeedKind(models.TextChoices):
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"
    ANNOUNCEMENT = "announcement", "Announcement"


class AnswerMode(models.TextChoices):
    WRITTEN = "written", "Written answer"
    # A text webchat has no "verbally": the panellist notes that another reply covers it.
    ELSEWHERE = "elsewhere", "Answered in another reply"
