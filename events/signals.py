"""Signals other apps listen to, so events never imports them (chat broadcasts status)."""

from django.dispatch import Signal

# Sent after the transaction that changed an event's status commits.
# Arguments: event_id (int), from_status (str), to_status (str).
event_status_changed = Signal()
