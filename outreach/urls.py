from django.contrib import admin
from django.urls import include, path

from outreach.health import healthz

admin.site.site_header = "Outreach administration"
admin.site.site_title = "Outreach admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("chat.urls")),
    path("", include("events.urls")),
]
