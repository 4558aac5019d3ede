"""The transcript archive: browse, search, read and download the public record.

Everything here reads the archived transcript (the current version), never the live tables.
"""

import csv
import io
import json
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chat import selectors, transcripts
from chat.models import Transcript
from events import selectors as event_selectors
from events.enums import EventStatus
from events.models import Agency, Event, Topic

PAGE_SIZE = 20
# Spreadsheets run cells that start with these as formulas; a leading ' keeps them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filters(request: HttpRequest) -> selectors.ArchiveFilters:
    year = request.GET.get("year", "")
    return selectors.ArchiveFilters(
        query=request.GET.get("q", "")[:200],
        agency=request.GET.get("agency", "")[:80],
        topic=request.GET.get("topic", "")[:100],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
    )


def transcript_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(selectors.archived_events(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "chat/transcript_list.html",
        {
            "filters": filters,
            "page": page,
            "hits": selectors.transcript_search(filters),
            "agencies": Agency.objects.order_by("name"),
            "topics": Topic.objects.order_by("name"),
            "years": selectors.archive_years(),
            "query_string": query_without_page.urlencode(),
        },
    )


def _public_transcript(slug: str) -> tuple[Event, Transcript | None]:
    try:
        event = event_selectors.public_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such webchat.") from missing
    transcript = transcripts.current_transcript(event_id=event.pk)
    if event.status != EventStatus.ARCHIVED:
        transcript = None  # only archived transcripts are public
    return event, transcript


def transcript_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event, transcript = _public_transcript(slug)
    if transcript is None:
        if event.status_enum.had_webchat:
            return render(request, "chat/transcript_pending.html", {"event": event})
        raise Http404("This webchat has no transcript yet.")
    document = json.loads(transcript.content)
    only_agency = request.GET.get("agency", "")[:80]
    view = selectors.transcript_view(document, only_agency=only_agency)
    correction = document.get("correction")
    return render(
        request,
        "chat/transcript_detail.html",
        {
            "event": event,
            "transcript": transcript,
            "view": view,
            "only_agency": only_agency,
            "only_agency_name": dict(view.agencies).get(only_agency, ""),
            "correction": correction,
            "corrected_at": parse_datetime(correction["corrected_at"]) if correction else None,
        },
    )


def _download_name(event: Event, transcript: Transcript, extension: str) -> str:
    return f"{event.slug}-transcript-v{transcript.version}.{extension}"


def _published_transcript(slug: str) -> tuple[Event, Transcript]:
    event, transcript = _public_transcript(slug)
    if transcript is None:
        raise Http404("This webchat has no published transcript.")
    return event, transcript


def transcript_json(request: HttpRequest, slug: str) -> HttpResponse:
    """Exactly the archived bytes, so anyone can check them against the published SHA-256."""
    event, transcript = _published_transcript(slug)
    response = HttpResponse(transcript.content, content_type="application/json; charset=utf-8")
    response["X-Transcript-SHA256"] = transcript.sha256
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(event, transcript, "json")}"'
    )
    return response


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def transcript_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event, transcript = _published_transcript(slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["seq", "kind", "in_reply_to_seq", "speaker", "body", "published_at", "corrected"]
    )
    for item in json.loads(transcript.content)["items"]:
        speaker, _ = transcripts.speaker_of(item)
        writer.writerow(
            _cell(value)
            for value in (
                item["seq"],
                item["kind"],
                item.get("question_seq") or "",
                speaker,
                item["body"],
                item.get("published_at"),
                "yes" if item.get("corrected") else "",
            )
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(event, transcript, "csv")}"'
    )
    return response


def transcript_text(request: HttpRequest, slug: str) -> HttpResponse:
    event, transcript = _published_transcript(slug)
    document = json.loads(transcript.content)
    starts = timezone.localtime(event.starts_at)
    lines = [
        document["event"]["title"],
        f"{starts:%A %d %B %Y, %H:%M} (UK time), led by {document['event']['lead_agency']['name']}",
        "",
        "Panel:",
        *(f"  {m['name']}, {m['role']}, {m['agency']}" for m in document["panel"]),
        "",
    ]
    if document.get("correction"):
        lines += [f"Corrected: {document['correction']['reason']}", ""]
    for item in document["items"]:
        speaker, _ = transcripts.speaker_of(item)
        label = {"question": "Question", "answer": "Answer", "announcement": "Announcement"}
        reply = f" (to question {item['question_seq']})" if item.get("question_seq") else ""
        lines += [f"[{item['seq']}] {label[item['kind']]}{reply} from {speaker}:", item["body"], ""]
    lines.append(f"SHA-256 of the JSON record: {transcript.sha256}")
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_download_name(event, transcript, "txt")}"'
    )
    return response


def transcript_index(request: HttpRequest) -> JsonResponse:
    """Every published transcript, for reuse: what it is and where to get it."""
    events = selectors.archived_events(selectors.ArchiveFilters())
    current = transcripts.current_transcripts_by_event([event.pk for event in events])
    entries = []
    for event in events:
        transcript = current[event.pk]
        base = reverse("chat:transcript", kwargs={"slug": event.slug})
        entries.append(
            {
                "slug": event.slug,
                "title": event.title,
                "starts_at": transcripts._iso(event.starts_at),
                "ends_at": transcripts._iso(event.ends_at),
                "lead_agency": event.lead_agency.name,
                "topics": sorted(topic.name for topic in event.topics.all()),
                "version": transcript.version,
                "item_count": transcript.item_count,
                "sha256": transcript.sha256,
                "html": request.build_absolute_uri(base),
                "json": request.build_absolute_uri(base.rstrip("/") + ".json"),
                "csv": request.build_absolute_uri(base.rstrip("/") + ".csv"),
                "text": request.build_absolute_uri(base.rstrip("/") + ".txt"),
            }
        )
    return JsonResponse({"transcripts": entries}, json_dumps_params={"ensure_ascii": False})
