"""Signals the chat sends, so apps above it react without the chat importing them."""

from django.dispatch import Signal

# Sent inside the retention purge's transaction, before any question or participant of these
# events is deleted; receivers must not commit or fail silently. Arguments: event_ids, now.
personal_data_purging = Signal()

# A person's device forgot them at an event ("Forget my questions on this device", or the
# quick exit from a private conversation): sent before the guest's cookie is dropped.
# Arguments: event_id, user_id (or None), guest_token (or None).
device_forgotten = Signal()

# A waiting question left the moderators' queue (published, declined, passed on, not reached):
# sent inside question_transition's transaction, so receivers' writes commit with it.
# Arguments: event_id, question_id.
question_left_queue = Signal()

# A question was stored for moderation and the ask path's triage did not flag it: sent after
# commit, so that it can be read again, whole, off the 18:00 path (chat.tasks). Arguments:
# question_id.
question_waiting_unflagged = Signal()
