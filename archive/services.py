"""Transcripts: the frozen public record of an event (services: write; selectors below)."""

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from archive.models import Transcript, TranscriptEntry
from chat.models import FeedItem, Question
from chat.payloads import iso_utc, panellist_byline
from events import services as event_services
from events.enums import EventStatus
from events.models import Event, PanelSeat

logger = logging.getLogger(__name__)

FORMAT = "outreach-transcript/1"


def canonical_json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _event_header(event: Event) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    seats = PanelSeat.objects.filter(event=event).select_related("panellist__agency")
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "starts_at": iso_utc(event.starts_at),
        "ends_at": iso_utc(event.ends_at),
        "lead_agency": {"name": event.lead_agency.name, "slug": event.lead_agency.slug},
        "topics": sorted(topic.name for topic in event.topics.all()),
    }, [
        {
            "name": seat.panellist.name,
            "role": seat.role,
            "agency": seat.panellist.agency.name,
            "agency_short_name": seat.panellist.agency.short_name,
            "agency_slug": seat.panellist.agency.slug,
        }
        for seat in seats
    ]


def transcript_document(event: Event) -> dict[str, Any]:
    """The record from what was published, in seq order. The feed's payloads already carry
    no personal data (askers are "Member of the public"; waiting and declined questions,
    nicknames and accounts never enter the feed)."""
    header, panel = _event_header(event)
    # How many people said "I want to know this too" of each question, as it ended.
    me_too = dict(
        Question.objects.filter(event=event, me_too_count__gt=0).values_list("pk", "me_too_count")
    )
    items = []
    for payload in (
        FeedItem.objects.filter(event=event).order_by("seq").values_list("payload", flat=True)
    ):
        item = {key: value for key, value in payload.items() if key != "type"}
        if item["kind"] == "question":
            item["me_too"] = me_too.get(item["question_id"], 0)
        items.append(item)
    return {
        "format": FORMAT,
        "event": header,
        "panel": panel,
        "items": items,
        "item_count": len(items),
        "correction": None,
    }


@dataclass(frozen=True)
class ArchiveOutcome:
    transcript: Transcript
    created: bool


def transcript_archive(*, event_id: int) -> ArchiveOutcome | None:
    """Freeze a closed event's transcript, then mark the event archived. Running it again
    changes nothing. Returns None for an event that is not closed or archived."""
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("lead_agency").get(pk=event_id)
        existing = Transcript.objects.filter(event=event).order_by("-version").first()
        if existing is not None:
            if event.status == EventStatus.CLOSED:
                event_services.event_archive(event_id=event.pk)
            return ArchiveOutcome(existing, created=False)
        if event.status != EventStatus.CLOSED:
            return None
        content = canonical_json(transcript_document(event))
        transcript = Transcript.objects.create(
            event=event,
            version=1,
            content=content,
            sha256=sha256_of(content),
            item_count=FeedItem.objects.filter(event=event).count(),
            created_at=timezone.now(),
        )
        _index(transcript)
        event_services.event_archive(event_id=event.pk)
    logger.info("archived event %s: %s items", event_id, transcript.item_count)
    return ArchiveOutcome(transcript, created=True)


class TranscriptCorrectionError(Exception):
    pass


def transcript_correct(
    *,
    event_id: int,
    actor: User,
    reason: str,
    replacements: dict[int, str] | None = None,
    removals: set[int] | None = None,
) -> Transcript:
    """Publish a corrected version: item texts replaced (e.g. a detail redacted) or items
    withdrawn, by seq. The previous version is kept for audit; the public sees when and why."""
    reason = reason.strip()
    replacements = replacements or {}
    removals = removals or set()
    if not reason:
        raise TranscriptCorrectionError("Say why the transcript is being corrected.")
    if not replacements and not removals:
        raise TranscriptCorrectionError("Name at least one item to correct or withdraw.")
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event_id)
        current = Transcript.objects.filter(event_id=event_id).order_by("-version").first()
        if current is None:
            raise TranscriptCorrectionError("This event has no transcript yet.")
        document = json.loads(current.content)
        known = {item["seq"] for item in document["items"]}
        unknown = (set(replacements) | removals) - known
        if unknown:
            raise TranscriptCorrectionError(
                f"No item numbered {', '.join(str(seq) for seq in sorted(unknown))}."
            )
        items = []
        for item in document["items"]:
            if item["seq"] in removals:
                continue
            if item["seq"] in replacements:
                item = {**item, "body": replacements[item["seq"]].strip(), "corrected": True}
            items.append(item)
        now = timezone.now()
        document["items"] = items
        document["item_count"] = len(items)
        document["correction"] = {
            "version": current.version + 1,
            "corrected_at": iso_utc(now),
            "reason": reason,
            "items_withdrawn": len(removals),
            "items_corrected": len(replacements),
        }
        content = canonical_json(document)
        version = (
            Transcript.objects.filter(event_id=event_id).aggregate(Max("version"))["version__max"]
            + 1
        )
        corrected = Transcript.objects.create(
            event_id=event_id,
            version=version,
            content=content,
            sha256=sha256_of(content),
            item_count=len(items),
            created_at=now,
            created_by=actor,
            correction_reason=reason,
        )
        _index(corrected)
    return corrected


def speaker_of(item: dict[str, Any]) -> tuple[str, str]:
    """Who said an item, as the public record names them, and their agency's slug."""
    if item["kind"] == "answer":
        panellist = item["panellist"]
        return panellist_byline(panellist), panellist["agency_slug"]
    if item["kind"] == "announcement":
        return gettext_noop("Moderator"), ""
    # Stored in English; the search results show it in the reader's language.
    return item.get("asker", gettext_noop("Member of the public")), ""


def _index(transcript: Transcript) -> None:
    """Replace the event's search rows with the items of this (now current) version."""
    TranscriptEntry.objects.filter(event_id=transcript.event_id).delete()
    rows = []
    for item in json.loads(transcript.content)["items"]:
        speaker, agency_slug = speaker_of(item)
        rows.append(
            TranscriptEntry(
                transcript=transcript,
                event_id=transcript.event_id,
                seq=item["seq"],
                kind=item["kind"],
                body=item["body"],
                speaker=speaker[:300],
                agency_slug=agency_slug,
            )
        )
    TranscriptEntry.objects.bulk_create(rows, batch_size=1000)


# --- reads ------------------------------------------------------------------------------


def current_transcript(*, event_id: int) -> Transcript | None:
    return Transcript.objects.filter(event_id=event_id).order_by("-version").first()


def closed_event_ids_without_transcript() -> list[int]:
    return list(
        Event.objects.filter(status=EventStatus.CLOSED, transcripts__isnull=True).values_list(
            "pk", flat=True
        )
    )


def current_transcripts_by_event(event_ids: list[int]) -> dict[int, Transcript]:
    """The latest version for each event, in one query."""
    latest: dict[int, Transcript] = {}
    for transcript in Transcript.objects.filter(event_id__in=event_ids).order_by(
        "event_id", "version"
    ):
        latest[transcript.event_id] = transcript
    return latest
