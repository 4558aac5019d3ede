from django.urls import path

from similar import views

app_name = "similar"

urlpatterns = [
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/publish-similar/",
        views.publish,
        name="publish",
    ),
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/attach/",
        views.attach,
        name="attach",
    ),
    path(
        "events/<slug:slug>/moderate/questions/<int:question_id>/detach/",
        views.detach,
        name="detach",
    ),
]
