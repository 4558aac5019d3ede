"""How an event's status and times read on public pages."""

from django import template

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
