"""Reads for agencies and events: what the public and staff pages list."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from events.consoles import roles_by_event
from events.enums import (
    ENDED_EVENT_STATUSES,
    FINISHED_EVENT_STATUSES,
    PUBLIC_EVENT_STATUSES,
    EventStatus,
)
from events.models import Agency, Event, EventFollow, PanelSeat

RECENT_PAST_DAYS = 90


def public_events() -> QuerySet[Event]:
    return (
        Event.objects.filter(status__in=PUBLIC_EVENT_STATUSES)
        .select_related("lead_agency")
        .prefetch_related("topics")
    )


@dataclass(frozen=True)
class HomeListing:
    live: list[Event]
    upcoming: list[Event]
    recent: list[Event]


def home_listing(*, limit: int = 10) -> HomeListing:
    now = timezone.now()
    events = public_events()
    live = list(events.filter(status=EventStatus.LIVE).order_by("starts_at"))
    upcoming = list(
        events.filter(status=EventStatus.SCHEDULED, ends_at__gt=now).order_by("starts_at")[:limit]
    )
    recent = list(
        events.filter(
            status__in=ENDED_EVENT_STATUSES,
            ends_at__gte=now - timedelta(days=RECENT_PAST_DAYS),
        ).order_by("-starts_at")[:limit]
    )
    return HomeListing(live=live, upcoming=upcoming, recent=recent)


# Events someone can still put in their calendar: published and not yet over.
CALENDAR_STATUSES = (EventStatus.SCHEDULED, EventStatus.LIVE)


def calendar_events() -> list[Event]:
    """Upcoming and live public events for the calendar feed, soonest first."""
    return list(
        Event.objects.filter(status__in=CALENDAR_STATUSES, ends_at__gt=timezone.now())
        .select_related("lead_agency")
        .order_by("starts_at", "pk")
    )


def calendar_event_by_slug(*, slug: str) -> Event:
    return Event.objects.select_related("lead_agency").get(slug=slug, status__in=CALENDAR_STATUSES)


def panel_seats_for(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Prefetch each event's ordered panel with panellists and their agencies."""
    return queryset.prefetch_related(
        Prefetch(
            "panel_seats",
            queryset=PanelSeat.objects.select_related("panellist__agency").order_by(
                "position", "id"
            ),
        )
    )


def public_event_by_slug(*, slug: str) -> Event:
    return panel_seats_for(public_events()).get(slug=slug)


@dataclass(frozen=True)
class PanelGroup:
    agency: Agency
    seats: list[PanelSeat]


def panel_grouped_by_agency(*, event: Event) -> list[PanelGroup]:
    """The panel in seat order, grouped by agency in the order agencies first appear."""
    groups: dict[int, PanelGroup] = {}
    for seat in event.panel_seats.all():
        agency = seat.panellist.agency
        groups.setdefault(agency.pk, PanelGroup(agency=agency, seats=[])).seats.append(seat)
    return list(groups.values())


def agency_helplines() -> list[Agency]:
    """Agencies with a helpline, for the "need help now?" signposting on every page."""
    return list(Agency.objects.exclude(helpline_number="", helpline_url="").order_by("name"))


def agency_by_slug(*, slug: str) -> Agency:
    return Agency.objects.prefetch_related("panellists").get(slug=slug)


def events_with_agency_and_topic(
    events: QuerySet[Event], *, agency_slug: str = "", topic_slug: str = ""
) -> QuerySet[Event]:
    """Narrow `events` to those an agency leads or sits on the panel of, and to a topic
    (either filter left out when empty). Call .distinct() on the result: a panel join can
    repeat an event."""
    if agency_slug:
        events = events.filter(
            Q(lead_agency__slug=agency_slug) | Q(panel_seats__panellist__agency__slug=agency_slug)
        )
    if topic_slug:
        events = events.filter(topics__slug=topic_slug)
    return events


def agency_events(*, agency: Agency) -> tuple[list[Event], list[Event]]:
    """Upcoming/live and past public events the agency leads or sits on the panel of."""
    events = (
        public_events()
        .filter(Q(lead_agency=agency) | Q(panel_seats__panellist__agency=agency))
        .exclude(status=EventStatus.CANCELLED)
        .distinct()
    )
    now = timezone.now()
    upcoming = list(
        events.filter(
            ends_at__gt=now, status__in=[EventStatus.SCHEDULED, EventStatus.LIVE]
        ).order_by("starts_at")
    )
    past = list(events.filter(status__in=ENDED_EVENT_STATUSES).order_by("-starts_at"))
    return upcoming, past


