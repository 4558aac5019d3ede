from django.urls import path

from easyread import views

app_name = "easyread"

urlpatterns = [
    path("reading-view/", views.reading_view_switch, name="switch"),
]
