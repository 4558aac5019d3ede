from django.db import models
from django.utils.translation import gettext, gettext_noop


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    PROSECUTION = "prosecution", "Prosecution"
    CHARITY = "charity", "Charity"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    """An event's state. Everything a status means lives here: its label for staff (the
    choice label), its public label and GOV.UK tag colour, and the groups below. Adding a
    status is this class, its groups and EVENT_TRANSITIONS (docs/architecture.md)."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def public_label(self) -> str:
        """How the public sees this status (the tag on every page and in the live page)."""
        return gettext(_PUBLIC_TAGS[self][0])

    @property
    def tag_class(self) -> str:
        """The GOV.UK Frontend tag modifier for this status."""
        return _PUBLIC_TAGS[self][1]

    @property
    def is_finished(self) -> bool:
        """Over for good: no questions, no live chat, whatever the clock says."""
        return self in FINISHED_EVENT_STATUSES

    @property
    def had_webchat(self) -> bool:
        """The webchat took place: it has (or will have) a transcript and a report."""
        return self in ENDED_EVENT_STATUSES


_PUBLIC_TAGS: dict[str, tuple[str, str]] = {
    EventStatus.DRAFT: (gettext_noop("Draft"), "govuk-tag--grey"),
    EventStatus.SCHEDULED: (gettext_noop("Upcoming"), "govuk-tag--blue"),
    EventStatus.LIVE: (gettext_noop("Live now"), "govuk-tag--green"),
    EventStatus.CLOSED: (gettext_noop("Finished"), "govuk-tag--grey"),
    EventStatus.ARCHIVED: (gettext_noop("Finished"), "govuk-tag--grey"),
    EventStatus.CANCELLED: (gettext_noop("Cancelled"), "govuk-tag--red"),
}
# The webchat happened and is over (a transcript, a report).
ENDED_EVENT_STATUSES = frozenset({EventStatus.CLOSED, EventStatus.ARCHIVED})
# Over for good, one way or another.
FINISHED_EVENT_STATUSES = frozenset({*ENDED_EVENT_STATUSES, EventStatus.CANCELLED})


# The only moves an event may make. Everything else is refused with EventTransitionError.
EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EventStatus.DRAFT: frozenset({EventStatus.SCHEDULED, EventStatus.CANCELLED}),
    EventStatus.SCHEDULED: frozenset({EventStatus.DRAFT, EventStatus.LIVE, EventStatus.CANCELLED}),
    EventStatus.LIVE: frozenset({EventStatus.CLOSED}),
    EventStatus.CLOSED: frozenset({EventStatus.ARCHIVED}),
    EventStatus.ARCHIVED: frozenset(),
    EventStatus.CANCELLED: frozenset(),
}

# Statuses the public can see; drafts stay with staff.
PUBLIC_EVENT_STATUSES = frozenset(
    {
        EventStatus.SCHEDULED,
        EventStatus.LIVE,
        EventStatus.CLOSED,
        EventStatus.ARCHIVED,
        EventStatus.CANCELLED,
    }
)