def events_followed(*, user_id: int) -> list[Event]:
    """The upcoming events a user asked to be reminded about, soonest first."""
    return list(
        Event.objects.filter(follows__user_id=user_id, status__in=CALENDAR_STATUSES)
        .select_related("lead_agency")
        .order_by("starts_at")
    )


def user_follows_event(*, user_id: int | None, event_id: int) -> bool:
    if user_id is None:
        return False
    return EventFollow.objects.filter(user_id=user_id, event_id=event_id).exists()


def event_public_details(event: Event) -> tuple[str, ...]:
    """What is public about an event's agencies and panel, so never a personal detail in its
    webchat: the lead and panel agencies' helpline numbers and addresses, the panellists'
    names."""
    agencies = Agency.objects.filter(
        Q(pk=event.lead_agency_id) | Q(panellists__seats__event=event)
    ).distinct()
    details = [value for row in agencies.values_list("helpline_number", "address") for value in row]
    details += PanelSeat.objects.filter(event=event).values_list("panellist__name", flat=True)
    return tuple(value for value in details if value)


def _london(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


def event_next_step(event: Event) -> str:
    """What state an event is in and what happens next, in the words staff read after
    saving it, on its admin page and on their "Your webchats" page."""
    status = EventStatus(event.status)
    if status == EventStatus.DRAFT:
        return (
            "Draft: only staff can see it, and it will not open. To publish it, press "
            "“Save and schedule” on its page (or choose “Schedule selected events” on the "
            "event list)."
        )
    if status == EventStatus.SCHEDULED:
        advance = (
            f" Questions in advance open at {_london(event.questions_open_at)}."
            if event.questions_open_at and event.questions_open_at > timezone.now()
            else " It is taking questions in advance now."
            if event.questions_open_at
            else ""
        )
        return (
            f"Scheduled: the public can see it. It goes live by itself at "
            f"{_london(event.starts_at)} and closes at {_london(event.ends_at)} (UK time)."
            + advance
        )
    if status == EventStatus.LIVE:
        return f"Live now: it closes by itself at {_london(event.ends_at)} (UK time)."
    if status == EventStatus.CLOSED:
        return (
            "Finished: its transcript is published once it is archived (in a minute or "
            "two), and its report is ready."
        )
    if status == EventStatus.ARCHIVED:
        return "Finished: its transcript is published and its report is ready."
    return "Cancelled: the public see it as cancelled. Nothing more happens."


@dataclass(frozen=True)
class StaffWebchat:
    event: Event
    # (role title, console label, console URL), one per role held at this event.
    roles: list[tuple[str, str, str]]
    next_step: str
    # Whether its report can be read yet (reports:report): once the webchat took place.
    has_report: bool


@dataclass(frozen=True)
class StaffWebchats:
    live: list[StaffWebchat]
    upcoming: list[StaffWebchat]
    finished: list[StaffWebchat]

    @property
    def any(self) -> bool:
        return bool(self.live or self.upcoming or self.finished)


def staff_webchats(*, user: User, finished_days: int = RECENT_PAST_DAYS) -> StaffWebchats:
    """Every webchat `user` moderates or answers (events/consoles.py), live first, then
    coming up (soonest first), then those finished in the last `finished_days` days."""
    roles = roles_by_event(user)
    since = timezone.now() - timedelta(days=finished_days)
    events = (
        Event.objects.filter(pk__in=roles)
        .exclude(status__in=FINISHED_EVENT_STATUSES, ends_at__lt=since)
        .select_related("lead_agency")
        .order_by("starts_at")
    )
    live, upcoming, finished = [], [], []
    for event in events:
        status = EventStatus(event.status)
        webchat = StaffWebchat(
            event=event,
            roles=[
                (role.title, role.console_label, role.console_url(event))
                for role in roles[event.pk]
            ],
            next_step=event_next_step(event),
            has_report=status.had_webchat,
        )
        if status == EventStatus.LIVE:
            live.append(webchat)
        elif status.is_finished:
            finished.append(webchat)
        else:
            upcoming.append(webchat)
    return StaffWebchats(live=live, upcoming=upcoming, finished=finished[::-1])
