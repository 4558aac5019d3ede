"""Values every page needs: the site's name, the quick-exit target and the help lines."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from accounts.roles import user_holds_role
from core import languages
from events.selectors import agency_helplines


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        # Lazy: only pages that show the help panel query it, and then once.
        "agency_helplines": SimpleLazyObject(agency_helplines),
        # Lazy: asked only for a signed-in person (the "Your webchats" link), once a page.
        "holds_staff_role": SimpleLazyObject(lambda: user_holds_role(request.user)),
        "language_choices": SimpleLazyObject(lambda: language_choices(request)),
    }


def language_choices(request: HttpRequest) -> list[dict[str, Any]]:
    """The language chooser's links: this page (and its query) in each language."""
    current = get_language()
    query = request.GET.copy()
    choices = []
    for code, name in settings.LANGUAGES:
        query[languages.LANGUAGE_PARAMETER] = code
        choices.append(
            {
                "code": code,
                "name": name,
                "url": f"{request.path}?{query.urlencode()}",
                "current": code == current,
            }
        )
    return choices
