"""Writes for reports: viewer samples, taken while events are live and purged when old."""

import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.utils import timezone

from events.enums import EventStatus
from events.models import Event
from reports.models import QuestionTally, ViewerSample
from reports.selectors import question_figures_by_event
from reports.viewers import viewer_counts_settled

logger = logging.getLogger(__name__)


def _slot_start(moment: datetime, seconds: float) -> datetime:
    """The start of the sampling slot holding `moment`: a repeat in the same slot is a no-op."""
    stamp = moment.timestamp()
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=UTC)


def viewer_samples_take(*, now: datetime | None = None) -> int:
    """Store how many people are watching each live event now. Returns the events sampled.

    Safe to run twice or late: one row per event per slot. The count is the smaller of two
    reads a few seconds apart (reports/viewers.py), so a process that just died is not
    counted with its viewers' reconnections. When Redis cannot be read, nothing is stored
    (a gap in the chart, never a false zero) and one line is logged."""
    now = now or timezone.now()
    event_ids = list(Event.objects.filter(status=EventStatus.LIVE).values_list("pk", flat=True))
    if not event_ids:
        return 0
    try:
        counts = viewer_counts_settled(event_ids, now=now.timestamp())
    except redis.RedisError as error:
        logger.warning("viewer samples skipped: Redis unavailable (%s)", error)
        return 0
    slot = _slot_start(now, settings.REPORT_VIEWER_SAMPLE_SECONDS)
    ViewerSample.objects.bulk_create(
        [
            ViewerSample(event_id=event_id, sampled_at=slot, viewers=viewers)
            for event_id, viewers in counts.items()
        ],
        ignore_conflicts=True,
    )
    return len(counts)


def viewer_samples_purge(*, now: datetime | None = None) -> int:
    """Delete samples of events that ended more than REPORT_VIEWER_SAMPLE_KEEP_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_VIEWER_SAMPLE_KEEP_DAYS)
    deleted, _ = ViewerSample.objects.filter(event__ends_at__lt=cutoff).delete()
    return deleted


def question_tallies_freeze(*, event_ids: list[int], now: datetime | None = None) -> int:
    """Freeze the question counts of these events, unless already frozen. Called by the
    retention purge (chat/retention.py) in its transaction, just before it deletes what the
    counts are made from. Returns how many were frozen."""
    frozen = set(
        QuestionTally.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True)
    )
    missing = [event_id for event_id in event_ids if event_id not in frozen]
    if not missing:
        return 0
    moment = now or timezone.now()
    QuestionTally.objects.bulk_create(
        [
            QuestionTally(event_id=event_id, frozen_at=moment, **asdict(figures))
            for event_id, figures in question_figures_by_event(missing).items()
        ],
        ignore_conflicts=True,
    )
    return len(missing)
