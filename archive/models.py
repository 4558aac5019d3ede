"""The archive: each closed event's frozen transcript, and its items as rows to search.

The tables keep the names they had when these models lived in the chat app."""

from django.conf import settings
from django.db import models

from chat.enums import FeedKind
from events.models import Event


class Transcript(models.Model):
    """One frozen version of an event's published record. Rows are never changed or deleted:
    a staff correction is a new version (who, when, why); the latest version is the public one.

    `content` is the canonical JSON (sorted keys, no spaces, UTF-8), stored as text so that a
    download is byte-for-byte what `sha256` was computed over.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="transcripts")
    version = models.PositiveIntegerField()
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    item_count = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    correction_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "chat_transcript"
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="transcript_version_unique"),
        ]

    def __str__(self) -> str:
        return f"transcript of {self.event_id}, version {self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Transcripts are immutable: correct one by adding a version.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Transcripts are kept for the record and cannot be deleted.")


class TranscriptEntry(models.Model):
    """One item of an event's current transcript, as a row to search and filter.

    Derived data: rebuilt from the transcript's content whenever a version is published, so
    it always mirrors the public record and never the live tables.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="entries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="transcript_entries")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=FeedKind.choices)
    body = models.TextField()
    speaker = models.CharField(max_length=300)
    agency_slug = models.SlugField(max_length=80, blank=True)

    class Meta:
        db_table = "chat_transcriptentry"
        ordering = ["event", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["event", "seq"], name="transcript_entry_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} of {self.event_id}"
