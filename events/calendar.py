"""iCalendar files for "Add to calendar": one event, or a feed of every upcoming one.

Times go out in the site's zone (Europe/London) with its VTIMEZONE, not in UTC, so a calendar
shows an 18:00 webchat at 18:00 on both sides of the clock changes and moves it with the
zone's rules, as the pages do.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime

import icalendar
from django.urls import reverse
from django.utils import timezone

from events.models import Event

PRODID = "-//Outreach//Public webchats//EN"


def event_uid(*, event: Event, host: str) -> str:
    # Stable across downloads and the feed, so a calendar updates the entry instead of
    # adding a second one when someone adds the same webchat twice.
    return f"event-{event.pk}@{host}"


def event_vevent(
    *, event: Event, absolute_url: Callable[[str], str], host: str, stamp: datetime
) -> icalendar.Event:
    zone = timezone.get_default_timezone()
    page_url = absolute_url(event.get_absolute_url())
    live_url = absolute_url(reverse("chat:live", kwargs={"slug": event.slug}))
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event=event, host=host))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    vevent.add("description", f"{event.summary}\n\nJoin the live chat: {live_url}")
    vevent.add("url", page_url)
    # Calendar apps show the location prominently; for an online webchat that is its page.
    vevent.add("location", live_url)
    vevent.add("status", "CONFIRMED")
    return vevent


def calendar_ics(
    *,
    events: Sequence[Event],
    absolute_url: Callable[[str], str],
    host: str,
    name: str,
    stamp: datetime | None = None,
) -> bytes:
    """An iCalendar file (RFC 5545) of `events`, with the VTIMEZONE their times refer to.

    `absolute_url` turns a path into a full URL (request.build_absolute_uri); `host` names
    the site in each UID.
    """
    stamp = stamp or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(
            event_vevent(event=event, absolute_url=absolute_url, host=host, stamp=stamp)
        )
    if events:
        # Only the transitions around these events: the full 1970-2038 table is 100 lines.
        first = min(event.starts_at for event in events)
        last = max(event.ends_at for event in events)
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    return calendar.to_ical()
