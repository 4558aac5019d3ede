"""HTTP through the ASGI application in one hop to a thread
(realtime/internals/django_handler.py): the same pages, headers and refusals as Django's own
ASGI handler, which an untested Django or WEB_ONE_HOP_HTTP=false leaves in place."""

from typing import Any

import pytest
from channels.testing import HttpCommunicator
from django.core.asgi import get_asgi_application
from django.db import connection
from django.urls import reverse
from pytest_django import Settings

from realtime import internals
from realtime.internals import django_handler, ranges
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)


async def _get(app: Any, path: str, *, method: str = "GET") -> dict[str, Any]:
    communicator = HttpCommunicator(
        app, method, path, headers=[(b"host", b"testserver"), (b"accept", b"text/html")]
    )
    response = await communicator.get_response(timeout=40)
    response["header_names"] = sorted({name.lower() for name, _ in response["headers"]})
    return response


@pytest.fixture
def handlers() -> dict[str, Any]:
    # On PostgreSQL, a fresh pool for the request threads: after hundreds of tests in one
    # process, threads of earlier tests' event loops can hold the pool's connections.
    if hasattr(connection, "close_pool"):
        connection.close_pool()
    internals.reset()
    return {"one hop": django_handler.OneHopASGIHandler(), "Django's": get_asgi_application()}


async def test_both_handlers_serve_the_same_pages_with_the_same_headers(
    live: LiveEvent, handlers: dict[str, Any]
) -> None:
    pages = {
        name: {
            path: await _get(app, path)
            for path in ("/", reverse("chat:live", args=[live.event.slug]), "/no-such-page/")
        }
        for name, app in handlers.items()
    }

    one_hop, django = pages["one hop"], pages["Django's"]
    for path, response in one_hop.items():
        assert response["status"] == django[path]["status"]
        assert response["header_names"] == django[path]["header_names"]
        assert b"govuk-exit-this-page__button" in response["body"]
    live_page = one_hop[reverse("chat:live", args=[live.event.slug])]
    assert live_page["status"] == 200 and live.event.title.encode() in live_page["body"]
    assert b"content-security-policy" in live_page["header_names"]
    assert one_hop["/no-such-page/"]["status"] == 404


async def test_a_post_without_its_csrf_token_is_refused_by_both(
    live: LiveEvent, handlers: dict[str, Any]
) -> None:
    ask = reverse("chat:ask", args=[live.event.slug])

    statuses = {
        name: (await _get(app, ask, method="POST"))["status"] for name, app in handlers.items()
    }

    assert statuses == {"one hop": 403, "Django's": 403}


def test_the_one_hop_path_is_off_when_switched_off_or_untested(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    django_app = object()
    internals.reset()
    assert isinstance(django_handler.http_application(django_app), django_handler.OneHopASGIHandler)

    settings.WEB_ONE_HOP_HTTP = False
    internals.reset()
    assert django_handler.http_application(django_app) is django_app

    settings.WEB_ONE_HOP_HTTP = True
    monkeypatch.setattr(ranges, "installed_version", lambda package: "5.3.0")
    internals.reset()
    assert django_handler.http_application(django_app) is django_app
    internals.reset()
