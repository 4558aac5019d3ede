from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from accounts.middleware import role_page
from accounts.models import User
from accounts.selectors import signed_in_user_id
from core import kept_pages
from events import selectors, services
from events.calendar import calendar_ics
from events.models import Agency, Event
from events.selectors import RECENT_PAST_DAYS


def home(request: HttpRequest) -> HttpResponse:
    # A reader's page is kept until the site's events change (core/kept_pages.py).
    kept = kept_pages.serve(request, ("home",), [kept_pages.SITE], lambda: _home(request))
    return kept or _home(request)


def _home(request: HttpRequest) -> HttpResponse:
    listing = selectors.home_listing()
    return render(request, "events/home.html", {"listing": listing})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    kept = kept_pages.serve(
        request,
        ("event", slug, request.get_host()),  # the host: the embed snippet's absolute URL
        [kept_pages.SITE],
        lambda: _event_detail(request, slug),
    )
    return kept or _event_detail(request, slug)


def _event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = selectors.public_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such event.") from missing
    # The snippet agencies paste; shown only once the event lists who may frame it.
    embed_url = (
        request.build_absolute_uri(reverse("chat:embed", kwargs={"slug": slug}))
        if event.embed_origin_list
        else ""
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "panel_groups": selectors.panel_grouped_by_agency(event=event),
            "embed_url": embed_url,
            "reminder_minutes": settings.EVENT_REMINDER_MINUTES,
            "following": selectors.user_follows_event(user_id=request.user.pk, event_id=event.pk),
        },
    )


@require_POST
@login_required
def event_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Start or stop an email reminder before the event (a signed-in member of the public)."""
    try:
        event = selectors.calendar_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such upcoming event.") from missing
    user_id = signed_in_user_id(request)
    if request.POST.get("follow") == "no":
        services.event_unfollow(event_id=event.pk, user_id=user_id)
        messages.success(request, gettext("You will not get a reminder for this webchat."))
    else:
        services.event_follow(event_id=event.pk, user_id=user_id, language=get_language())
        messages.success(
            request, gettext("We will email you a reminder before this webchat starts.")
        )
    return HttpResponseRedirect(reverse("events:event_detail", kwargs={"slug": slug}))


def _calendar_response(
    request: HttpRequest, events: Sequence[Event], *, name: str, filename: str
) -> HttpResponse:
    host, _ = split_domain_port(request.get_host())
    body = calendar_ics(
        events=events, absolute_url=request.build_absolute_uri, host=host, name=name
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = selectors.calendar_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("No such upcoming event.") from missing
    return _calendar_response(request, [event], name=event.title, filename=f"{event.slug}.ics")


def events_calendar(request: HttpRequest) -> HttpResponse:
    return _calendar_response(
        request,
        selectors.calendar_events(),
        name="Upcoming public webchats",
        filename="webchats.ics",
    )


@role_page
@login_required
def staff_webchats(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in: each webchat they work on, and its console."""
    user = request.user
    if not isinstance(user, User):  # never: login_required
        raise Http404
    response = render(
        request,
        "events/staff_webchats.html",
        {"webchats": selectors.staff_webchats(user=user), "finished_days": RECENT_PAST_DAYS},
    )
    response["Cache-Control"] = "private, no-store"
    return response


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


def staying_safe(request: HttpRequest) -> HttpResponse:
    return render(request, "events/staying_safe.html")
