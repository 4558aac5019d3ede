"""Django's HTTP requests in one hop to a thread, not two per middleware.

Under ASGI, Django runs its middleware in async mode, and every middleware built on
`MiddlewareMixin` (all of Django's, django-csp's, allauth's) moves each request to a thread
and back for `process_request`, and again for `process_response`: about twenty hops for a
public page, each a hand-off between the event loop and a thread. This handler loads the
same middleware in sync mode and runs the whole request (middleware, view, template) in one
hop, as Django does under WSGI; reading the body, sending the response and the request
signals stay Django's own ASGI code. A page costs about a quarter less CPU
(docs/performance.md, "The door").

Leans on Django's undocumented `BaseHandler.load_middleware(is_async=...)` and
`ASGIHandler.get_response_async`; written for and tested with the versions in `TESTED`
(pyproject.toml pins them). WEB_ONE_HOP_HTTP=false, an untested Django or a missing
method leaves Django's ASGIHandler as it is.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase

from realtime.internals.ranges import PathStatus, TestedRange, range_problem, status_once

PATH = "one_hop_http"
SWITCH = "WEB_ONE_HOP_HTTP"
TESTED = (TestedRange("django", (5, 2), (5, 3)),)


def path_status() -> PathStatus:
    if not settings.WEB_ONE_HOP_HTTP:
        return PathStatus(False, f"switched off ({SWITCH}=false): Django's ASGI handler")
    problem = range_problem(TESTED)
    if problem:
        return PathStatus(False, problem)
    for name in ("load_middleware", "get_response", "get_response_async"):
        if not callable(getattr(ASGIHandler, name, None)):
            return PathStatus(False, f"Django's ASGIHandler has no {name}")
    return PathStatus(True, "each HTTP request in one hop to a thread (middleware in sync mode)")


def one_hop_enabled() -> bool:
    return status_once(PATH, path_status).enabled


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it loads the middleware async
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # thread_sensitive, as Django's own: within the request's ThreadSensitiveContext
        # (ASGIHandler.__call__) that is a thread of this request's own.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def http_application(default: Any) -> Any:
    """The ASGI application for HTTP: the one-hop handler when its path is on, else
    `default` (Django's `get_asgi_application()`)."""
    return OneHopASGIHandler() if one_hop_enabled() else default
