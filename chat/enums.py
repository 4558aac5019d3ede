from django.db import models
from django.utils.translation import gettext_noop


class QuestionState(models.TextChoices):
    """The labels are msgids: a page shows them in the reader's language (|system_text)."""

    PENDING = "pending", gettext_noop("Waiting for a moderator")
    PUBLISHED = "published", gettext_noop("Published")
    ANSWERED = "answered", gettext_noop("Answered")
    REJECTED = "rejected", gettext_noop("Declined")
    # Still waiting when the webchat closed: its asker is told, moderators see it listed.
    UNHANDLED = "unhandled", gettext_noop("Not reached before the end")
    # Its asker was muted while it waited: out of the queue, kept for audit, never published.
    REMOVED = "removed", gettext_noop("Not published (asker muted)")
    # A moderator passed it to the event's crisis worker: out of the public queue, never
    # published; its words begin a private conversation (support/).
    PASSED = "passed", gettext_noop("Passed to the crisis worker")
    # A moderator attached it to a published question that asks the same (similar/): never
    # published itself; its asker is told of that question's publication and answer, and
    # the public sees one more person asked it (Question.askers_count).
    MERGED = "merged", gettext_noop("Published with a similar question")


# A moderator may route (question_route) a question that is waiting or on the page.
ROUTABLE_STATES = frozenset(
    {QuestionState.PENDING, QuestionState.PUBLISHED, QuestionState.ANSWERED}
)

# A question leaves `pending` once, and a published one may then be answered.
QUESTION_TRANSITIONS: dict[str, frozenset[str]] = {
    QuestionState.PENDING: frozenset(
        {
            QuestionState.PUBLISHED,
            QuestionState.REJECTED,
            QuestionState.UNHANDLED,
            QuestionState.REMOVED,
            QuestionState.PASSED,
            QuestionState.MERGED,
        }
    ),
    QuestionState.PUBLISHED: frozenset({QuestionState.ANSWERED}),
    QuestionState.ANSWERED: frozenset(),
    QuestionState.REJECTED: frozenset(),
    QuestionState.UNHANDLED: frozenset(),
    QuestionState.REMOVED: frozenset(),
    QuestionState.PASSED: frozenset(),
    QuestionState.MERGED: frozenset(),
}

# Never seen by the public: deleted by retention, and with an account that is deleted.
NEVER_PUBLISHED_STATES = frozenset(
    {
        QuestionState.PENDING,
        QuestionState.REJECTED,
        QuestionState.UNHANDLED,
        QuestionState.REMOVED,
        QuestionState.PASSED,
        QuestionState.MERGED,
    }
)


class FeedKind(models.TextChoices):
    QUESTION = "question", "Question"
    ANSWER = "answer", "Answer"
    ANNOUNCEMENT = "announcement", "Announcement"


class AnswerMode(models.TextChoices):
    WRITTEN = "written", "Written answer"
    # A text webchat has no "verbally": the panellist notes that another reply covers it.
    ELSEWHERE = "elsewhere", "Answered in another reply"


class PanelGroup(models.TextChoices):
    """The panellist console's groups, in the order shown: what was sent (by the asker or a
    moderator's routing) to this panellist, then to their agency, then the rest."""

    FOR_YOU = "for_you", "For you"
    FOR_AGENCY = "for_agency", "For your agency"
    REST = "rest", "Everything else"


class DraftState(models.TextChoices):
    """An answer at an event that reviews answers (Event.answers_reviewed): never public
    until a reviewer publishes it."""

    SUBMITTED = "submitted", "Waiting for review"
    RETURNED = "returned", "Returned to the panellist"
    PUBLISHED = "published", "Published"


# Who moves a draft where: a reviewer publishes or returns what was submitted; its panellist
# resubmits what was returned.
DRAFT_TRANSITIONS: dict[str, frozenset[str]] = {
    DraftState.SUBMITTED: frozenset({DraftState.PUBLISHED, DraftState.RETURNED}),
    DraftState.RETURNED: frozenset({DraftState.SUBMITTED}),
    DraftState.PUBLISHED: frozenset(),
}


class DraftAction(models.TextChoices):
    """One line of a draft's history (AnswerDraftEvent), kept for audit."""

    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned with a comment"
    RESUBMITTED = "resubmitted", "Revised and resubmitted"
    EDITED = "edited", "Edited by the reviewer"
    PUBLISHED = "published", "Published"
