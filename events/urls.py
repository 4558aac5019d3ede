from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("staying-safe-online/", views.staying_safe, name="staying_safe"),
    path("your-webchats/", views.staff_webchats, name="staff_webchats"),
    path("events/calendar.ics", views.events_calendar, name="calendar"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="event_calendar"),
    path("events/<slug:slug>/follow/", views.event_follow, name="event_follow"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
]
