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


@role_page
@login_required
def event_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = _readable_event(request, slug)
    report = selectors.event_report(event=event)
    starts = timezone.localtime(event.starts_at)
    heading = [
        ("Webchat", event.title),
        ("Starts (UK time)", starts.isoformat(timespec="minutes")),
        ("Ends (UK time)", timezone.localtime(event.ends_at).isoformat(timespec="minutes")),
        ("Lead agency", event.lead_agency.name),
        ("Topics", ", ".join(report.topics)),
        ("Small numbers", f'Counts under {SMALL_NUMBER} are shown as "{FEWER_THAN_5}".'),
    ]
    content = tables_csv(heading, report_tables(report, share=True).values())
    return _csv_response(content, f"report-{event.slug}-{starts:%Y-%m-%d}.csv")


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
    form, rows = _filtered_rows(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "The filters are not valid: correct them on the reports page and try again.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    heading = [
        ("Finished webchats", str(len(rows))),
        ("Small numbers", f'Counts under {SMALL_NUMBER} are shown as "{FEWER_THAN_5}".'),
    ]
    content = tables_csv(heading, [headline_table(rows, share=True)])
    return _csv_response(content, f"webchat-reports-{timezone.localdate():%Y-%m-%d}.csv")
