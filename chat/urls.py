from django.urls import path

from chat import embed, views

app_name = "chat"

urlpatterns = [
    # A signed-in member of the public's own questions, beside their account pages.
    path("accounts/questions/", views.my_questions, name="my_questions"),
    path("events/<slug:slug>/live/", views.event_live, name="live"),
    path("events/<slug:slug>/live/ask/", views.event_ask, name="ask"),
    path(
        "events/<slug:slug>/live/questions/<int:question_id>/me-too/",
        views.event_me_too,
        name="me_too",
    ),
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
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/route/",
        views.moderate_route,
        name="route",
    ),
    path("events/<slug:slug>/moderate/announce/", views.moderate_announce, name="announce"),
    path("events/<slug:slug>/moderate/pin/<int:seq>/", views.moderate_pin, name="pin"),
    path("events/<slug:slug>/review/", views.review_console, name="review"),
    path(
        "events/<slug:slug>/review/drafts/<int:draft_id>/publish/",
        views.review_publish,
        name="review_publish",
    ),
    path(
        "events/<slug:slug>/review/drafts/<int:draft_id>/return/",
        views.review_return,
        name="review_return",
    ),
    path("events/<slug:slug>/panel/", views.panel_console, name="panel"),
    path(
        "events/<slug:slug>/panel/drafts/<int:draft_id>/resubmit/",
        views.panel_resubmit,
        name="resubmit",
    ),
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
    path(
        "events/<slug:slug>/panel/questions/<int:question_id>/readability/",
        views.panel_readability,
        name="readability",
    ),
]
