"""The 400, 403, 404 and 500 pages: the quick exit and the help lines, and nothing that
needs the database.

A 500 is often the database being away, so these pages are rendered without the request:
no context processor runs (the help panel's partner helplines are a query), and neither
the session nor the user is looked at (both live in the database). Wired in outreach/urls.py.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _error_page(template_name: str, status: int) -> HttpResponse:
    context = {"site_name": settings.SITE_NAME, "quick_exit_url": settings.QUICK_EXIT_URL}
    return HttpResponse(render_to_string(template_name, context), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page("500.html", 500)
