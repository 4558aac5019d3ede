"""How an event's status and times read on public pages."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from events.enums import EventStatus

register = template.Library()


@register.inclusion_tag("includes/status_tag.html")
def status_tag(status: str) -> dict[str, str]:
    value = EventStatus(status)
    return {"label": value.public_label, "modifier": value.tag_class}


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


@register.filter
def finding_kind(kind: str) -> str:
    """A kind of personal detail as moderators read it: "date_of_birth" -> "date of birth"
    (as the console's script writes it)."""
    return kind.replace("_", " ")


@register.filter
def mark_findings(body: str, findings: list[dict[str, str]]) -> SafeString:
    """The question with each personal detail found wrapped in <mark>, everything escaped."""
    texts = sorted({f["text"] for f in findings or [] if f.get("text")}, key=len, reverse=True)
    if not texts:
        return escape(body)
    html = str(escape(body))
    for text in texts:
        escaped = str(escape(text))
        html = html.replace(escaped, f"\x00{escaped}\x01")
    return mark_safe(html.replace("\x00", "<mark>").replace("\x01", "</mark>"))  # noqa: S308 - escaped above
