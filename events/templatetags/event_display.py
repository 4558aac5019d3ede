"""How an event's status and times read on public pages."""

from datetime import datetime

from django import template
from django.utils import timezone

from events.enums import EventStatus

register = template.Library()

_STATUS_TAGS: dict[str, tuple[str, str]] = {
    EventStatus.DRAFT: ("Draft", "govuk-tag--grey"),
    EventStatus.SCHEDULED: ("Upcoming", "govuk-tag--blue"),
    EventStatus.LIVE: ("Live now", "govuk-tag--green"),
    EventStatus.CLOSED: ("Finished", "govuk-tag--grey"),
    EventStatus.ARCHIVED: ("Finished", "govuk-tag--grey"),
    EventStatus.CANCELLED: ("Cancelled", "govuk-tag--red"),
}


@register.inclusion_tag("includes/status_tag.html")
def status_tag(status: str) -> dict[str, str]:
    label, modifier = _STATUS_TAGS[status]
    return {"label": label, "modifier": modifier}


@register.filter
def local_time(iso_value: str | None) -> str:
    """An ISO 8601 time from a frame payload, as London (or TIME_ZONE) hours and minutes."""
    if not iso_value:
        return ""
    try:
        moment = datetime.fromisoformat(iso_value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%H:%M")
