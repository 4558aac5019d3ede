"""How a reader chose to read: the standard pages, Easy Read, or Easy Read in words only.

The choice lives in one cookie with no expiry, so the browser forgets it when it closes
(a shared phone keeps no trace of it after that), and costs a watcher no database write: it
is not the Django session, so an Easy Read reader is still a reader whose page is kept
(core/kept_pages.py). Each way of reading is a different kept page: `reading_view` is the
one place that says which a request's cookies ask for.
"""

from collections.abc import Mapping

from django.db import models
from django.http import HttpResponse

COOKIE_NAME = "outreach_reading"


class ReadingView(models.TextChoices):
    STANDARD = "standard", "Standard"
    EASY_READ = "easy", "Easy Read"
    # Easy Read without the pictures, for people who find them distracting.
    WORDS_ONLY = "words", "Easy Read, words only"


def reading_view(cookies: Mapping[str, str]) -> ReadingView:
    """The view a request's cookies ask for; anything unknown is the standard view."""
    value = cookies.get(COOKIE_NAME, "")
    return ReadingView(value) if value in ReadingView.values else ReadingView.STANDARD


def set_reading_view(response: HttpResponse, view: ReadingView, *, secure: bool) -> None:
    """Remember `view` until the browser closes (no max_age: a session cookie)."""
    if view == ReadingView.STANDARD:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(COOKIE_NAME, view.value, secure=secure, httponly=True, samesite="Lax")
