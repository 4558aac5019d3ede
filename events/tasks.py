"""Celery tasks for events: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from events.services import event_reminders_send, event_schedule_reconcile


@shared_task(name="events.reconcile_schedule", ignore_result=True)
def reconcile_schedule() -> int:
    """Run every few seconds by beat: opens and closes whatever is due. Returns the count."""
    return len(event_schedule_reconcile())


@shared_task(name="events.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Run every minute by beat: emails followers of events starting soon, once each."""
    return event_reminders_send()
