from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
]
