"""Who may do what at an event. The one place views, consumers and services ask."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from events.models import Event, PanelSeat


@dataclass(frozen=True)
class EventRoles:
    is_moderator: bool = False
    # The panel seat this user answers from, if they sit on this event's panel.
    panel_seat_id: int | None = None
    panellist_id: int | None = None
    agency_slug: str | None = None

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
        return names


PUBLIC = EventRoles()


def event_roles(*, user: User | AnonymousUser | None, event: Event) -> EventRoles:
    """Roles come from the database for this event only: moderating one event gives no
    right over another. Superusers may moderate any event (they run the portal)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    is_moderator = user.is_superuser or event.moderators.filter(pk=user.pk).exists()
    seat = (
        PanelSeat.objects.filter(event=event, panellist__user=user)
        .select_related("panellist__agency")
        .first()
    )
    return EventRoles(
        is_moderator=is_moderator,
        panel_seat_id=seat.pk if seat else None,
        panellist_id=seat.panellist_id if seat else None,
        agency_slug=seat.panellist.agency.slug if seat else None,
    )
