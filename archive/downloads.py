"""The transcript's download formats: one registry, one view (archive.views.
transcript_download), one URL per format (chat/urls.py), listed on the transcript page and in
the transcript index. Adding a format is one entry in FORMATS."""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from archive import services as transcripts
from archive.models import Transcript
from chat.payloads import panellist_byline, with_question_numbers
from core.spreadsheets import spreadsheet_cell
from events.models import Event


@dataclass(frozen=True)
class DownloadFormat:
    # The key in the transcript index and the URL name's suffix (archive:transcript_<name>).
    name: str
    extension: str
    content_type: str
    # How the transcript page lists it (in the reader's language).
    label: "str | Promise"
    note: "str | Promise"
    render: Callable[[Event, Transcript], str]
    # Extra response headers, from the transcript.
    headers: Callable[[Transcript], dict[str, str]] = field(default=lambda transcript: {})

    def filename(self, event: Event, transcript: Transcript) -> str:
        return f"{event.slug}-transcript-v{transcript.version}.{self.extension}"


def render_json(event: Event, transcript: Transcript) -> str:
    """Exactly the archived bytes, so anyone can check them against the published SHA-256."""
    return transcript.content


def render_csv(event: Event, transcript: Transcript) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # `question`: the question's public number, as the page shows it (for an answer, the
    # question it answers); `seq`: the item's place in the record.
    writer.writerow(
        [
            "seq",
            "kind",
            "question",
            "in_reply_to_seq",
            "speaker",
            "body",
            "published_at",
            "corrected",
            "asked_by",
            "me_too",
        ]
    )
    for item in with_question_numbers(json.loads(transcript.content)["items"]):
        speaker, _ = transcripts.speaker_of(item)
        writer.writerow(
            spreadsheet_cell(value)
            for value in (
                item["seq"],
                item["kind"],
                item.get("number") or item.get("question_number") or "",
                item.get("question_seq") or "",
                speaker,
                item["body"],
                item.get("published_at"),
                "yes" if item.get("corrected") else "",
                # How many people asked it (similar questions attached), once published.
                item.get("asked_by", "") if item["kind"] == "question" else "",
                item.get("me_too", "") if item["kind"] == "question" else "",
            )
        )
    return buffer.getvalue()


def render_text(event: Event, transcript: Transcript) -> str:
    document = json.loads(transcript.content)
    starts = timezone.localtime(event.starts_at)
    lines = [
        document["event"]["title"],
        f"{starts:%A %d %B %Y, %H:%M} (UK time), led by {document['event']['lead_agency']['name']}",
        "",
        "Panel:",
        *(f"  {panellist_byline(member)}" for member in document["panel"]),
        "",
    ]
    if document.get("correction"):
        lines += [f"Corrected: {document['correction']['reason']}", ""]
    for item in with_question_numbers(document["items"]):
        speaker, _ = transcripts.speaker_of(item)
        if item["kind"] == "question":
            said = f"Question {item['number']}"
        elif item["kind"] == "answer" and item.get("question_number"):
            said = f"Answer to question {item['question_number']}"
        else:
            said = item["kind"].capitalize()
        asked_by = item.get("asked_by") or 1
        if asked_by > 1:
            said += f" (asked by {asked_by} people)"
        wanted = item.get("me_too") or 0
        also = [f"({wanted} {'person' if wanted == 1 else 'people'} wanted to know this too)"]
        lines += [f"{said} from {speaker}:", item["body"], *(also if wanted else []), ""]
    lines.append(f"SHA-256 of the JSON record: {transcript.sha256}")
    return "\n".join(lines)


FORMATS: dict[str, DownloadFormat] = {
    each.name: each
    for each in (
        DownloadFormat(
            name="json",
            extension="json",
            content_type="application/json; charset=utf-8",
            label="JSON",
            note=gettext_lazy("(the archived record)"),
            render=render_json,
            headers=lambda transcript: {"X-Transcript-SHA256": transcript.sha256},
        ),
        DownloadFormat(
            name="csv",
            extension="csv",
            content_type="text/csv; charset=utf-8",
            label=gettext_lazy("CSV"),
            note=gettext_lazy("(for spreadsheets)"),
            render=render_csv,
        ),
        DownloadFormat(
            name="text",
            extension="txt",
            content_type="text/plain; charset=utf-8",
            label=gettext_lazy("Plain text"),
            note="",
            render=render_text,
        ),
    )
}
