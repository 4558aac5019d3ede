from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from events import selectors
from events.models import Agency, Event


def home(request: HttpRequest) -> HttpResponse:
    listing = selectors.home_listing()
    return render(request, "events/home.html", {"listing": listing})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = selectors.public_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such event.") from missing
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "panel_groups": selectors.panel_grouped_by_agency(event=event)},
    )


def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        agency = selectors.agency_by_slug(slug=slug)
    except Agency.DoesNotExist as missing:
        raise Http404("No such agency.") from missing
    upcoming, past = selectors.agency_events(agency=agency)
    return render(
        request,
        "events/agency_detail.html",
        {"agency": agency, "upcoming": upcoming, "past": past},
    )
