"""The roles staff hold at a webchat and the console each works in: one entry per role.

The "Your webchats" page (events.selectors.staff_webchats) lists, for each event, every role
a person holds there with a link to its console. A new per-event role (a crisis worker, a
reviewer) is one more StaffRole here: its name, its console and how to find its events.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.roles import CRISIS_WORKERS, MODERATORS, PANELLISTS, REVIEWERS, user_group_names
from events.models import Event


@dataclass(frozen=True)
class StaffRole:
    name: str
    # How the page names someone in this role at an event ("Moderator").
    title: str
    console_label: str
    console_url_name: str
    # The events where `user` holds this role (the group and the assignment, as
    # events/roles.py requires both).
    events_of: Callable[[User, frozenset[str]], QuerySet[Event]]

    def console_url(self, event: Event) -> str:
        return reverse(self.console_url_name, args=[event.slug])


def _moderated(user: User, groups: frozenset[str]) -> QuerySet[Event]:
    if MODERATORS not in groups:
        return Event.objects.none()
    return Event.objects.filter(moderators=user)


def _answered(user: User, groups: frozenset[str]) -> QuerySet[Event]:
    if PANELLISTS not in groups:
        return Event.objects.none()
    return Event.objects.filter(panel_seats__panellist__user=user)


def _in_the_private_lane(user: User, groups: frozenset[str]) -> QuerySet[Event]:
    if CRISIS_WORKERS not in groups:
        return Event.objects.none()
    return Event.objects.filter(Q(crisis_workers=user) | Q(safeguarding_lead=user))


def _reviewed(user: User, groups: frozenset[str]) -> QuerySet[Event]:
    if REVIEWERS not in groups:
        return Event.objects.none()
    return Event.objects.filter(reviewers=user)


STAFF_ROLES: tuple[StaffRole, ...] = (
    StaffRole("moderator", "Moderator", "Moderator console", "chat:moderate", _moderated),
    StaffRole("panellist", "Panellist", "Panellist console", "chat:panel", _answered),
    StaffRole(
        "crisis_worker",
        "Crisis worker",
        "Crisis worker console",
        "support:console",
        _in_the_private_lane,
    ),
    StaffRole("reviewer", "Reviewer", "Review console", "chat:review", _reviewed),
)


def roles_by_event(user: User) -> dict[int, list[StaffRole]]:
    """Each event id where `user` holds a role, with those roles in STAFF_ROLES order."""
    groups = user_group_names(user)
    found: dict[int, list[StaffRole]] = {}
    for role in STAFF_ROLES:
        for event_id in role.events_of(user, groups).values_list("pk", flat=True).distinct():
            found.setdefault(event_id, []).append(role)
    return found
