"""The report pages: one finished webchat's report (page and CSV), and the view across
webchats for event managers (page and CSV). Never public."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.middleware import role_page
from events.models import Event
from reports import access, selectors
from reports.charts import report_charts
from reports.export import tables_csv
from reports.forms import ReportFilterForm
from reports.tables import FEWER_THAN_5, SMALL_NUMBER, headline_table, report_tables


def _readable_event(request: HttpRequest, slug: str) -> Event:
    try:
        event = selectors.reportable_event_by_slug(slug=slug)
    except Event.DoesNotExist as missing:
        raise Http404("There is no report for this webchat: it has not finished.") from missing
    if not access.report_readable(user=request.user, event=event):
        raise PermissionDenied
    return event


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_page
@login_required
def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _readable_event(request, slug)
    share = request.GET.get("share") == "1"
    report = selectors.event_report(event=event)
    tables = report_tables(report, share=share)
    response = render(
        request,
        "reports/report.html",
        {
            "event": event,
            "report": report,
            "tables": tables,
            "charts": report_charts(report, tables),
            "share": share,
            "fewer_than": FEWER_THAN_5,
            "small_number": SMALL_NUMBER,
            "manages_events": access.user_manages_events(request.user),
            "sample_seconds": f"{settings.REPORT_VIEWER_SAMPLE_SECONDS:g}",
            "retention_days": settings.CHAT_RETENTION_DAYS,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


# The exact figures' CSV says what it is on its first line and in its name, so a copy that
# travels (an email, a shared drive) still says it must not be published.
EXACT_WARNING = (
    "EXACT FIGURES: contains small numbers, do not publish",
    "For use inside your organisation only. Share the other CSV, where counts under "
    f'{SMALL_NUMBER} are shown as "{FEWER_THAN_5}".',
)
SHAREABLE_NOTE = ("Small numbers", f'Counts under {SMALL_NUMBER} are shown as "{FEWER_THAN_5}".')


def _csv_filename(stem: str, *, share: bool) -> str:
    return f"{stem}.csv" if share else f"{stem}-exact-do-not-publish.csv"


@role_page
@login_required
def event_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _event_report_csv(request, slug, share=True)


@role_page
@login_required
def event_report_exact_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same tables with exact figures, for the readers of the report page (which shows
    them too), labelled as not for publication."""
    return _event_report_csv(request, slug, share=False)


def _event_report_csv(request: HttpRequest, slug: str, *, share: bool) -> HttpResponse:
    event = _readable_event(request, slug)
    report = selectors.event_report(event=event)
    starts = timezone.localtime(event.starts_at)
    heading = [
        *([] if share else [EXACT_WARNING]),
        ("Webchat", event.title),
        ("Starts (UK time)", starts.isoformat(timespec="minutes")),
        ("Ends (UK time)", timezone.localtime(event.ends_at).isoformat(timespec="minutes")),
        ("Lead agency", event.lead_agency.name),
        ("Topics", ", ".join(report.topics)),
        *([SHAREABLE_NOTE] if share else []),
    ]
    content = tables_csv(heading, report_tables(report, share=share).values())
    return _csv_response(
        content, _csv_filename(f"report-{event.slug}-{starts:%Y-%m-%d}", share=share)
    )


def _filtered_rows(request: HttpRequest) -> tuple[ReportFilterForm, list[selectors.EventRow]]:
    if not access.user_manages_events(request.user):
        raise PermissionDenied
    agencies, topics = selectors.report_filter_choices()
    form = ReportFilterForm(request.GET or None, agencies=agencies, topics=topics)
    filters = selectors.ReportFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.ReportFilters(**form.cleaned_data)
    elif form.is_bound:
        return form, []
    return form, selectors.event_rows(filters)


@role_page
@login_required
def reports_across_events(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered_rows(request)
    share = request.GET.get("share") == "1"
    response = render(
        request,
        "reports/across_events.html",
        {
            "form": form,
            "table": headline_table(rows, share=share),
            "rows": rows,
            "share": share,
            "query_string": request.GET.urlencode(),
            "fewer_than": FEWER_THAN_5,
            "small_number": SMALL_NUMBER,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@role_page
@login_required
def reports_across_events_csv(request: HttpRequest) -> HttpResponse:
    return _across_events_csv(request, share=True)


@role_page
@login_required
def reports_across_events_exact_csv(request: HttpRequest) -> HttpResponse:
    return _across_events_csv(request, share=False)


def _across_events_csv(request: HttpRequest, *, share: bool) -> HttpResponse:
    form, rows = _filtered_rows(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "The filters are not valid: correct them on the reports page and try again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    heading = [
        *([] if share else [EXACT_WARNING]),
        ("Finished webchats", str(len(rows))),
        *([SHAREABLE_NOTE] if share else []),
    ]
    content = tables_csv(heading, [headline_table(rows, share=share)])
    return _csv_response(
        content, _csv_filename(f"webchat-reports-{timezone.localdate():%Y-%m-%d}", share=share)
    )
