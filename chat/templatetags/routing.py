"""The moderator console's routing form (question_route): which choice is the current one."""

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def route_choice(routed: dict[str, Any] | None) -> str:
    """A routing (payloads.routed_to) as its form choice, "panellist:<id>" or
    "agency:<slug>" (chat.forms.to_target reads it back); none, the empty choice."""
    if not routed:
        return ""
    if routed.get("panellist_id"):
        return f"panellist:{routed['panellist_id']}"
    return f"agency:{routed['agency_slug']}"


@register.filter
def addressee_json(to: dict[str, Any] | None) -> str:
    """The asker's address as JSON for a data attribute (escaped by the template), so the
    panellist console's script can regroup the question when a routing is cleared."""
    return json.dumps(to)
