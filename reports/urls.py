from django.urls import path

from reports import views as report_views

app_name = "reports"

urlpatterns = [
    path("reports/", report_views.reports_across_events, name="reports"),
    path("reports/webchats.csv", report_views.reports_across_events_csv, name="reports_csv"),
    path(
        "reports/webchats-exact.csv",
        report_views.reports_across_events_exact_csv,
        name="reports_exact_csv",
    ),
    path("events/<slug:slug>/report/", report_views.event_report, name="report"),
    path("events/<slug:slug>/report.csv", report_views.event_report_csv, name="report_csv"),
    path(
        "events/<slug:slug>/report-exact.csv",
        report_views.event_report_exact_csv,
        name="report_exact_csv",
    ),
]
