"""The front door: a reader's kept page served from the event loop, before Django.

A kept page (core/kept_pages.py) costs no query, but going through Django still costs a
page about 1.5 ms of this process's one core: the hand-off to a thread, a dozen middleware,
URL resolution. At 18:00 that is most of what one process can serve. So once Django has
answered a reader with a kept page, this door remembers the response's final headers (every
middleware's: security, CSP, framing) for that URL, and the next reader of it is answered
here: the version tokens (and, for a guest with the guest cookie, whether they have asked
here) read in one round trip to Redis from the loop, the kept body with this reader's CSRF
token, client id and cookies filled in, and the remembered headers. Anything else (a
session, a message waiting, a query string, a page that is not current, Redis away) goes to
Django as before, and Django's answer teaches the door again.

The CSRF token and cookie are made by Django's own CsrfViewMiddleware, the guest cookie by
chat/guests.py. WEB_FRONT_DOOR=false (a benchmark A/B switch) sends everything to Django.
"""

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csrf import CsrfViewMiddleware, get_token

from chat import askers
from chat.guests import (
    GUEST_COOKIE_NAME,
    guest_cookie_value,
    guest_token_from_cookie,
    set_guest_cookie,
)
from core import kept_pages, languages
from core.ablation import design_choice_on

logger = logging.getLogger(__name__)

DOOR_HEADER = kept_pages.DOOR_HEADER.lower().encode()
# URLs remembered at most (scheme, host, path of pages Django answered as kept: a few per
# event), so no stream of requests can grow it without bound.
MAX_ROUTES = 10_000
# A reader arriving while the page is being built waits for it at most this long.
BUILD_WAIT_SECONDS = 2.0
_SKIPPED_HEADERS = {DOOR_HEADER, b"content-length", b"set-cookie", b"content-encoding"}

# Scheme, host, path, then the reader's language (core.languages) and reading view
# (kept_pages.reading_variant): a Welsh or an Easy Read reader is never answered with
# another reader's page.
Route = tuple[str, ...]


@dataclass(frozen=True)
class DoorRoute:
    door_id: str
    headers: tuple[tuple[bytes, bytes], ...]


def headers_of(scope: dict[str, Any]) -> dict[bytes, bytes]:
    """The request's headers by (lower-case) name, made once per request."""
    found = scope.get("outreach.headers")
    if found is None:
        found = scope["outreach.headers"] = dict(scope.get("headers") or ())
    return found


class FrontDoor:
    """ASGI middleware for HTTP (outreach/asgi.py), outermost."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.routes: dict[Route, DoorRoute] = {}
        self.csrf = CsrfViewMiddleware(lambda request: HttpResponse())

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self._route(scope)
        if route is not None:
            door_route = self.routes.get(route)
            if door_route is not None and await self._serve(scope, door_route, send):
                return
        await self.app(scope, receive, self._learning(send, route))

    def _route(self, scope: dict[str, Any]) -> Route | None:
        """A reader's plain GET of a URL without a query string, with their variant,
        else None."""
        if (
            scope.get("method") != "GET"
            or scope.get("query_string")
            or not design_choice_on("WEB_FRONT_DOOR")
        ):
            return None
        headers = headers_of(scope)
        cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin-1"))
        if cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get(CookieStorage.cookie_name):
            return None
        scope["outreach.cookies"] = cookies
        host = headers.get(b"host", b"").decode("latin-1")
        language = languages.reader_variant(
            cookies=cookies, accept_language=headers.get(b"accept-language", b"").decode("latin-1")
        )
        return (
            scope.get("scheme", "http"),
            host,
            scope["path"],
            language,
            *kept_pages.reading_variant(cookies),
        )

    def _learning(
        self, send: Callable[[dict[str, Any]], Awaitable[None]], route: Route | None
    ) -> Callable[[dict[str, Any]], Awaitable[None]]:
        """`send`, which takes the kept page's header off every response (it never leaves
        the process) and remembers a reader's kept page's headers for its URL."""

        async def send_learning(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                door_id = next(
                    (value for name, value in headers if name.lower() == DOOR_HEADER), None
                )
                if door_id is not None:
                    message = {
                        **message,
                        "headers": [(n, v) for n, v in headers if n.lower() != DOOR_HEADER],
                    }
                    if route is not None and message.get("status") == 200:
                        self._remember(route, door_id.decode("latin-1"), headers)
            await send(message)

        return send_learning

    def _remember(self, route: Route, door_id: str, headers: list[tuple[bytes, bytes]]) -> None:
        if route not in self.routes and len(self.routes) >= MAX_ROUTES:
            self.routes.clear()
        self.routes[route] = DoorRoute(
            door_id=door_id,
            headers=tuple(
                (name, value) for name, value in headers if name.lower() not in _SKIPPED_HEADERS
            ),
        )

    async def _serve(self, scope: dict[str, Any], door_route: DoorRoute, send: Any) -> bool:
        """Answer with the kept page if it is current for this reader; False to leave the
        request to Django."""
        info = kept_pages.door_info(door_route.door_id)
        if info is None:
            return False
        cookies: dict[str, str] = scope["outreach.cookies"]
        guest_cookie = cookies.get(GUEST_COOKIE_NAME)
        guest_token = None
        if info.guest_event_id is not None and guest_cookie:
            guest_token = guest_token_from_cookie(guest_cookie, session_key=None)
            if guest_token is None:
                return False  # not a cookie of ours as it stands: Django replaces it

        def has_asked(pipeline: Any) -> None:
            if guest_token is not None and info.guest_event_id is not None:
                askers.add_has_asked(
                    pipeline, event_id=info.guest_event_id, guest_token=guest_token
                )

        found = await kept_pages.aversions(info.scopes, also=has_asked)
        if found is None:
            return False
        tokens, replies = found
        if guest_token is not None and askers.has_asked_reply(replies) is not False:
            return False  # their own questions are on their page: Django renders it
        kept = kept_pages.current(info.key, tokens)
        if kept is None:
            # Being built now (a publication made it stale): wait for that page here.
            await kept_pages.build_finished(info.key, timeout=BUILD_WAIT_SECONDS)
            kept = kept_pages.current(info.key, tokens)
        if kept is None:
            return False
        cookie_jar = HttpResponse()
        values: dict[str, str] = {}
        if "csrf" in kept.slots:
            values["csrf"] = self._csrf_token(cookies, cookie_jar)
        if "client" in kept.slots:
            values["client"] = str(uuid.uuid4())
        if info.guest_event_id is not None and guest_token is None:
            value = guest_cookie_value(session_key=None, guest_token=uuid.uuid4())
            set_guest_cookie(cookie_jar, value)
        gzip = kept_pages.accepts_gzip(
            headers_of(scope).get(b"accept-encoding", b"").decode("latin-1")
        )
        body = kept.content(values, gzip)
        headers = [
            *door_route.headers,
            *([(b"content-encoding", b"gzip")] if gzip else []),
            (b"content-length", str(len(body)).encode()),
            *(
                (b"set-cookie", morsel.output(header="").strip().encode("latin-1"))
                for morsel in cookie_jar.cookies.values()
            ),
        ]
        await send({"type": "http.response.start", "status": kept.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    def _csrf_token(self, cookies: dict[str, str], cookie_jar: HttpResponse) -> str:
        """This reader's CSRF token for the page's form, and their CSRF cookie in
        `cookie_jar` if they have none (or a malformed one): Django's middleware's own."""
        request = HttpRequest()
        request.method = "GET"
        request.COOKIES = cookies
        self.csrf.process_request(request)
        token = get_token(request)
        self.csrf.process_response(request, cookie_jar)
        return token
