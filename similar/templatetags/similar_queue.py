"""The moderators' queue says which questions ask the same (templates/similar/queue_note.html)."""

from typing import Any

from django import template

from similar import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def similar_note(context: template.Context, question_id: int) -> dict[str, Any] | None:
    """The note for one waiting question: the groups are read once per page (one query),
    kept on the request."""
    request = context.get("request")
    event = context.get("event")
    if request is None or event is None:
        return None
    notes = getattr(request, "_similar_notes", None)
    if notes is None:
        notes = selectors.queue_notes(event_id=event.pk)
        request._similar_notes = notes
    return notes.get(question_id)
