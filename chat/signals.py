"""Signals the chat sends, so apps above it react without the chat importing them."""

from django.dispatch import Signal

# Sent inside the retention purge's transaction, before any question or participant of these
# events is deleted; receivers must not commit or fail silently. Arguments: event_ids, now.
personal_data_purging = Signal()
