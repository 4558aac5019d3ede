from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("questions/", views.my_questions, name="my_questions"),
    path("delete/", views.delete_account, name="delete"),
]
