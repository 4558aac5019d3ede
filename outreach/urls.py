from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from outreach.health import healthz
from outreach.js_catalogue import javascript_catalogue

# Staff sign in through allauth, so the second factor and its rate limits apply to the admin.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("easyread.urls")),
    # The scripts' words in the page's language (?lang= as the page has it).
    path("jsi18n/", javascript_catalogue, name="javascript_catalogue"),
    path("", include("archive.urls")),
    path("", include("reports.urls")),
    path("", include("support.urls")),
    path("", include("staffroom.urls")),
    path("", include("similar.urls")),
    path("", include("chat.urls")),
    path("", include("events.urls")),
]

# Error pages with the quick exit and the help lines that render without the database.
handler400 = "outreach.errors.bad_request"
handler403 = "outreach.errors.permission_denied"
handler404 = "outreach.errors.page_not_found"
handler500 = "outreach.errors.server_error"
