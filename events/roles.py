"""Who may do what at an event. The one place views, consumers and services ask."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import (
    CRISIS_WORKERS,
    MODERATORS,
    PANELLISTS,
    REVIEWERS,
    user_group_names,
    user_mfa_missing,
)
from events.models import Event, PanelSeat

# The role names (EventRoles.names) that make someone staff of an event: its staff room
# (staffroom/) is theirs, the public never.
STAFF_ROLE_NAMES = frozenset(
    {"moderator", "panellist", "crisis_worker", "safeguarding_lead", "reviewer"}
)


@dataclass(frozen=True)
class EventRoles:
    is_moderator: bool = False
    # The panel seat this user answers from, if they sit on this event's panel.
    panel_seat_id: int | None = None
    panellist_id: int | None = None
    agency_slug: str | None = None
    # Holds a role but has not set up the second factor: no rights until they do.
    mfa_missing: bool = False
    # Talks privately with people at this event (support/); the lead also sees every
    # conversation, takes one over, and ends those marked at risk.
    is_crisis_worker: bool = False
    is_safeguarding_lead: bool = False
    # Named as a reviewer of this event's answers (Event.reviewers).
    is_reviewer: bool = False
    # Publishes, edits or returns answers here: a named reviewer, or a moderator of an event
    # that reviews answers and names no reviewers.
    reviews_answers: bool = False

    @property
    def is_panellist(self) -> bool:
        return self.panellist_id is not None

    @property
    def names(self) -> list[str]:
        names = ["public"]
        if self.is_moderator:
            names.append("moderator")
        if self.is_panellist:
            names.append("panellist")
        if self.is_crisis_worker:
            names.append("crisis_worker")
        if self.is_safeguarding_lead:
            names.append("safeguarding_lead")
        if self.is_reviewer:
            names.append("reviewer")
        return names

    @property
    def is_staff(self) -> bool:
        """Moderates, answers, reviews or talks privately with people at this event."""
        return self.reviews_answers or not STAFF_ROLE_NAMES.isdisjoint(self.names)

    @property
    def in_support_lane(self) -> bool:
        """Reads and answers the event's private conversations."""
        return self.is_crisis_worker or self.is_safeguarding_lead


PUBLIC = EventRoles()


def event_roles(*, user: User | AnonymousUser | None, event: Event) -> EventRoles:
    """Roles come from the database for this event only: moderating one event gives no
    right over another. A role needs both the group (accounts/roles.py) and the assignment
    to this event; superusers may moderate any event (they run the portal). Nobody acts in
    a role before setting up multi-factor authentication."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    if user_mfa_missing(user):
        return EventRoles(mfa_missing=True)
    groups = user_group_names(user)
    is_moderator = user.is_superuser or (
        MODERATORS in groups and event.moderators.filter(pk=user.pk).exists()
    )
    seat = (
        (
            PanelSeat.objects.filter(event=event, panellist__user=user)
            .select_related("panellist__agency")
            .first()
        )
        if PANELLISTS in groups
        else None
    )
    in_crisis_group = CRISIS_WORKERS in groups
    is_lead = in_crisis_group and event.safeguarding_lead_id == user.pk
    is_crisis_worker = is_lead or (
        in_crisis_group and event.crisis_workers.filter(pk=user.pk).exists()
    )
    is_reviewer = REVIEWERS in groups and event.reviewers.filter(pk=user.pk).exists()
    reviews_answers = event.answers_reviewed and (
        is_reviewer or (is_moderator and not event.reviewers.exists())
    )
    return EventRoles(
        is_reviewer=is_reviewer,
        reviews_answers=reviews_answers,
        is_crisis_worker=is_crisis_worker,
        is_safeguarding_lead=is_lead,
        is_moderator=is_moderator,
        panel_seat_id=seat.pk if seat else None,
        panellist_id=seat.panellist_id if seat else None,
        agency_slug=seat.panellist.agency.slug if seat else None,
    )
