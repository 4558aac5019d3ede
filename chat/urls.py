from django.urls import path

from chat import archive_views, embed, views
from chat.downloads import FORMATS
from chat.reports import views as report_views

app_name = "chat"

urlpatterns = [
    path("transcripts/", archive_views.transcript_list, name="transcripts"),
    path("transcripts/index.json", archive_views.transcript_index, name="transcript_index"),
    path("transcripts/<slug:slug>/", archive_views.transcript_detail, name="transcript"),
    *(
        path(
            f"transcripts/<slug:slug>.{download.extension}",
            archive_views.transcript_download,
            {"format_name": download.name},
            name=f"transcript_{download.name}",
        )
        for download in FORMATS.values()
    ),
    path("reports/", report_views.reports_across_events, name="reports"),
    path("reports/webchats.csv", report_views.reports_across_events_csv, name="reports_csv"),
    path("events/<slug:slug>/report/", report_views.event_report, name="report"),
    path("events/<slug:slug>/report.csv", report_views.event_report_csv, name="report_csv"),
    path("events/<slug:slug>/live/", views.event_live, name="live"),
    path("events/<slug:slug>/live/ask/", views.event_ask, name="ask"),
    path("events/<slug:slug>/live/forget/", views.event_forget_questions, name="forget_questions"),
    path("events/<slug:slug>/embed/", embed.event_embed, name="embed"),
    path("events/<slug:slug>/moderate/", views.moderator_console, name="moderate"),
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/approve/",
        views.moderate_approve,
        name="approve",
    ),
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/reject/",
        views.moderate_reject,
        name="reject",
    ),
    path(
        "events/<slug:slug>/moderate/participants/<int:participant_id>/mute/",
        views.moderate_mute,
        name="mute",
    ),
    path("events/<slug:slug>/moderate/announce/", views.moderate_announce, name="announce"),
    path("events/<slug:slug>/moderate/pin/<int:seq>/", views.moderate_pin, name="pin"),
    path("events/<slug:slug>/panel/", views.panel_console, name="panel"),
    path(
        "events/<slug:slug>/panel/questions/<int:question_id>/answer/",
        views.panel_answer,
        name="answer",
    ),
    path(
        "events/<slug:slug>/panel/questions/<int:question_id>/answered/",
        views.panel_mark_answered,
        name="mark_answered",
    ),
]
