"""Text that people typed (questions, nicknames, answers, announcements, reasons), shown so
that it cannot hide or reorder anything.

A right-to-left override in a question would otherwise reverse what follows it on the
moderator's screen, the console's own words included, and zero-width characters can hide
text in plain sight. `isolated` removes the invisible controls
(safeguarding.detection.visible_text: new questions are stored without them, but answers,
edits and older text may hold them) and wraps the text in <bdi>, so its direction stays
inside. `visible` only removes them, for where markup cannot go (a textarea, an attribute).
static/js/live-socket.js (`userText`) does the same for what arrives live.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from chat.payloads import panellist_byline
from safeguarding.detection import visible_text

register = template.Library()


@register.filter(is_safe=True)
def isolated(value: object) -> SafeString:
    """`value` (plain text, or HTML another filter escaped) in a <bdi>, without invisible
    controls. Removing them from escaped HTML is safe: none is part of HTML's syntax."""
    html = str(value) if isinstance(value, SafeData) else str(escape(value))
    return mark_safe(f"<bdi>{visible_text(html)}</bdi>")  # noqa: S308 - escaped above


@register.filter
def visible(value: object) -> str:
    """`value` without invisible controls (escaped as usual by the template)."""
    return visible_text(str(value))


@register.filter
def byline(panellist: dict[str, object]) -> str:
    """An answer's panellist as chat.payloads.panellist_byline names them (also for items
    archived before the payload carried a byline)."""
    return panellist_byline(panellist)


@register.filter
def system_text(value: str | None) -> str:
    """A text the server wrote in English (a frame's or a payload's message: its msgid), in
    the reader's language; a person's own words pass through as they are."""
    if not value:
        return value or ""
    return gettext(value)
