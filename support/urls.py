from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    # The person.
    path("events/<slug:slug>/talk/", views.talk, name="talk"),
    path("events/<slug:slug>/talk/status/", views.lane_status, name="status"),
    path("events/<slug:slug>/talk/start/", views.talk_start, name="start"),
    path("events/<slug:slug>/talk/say/", views.talk_say, name="say"),
    path("events/<slug:slug>/talk/leave/", views.talk_leave, name="leave"),
    path("events/<slug:slug>/talk/exit/", views.talk_exit, name="exit"),
    # Crisis workers.
    path("events/<slug:slug>/support/", views.console, name="console"),
    path("events/<slug:slug>/support/duty/", views.duty, name="duty"),
    path("events/<slug:slug>/support/claim/", views.claim, name="claim"),
    path(
        "events/<slug:slug>/support/<int:conversation_id>/",
        views.conversation_page,
        name="conversation",
    ),
    path("events/<slug:slug>/support/<int:conversation_id>/reply/", views.reply, name="reply"),
    path(
        "events/<slug:slug>/support/<int:conversation_id>/hand-over/",
        views.hand_over,
        name="hand_over",
    ),
    path("events/<slug:slug>/support/<int:conversation_id>/risk/", views.risk, name="risk"),
    path("events/<slug:slug>/support/<int:conversation_id>/end/", views.end, name="end"),
    # Moderators.
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/pass/",
        views.pass_question,
        name="pass",
    ),
]
