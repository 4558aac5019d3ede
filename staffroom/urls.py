from django.urls import path

from staffroom import views

app_name = "staffroom"

urlpatterns = [
    path("events/<slug:slug>/staff-room/", views.page, name="page"),
    path("events/<slug:slug>/staff-room/say/", views.say, name="say"),
]
