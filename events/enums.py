from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    PROSECUTION = "prosecution", "Prosecution"
    CHARITY = "charity", "Charity"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"
    CANCELLED = "cancelled", "Cancelled"


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
