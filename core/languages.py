"""Which language (and later which variant) a reader is served: one function for Django and
for the front door, so a kept page is never served to a reader of another language.

The language is chosen by the language chooser's links (`?lang=cy` on the page the person is
on), remembered in a browser-session cookie (a shared device forgets it when the browser
closes; no session row is written for a watcher), and otherwise taken from the browser's
Accept-Language header. docs/accessibility.md, "Languages".
"""

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

# The query parameter the chooser's links set: it works in the embed too, where a browser
# may refuse the cookie of a site inside another site's frame.
LANGUAGE_PARAMETER = "lang"
# A header longer than this is not a browser's: read no further (hostile input is bounded).
MAX_ACCEPT_LANGUAGE = 200


def supported(code: str | None) -> str | None:
    """`code` as one of settings.LANGUAGES ("cy-GB" -> "cy"), or None."""
    if not code or len(code) > 20:
        return None
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def reader_language(
    *, cookies: Mapping[str, str], accept_language: str, chosen: str | None = None
) -> str:
    """The reader's language: what they chose on this request, else what they chose earlier
    in this browser session (the cookie), else their browser's first supported language,
    else the site's."""
    for candidate in (chosen, cookies.get(settings.LANGUAGE_COOKIE_NAME)):
        found = supported(candidate)
        if found:
            return found
    for code, _quality in parse_accept_lang_header(accept_language[:MAX_ACCEPT_LANGUAGE]):
        if code == "*":
            break
        found = supported(code)
        if found:
            return found
    return supported(settings.LANGUAGE_CODE) or settings.LANGUAGES[0][0]


def reader_variant(
    *, cookies: Mapping[str, str], accept_language: str, chosen: str | None = None
) -> str:
    """What a kept page is keyed by besides its URL: every input that changes the words a
    reader sees. Now the language alone."""
    return reader_language(cookies=cookies, accept_language=accept_language, chosen=chosen)


def chosen_on(request: HttpRequest) -> str | None:
    """The language the chooser's link asked for on this request, if any."""
    if request.method != "GET":
        return None
    return request.GET.get(LANGUAGE_PARAMETER)


def request_language(request: HttpRequest) -> str:
    return reader_language(
        cookies=request.COOKIES,
        accept_language=request.headers.get("Accept-Language", ""),
        chosen=chosen_on(request),
    )


def request_variant(request: HttpRequest) -> str:
    return reader_variant(
        cookies=request.COOKIES,
        accept_language=request.headers.get("Accept-Language", ""),
        chosen=chosen_on(request),
    )


def remember_choice(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep the language chosen on this request for the rest of the browser session: a
    cookie with no expiry, so a shared device forgets it when the browser closes."""
    chosen = supported(chosen_on(request))
    if chosen is None or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == chosen:
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=None,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
