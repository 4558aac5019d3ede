"""The waiting page: what a visitor gets when this web process is already serving all the
public pages it can (docs/deployment.md, "Capacity").

At 18:00 thousands may arrive at once. Past WEB_BUSY_AT public page requests in flight in
one process, a new visitor's page would wait longer than anyone waits for a page; rather
than let it time out, they are told at once, in plain words, that the webchat is very busy
and when the page will try again, and it does so by itself (a meta refresh: no JavaScript
needed). The quick exit and the help lines are on it, as on every page.

Only a plain GET or HEAD of a public page waits: staff pages (the consoles, the admin,
sign-in), `/healthz`, static files and every form post (a question's text must never be
lost to a busy page) always go through. The live chat's socket is not HTTP and is not
affected. The page is rendered once, without the database.
"""

import asyncio
import logging
import random
import re
import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.http.cookie import parse_cookie
from django.template.loader import render_to_string
from django.utils import translation

from core import languages

logger = logging.getLogger(__name__)

ALWAYS_THROUGH = re.compile(
    r"^/(?:admin|accounts|reports|static|healthz)(?:/|$)|^/events/[^/]+/(?:moderate|panel)/"
)
# The page tries again after the time this process needs to serve those already waiting,
# within these bounds, spread a little so the retries do not arrive together.
RETRY_SECONDS = (3, 30)
LOG_EVERY_SECONDS = 60.0


class BusyDoor:
    """ASGI middleware for HTTP (outreach/asgi.py)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.in_flight = 0
        # When recent public pages finished: how fast this process is serving them now.
        self.finished: deque[float] = deque(maxlen=2000)
        self.turned_away = 0
        self.logged_at = 0.0
        # Rendered once per language (core.languages decides it, as for the page itself).
        self._pages: dict[str, bytes] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if not self._may_wait(scope):
            await self.app(scope, receive, send)
            return
        if settings.WEB_BUSY_AT and self.in_flight >= settings.WEB_BUSY_AT:
            await self._waiting_page(scope, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            self.finished.append(time.monotonic())

    @staticmethod
    def _may_wait(scope: dict[str, Any]) -> bool:
        return (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and not ALWAYS_THROUGH.match(scope.get("path", ""))
        )

    def retry_seconds(self) -> int:
        """How long those already in flight will take at the rate pages finished in the
        last few seconds, within RETRY_SECONDS, with a little spread."""
        now = time.monotonic()
        recent = sum(1 for finished in self.finished if now - finished <= 5.0)
        rate = recent / 5.0
        wait = self.in_flight / rate if rate else RETRY_SECONDS[1]
        low, high = RETRY_SECONDS
        return round(min(high, max(low, wait)) * random.uniform(1.0, 1.3))  # noqa: S311

    async def _waiting_page(self, scope: dict[str, Any], send: Any) -> None:
        self.turned_away += 1
        now = time.monotonic()
        if now - self.logged_at >= LOG_EVERY_SECONDS:
            # One line a minute, however many are turned away.
            self.logged_at = now
            logger.warning(
                "busy: %s public pages in flight (WEB_BUSY_AT=%s); %s visitors shown the "
                "waiting page so far",
                self.in_flight,
                settings.WEB_BUSY_AT,
                self.turned_away,
            )
        seconds = self.retry_seconds()
        body = self.page(reader_language(scope)).replace(b"RETRY_SECONDS", str(seconds).encode())
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(seconds).encode()),
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    # The embed's waiting page shows in the agency's frame.
                    *([] if scope["path"].endswith("/embed/") else [(b"x-frame-options", b"DENY")]),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        await asyncio.sleep(0)

    def page(self, language: str | None = None) -> bytes:
        language = language or languages.reader_language(cookies={}, accept_language="")
        if language not in self._pages:
            context = {"site_name": settings.SITE_NAME, "quick_exit_url": settings.QUICK_EXIT_URL}
            with translation.override(language):
                self._pages[language] = render_to_string("busy.html", context).encode()
        return self._pages[language]


def reader_language(scope: dict[str, Any]) -> str:
    """The waiting page's language: the reader's, by the rule every page uses."""
    headers = dict(scope.get("headers") or ())
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return languages.reader_language(
        cookies=parse_cookie(headers.get(b"cookie", b"").decode("latin-1")),
        accept_language=headers.get(b"accept-language", b"").decode("latin-1"),
        chosen=(query.get(languages.LANGUAGE_PARAMETER) or [None])[0],
    )
