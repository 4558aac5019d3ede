"""The front door: a reader's kept page served from the event loop, before Django.

A kept page (core/kept_pages.py) costs no query, but going through Django still costs a
page about 1.5 ms of this process's one core: the hand-off to a thread, a dozen middleware,
URL resolution. At 18:00 that is most of what one process can serve. So once Django has
answered a reader with a kept page, this door remembers the response's final headers (every
middleware's: security, CSP, framing) for that URL, and the next reader of it is answered
here: the version tokens (and, for a guest with the guest cookie, whether they have asked
here) read in one round trip to Redis from the loop, the kept body with this reader's CSRF
token, client id and cookies filled in, and the remembered headers. Anything else (a
session, a message waiting, a query string, Redis away) goes to Django as before, and
Django's answer teaches the door again.

A page made stale by a publication (four a second while staff announce at 18:00) is built
again by one reader's request to Django at a time; the readers arriving meanwhile wait here
for that build (at most BUILD_WAIT_SECONDS) and are answered with the new page if it was
built at versions read after they arrived (`kept_pages.built_since`), so it shows every
change made before they came. Before, each of them went to Django: in the 2,000 door storm
about three in four live pages, each a thread of its own (docs/performance.md, "The door").

The CSRF token and cookie are made by Django's own CsrfViewMiddleware, the guest cookie by
chat/guests.py. WEB_FRONT_DOOR=false (a benchmark A/B switch) sends everything to Django.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.middleware.csrf import CsrfViewMiddleware, get_token

from chat import askers, selectors
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


@dataclass(frozen=True)
class Rebuild:
    """A reader's request sent to Django to build a stale kept page again; the readers of
    that page who arrive meanwhile wait for `done`."""

    key: tuple[Any, ...]
    done: "asyncio.Future[None]"
    started_at: float


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
        # Kept pages being built again by a reader's request to Django, by key.
        self.rebuilds: dict[tuple[Any, ...], Rebuild] = {}
        # Askers indexes being filled again ahead of their lapse, by event id.
        self.refills: dict[int, asyncio.Task[None]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self._route(scope)
        door_route = self.routes.get(route) if route is not None else None
        rebuild = None
        if door_route is not None:
            served = await self._serve(scope, door_route, send)
            if served is True:
                return
            rebuild = served if isinstance(served, Rebuild) else None
        try:
            await self.app(scope, receive, self._learning(send, route))
        finally:
            if rebuild is not None:
                # However Django's answer ended (an error, the reader gone), the readers
                # waiting for it look again: at the page it built, or one of them builds.
                self._rebuilt(rebuild)

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

    async def _serve(
        self, scope: dict[str, Any], door_route: DoorRoute, send: Any
    ) -> bool | Rebuild:
        """Answer with the kept page if it is current for this reader: True. Else False to
        leave the request to Django, or a Rebuild when this reader's request to Django is
        to build the stale page for the readers waiting for it."""
        arrived = time.monotonic()
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
        if guest_token is not None:
            if askers.has_asked_reply(replies) is not False:
                return False  # their own questions are on their page: Django renders it
            if askers.due_for_refill(replies) and info.guest_event_id is not None:
                self._refill_askers_index(info.guest_event_id)
        kept = await self._kept_page(info.key, tokens, arrived)
        if not isinstance(kept, kept_pages.KeptPage):
            return kept
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

    def _refill_askers_index(self, event_id: int) -> None:
        """Fill the event's askers index again before it lapses (chat/askers.py), in the
        background: this reader is served meanwhile, and so is every returning reader after
        them, rather than each going to Django once it has lapsed."""
        if event_id in self.refills:
            return

        async def refill() -> None:
            try:
                await database_sync_to_async(selectors.fill_askers_index)(event_id=event_id)
            except Exception as error:
                # It lapses, and the next returning reader's request to Django fills it.
                logger.warning("askers index for event %s not filled again: %s", event_id, error)
            finally:
                self.refills.pop(event_id, None)

        self.refills[event_id] = asyncio.get_running_loop().create_task(refill())

    async def _kept_page(
        self, key: tuple[Any, ...], tokens: tuple[bytes, ...], arrived: float
    ) -> kept_pages.KeptPage | Rebuild | bool:
        """The kept page for a reader who `arrived` when the tokens were `tokens`: the
        current one, or one built since they arrived. When there is none, one reader's
        request at a time goes to Django to build it (their Rebuild is returned) while the
        others wait here, at most BUILD_WAIT_SECONDS; False if the wait ran out."""
        deadline = arrived + BUILD_WAIT_SECONDS
        while True:
            kept = kept_pages.current(key, tokens) or kept_pages.built_since(key, arrived)
            if kept is not None:
                return kept
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            rebuild = self.rebuilds.get(key)
            if rebuild is not None:
                await asyncio.wait([rebuild.done], timeout=remaining)
            elif kept_pages.in_build(key):
                # Built by a request that did not come through here (a query string).
                await kept_pages.build_finished(key, timeout=remaining)
            else:
                rebuild = self.rebuilds[key] = Rebuild(
                    key, asyncio.get_running_loop().create_future(), time.monotonic()
                )
                return rebuild

    def _rebuilt(self, rebuild: Rebuild) -> None:
        if self.rebuilds.get(rebuild.key) is rebuild:
            del self.rebuilds[rebuild.key]
        if not rebuild.done.done():
            rebuild.done.set_result(None)
        took = time.monotonic() - rebuild.started_at
        if took > BUILD_WAIT_SECONDS:
            logger.warning(
                "kept page %s took %.1f s to build again; its readers waiting longer than "
                "%.0f s went to Django",
                rebuild.key,
                took,
                BUILD_WAIT_SECONDS,
            )

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
