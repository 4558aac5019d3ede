"""The reading view (easyread/preferences.py) for every template."""

from typing import Any

from django.http import HttpRequest

from easyread.preferences import ReadingView, reading_view


def reading(request: HttpRequest) -> dict[str, Any]:
    view = reading_view(request.COOKIES)
    return {
        "reading_view": view,
        "easy_read": view != ReadingView.STANDARD,
        "words_only": view == ReadingView.WORDS_ONLY,
    }
