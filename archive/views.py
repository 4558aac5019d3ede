"""The transcript archive: browse, search, read and download the public record.

Everything here reads the archived transcript (the current version), never the live tables.
"""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from archive import selectors as archive_selectors
from archive import services as transcripts
from archive.downloads import FORMATS, DownloadFormat
from archive.models import Transcript
from chat.payloads import iso_utc
from events import selectors as event_selectors
from events.enums import EventStatus
from events.models import Agency, Event, Topic

PAGE_SIZE = 20


def _filters(request: HttpRequest) -> archive_selectors.ArchiveFilters:
    year = request.GET.get("year", "")
    return archive_selectors.ArchiveFilters(
        query=request.GET.get("q", "")[:200],
        agency=request.GET.get("agency", "")[:80],
        topic=request.GET.get("topic", "")[:100],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
    )


def transcript_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(archive_selectors.archived_events(filters), PAGE_SIZE).get_page(
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
            "hits": archive_selectors.transcript_search(filters),
            "agencies": Agency.objects.order_by("name"),
            "topics": Topic.objects.order_by("name"),
            "years": archive_selectors.archive_years(),
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
    view = archive_selectors.transcript_view(document, only_agency=only_agency)
    correction = document.get("correction")
    return render(
        request,
        "chat/transcript_detail.html",
        {
            "event": event,
            "transcript": transcript,
            "downloads": download_links(event.slug),
            "view": view,
            "only_agency": only_agency,
            "only_agency_name": dict(view.agencies).get(only_agency, ""),
            "correction": correction,
            "corrected_at": parse_datetime(correction["corrected_at"]) if correction else None,
        },
    )


def _published_transcript(slug: str) -> tuple[Event, Transcript]:
    event, transcript = _public_transcript(slug)
    if transcript is None:
        raise Http404("This webchat has no published transcript.")
    return event, transcript


def transcript_download(request: HttpRequest, slug: str, format_name: str) -> HttpResponse:
    """The published transcript in one of archive.downloads.FORMATS."""
    download = FORMATS[format_name]
    event, transcript = _published_transcript(slug)
    response = HttpResponse(download.render(event, transcript), content_type=download.content_type)
    for header, value in download.headers(transcript).items():
        response[header] = value
    response["Content-Disposition"] = (
        f'attachment; filename="{download.filename(event, transcript)}"'
    )
    return response


def download_links(slug: str) -> list[tuple[DownloadFormat, str]]:
    return [
        (download, reverse(f"archive:transcript_{download.name}", args=[slug]))
        for download in FORMATS.values()
    ]


def transcript_index(request: HttpRequest) -> JsonResponse:
    """Every published transcript, for reuse: what it is and where to get it."""
    events = archive_selectors.archived_events(archive_selectors.ArchiveFilters())
    current = transcripts.current_transcripts_by_event([event.pk for event in events])
    entries = []
    for event in events:
        transcript = current[event.pk]
        base = reverse("archive:transcript", kwargs={"slug": event.slug})
        entries.append(
            {
                "slug": event.slug,
                "title": event.title,
                "starts_at": iso_utc(event.starts_at),
                "ends_at": iso_utc(event.ends_at),
                "lead_agency": event.lead_agency.name,
                "topics": sorted(topic.name for topic in event.topics.all()),
                "version": transcript.version,
                "item_count": transcript.item_count,
                "sha256": transcript.sha256,
                "html": request.build_absolute_uri(base),
                **{
                    download.name: request.build_absolute_uri(url)
                    for download, url in download_links(event.slug)
                },
            }
        )
    return JsonResponse({"transcripts": entries}, json_dumps_params={"ensure_ascii": False})
