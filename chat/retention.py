"""Retention: personal data from a webchat is kept only as long as moderation needs it.

A configured number of days after an event ends, this deletes questions that were never
published (waiting and declined, with their reasons), replaces edited originals with the
published text, clears nicknames and safeguarding findings, and deletes the participants
(the link between a question and its asker, and mutes). Transcripts are untouched: they
never held any of it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chat.enums import NEVER_PUBLISHED_STATES
from chat.models import NetworkMute, Participant, Question
from chat.signals import personal_data_purging
from events.models import Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    questions_deleted: int
    originals_replaced: int
    participants_deleted: int


def personal_data_purge(*, now: datetime | None = None, days: int | None = None) -> PurgeReport:
    now = now or timezone.now()
    days = settings.CHAT_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        # Inside the transaction, before anything is deleted: reports freeze their counts.
        personal_data_purging.send(
            sender=personal_data_purge,
            event_ids=list(Event.objects.filter(ends_at__lt=cutoff).values_list("pk", flat=True)),
            now=now,
        )
        old = Question.objects.filter(event__ends_at__lt=cutoff)
        deleted, _ = old.filter(state__in=NEVER_PUBLISHED_STATES).delete()
        replaced = (
            old.exclude(published_body="")
            .exclude(body=F("published_body"))
            .update(body=F("published_body"))
        )
        old.exclude(nickname="", findings=[], blocked_words=[]).update(
            nickname="", findings=[], blocked_words=[]
        )
        old.exclude(participant=None).update(participant=None)
        participants, _ = Participant.objects.filter(event__ends_at__lt=cutoff).delete()
        # A participant who never got a question stored (refused, or left before sending)
        # links nothing anyone needs once the event has ended: gone at the next run.
        idle, _ = Participant.objects.filter(event__ends_at__lt=now, questions=None).delete()
        participants += idle
        Participant.objects.filter(
            network_hash_at__lt=now - timedelta(hours=settings.CHAT_NETWORK_HASH_HOURS)
        ).update(network_hash="", network_hash_at=None)
        # A network mute lasts the rest of its event, then as long as any network hash.
        NetworkMute.objects.filter(
            event__ends_at__lt=now,
            muted_at__lt=now - timedelta(hours=settings.CHAT_NETWORK_HASH_HOURS),
        ).delete()
    report = PurgeReport(
        questions_deleted=deleted, originals_replaced=replaced, participants_deleted=participants
    )
    logger.info("retention purge: %s", report)
    return report
