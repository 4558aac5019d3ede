"""Error pages keep people safe: every one carries the quick exit and the help lines, and
renders with the database unreachable (a 500 is often *because* the database is down)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils.module_loading import import_string

from events.enums import EventStatus
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

HELP_LINE = "<strong>In an emergency, call 999.</strong>"


def quick_exit_markup() -> str:
    """The quick exit exactly as every page of the site shows it (base.html's include)."""
    return render_to_string(
        "includes/quick_exit.html", {"quick_exit_url": settings.QUICK_EXIT_URL}
    ).strip()


def assert_safe_page(html: str) -> None:
    assert quick_exit_markup() in html
    # Shift pressed three times: the same module script as every other page.
    assert '<script type="module" src="/static/js/site.js"></script>' in html
    assert HELP_LINE in html
    assert "call 101 to contact the police" in html


@pytest.fixture
def database_down() -> Iterator[list[str]]:
    """Every query on this thread's connection fails as it would with PostgreSQL stopped;
    yields the queries that were attempted."""
    attempted: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        attempted.append(sql)
        raise OperationalError("connection to server failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield attempted


def test_server_error_page_has_quick_exit_and_help_with_the_database_down(
    database_down: list[str],
) -> None:
    client = Client(raise_request_exception=False)
    # A signed-in person's session lives in the database: loading it fails too.
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32

    response = client.get("/")

    assert response.status_code == 500
    assert database_down, "the page did not try the database, so this proves nothing"
    html = response.content.decode()
    assert "Sorry, there is a problem with this website" in html
    assert_safe_page(html)


def test_not_found_page_has_quick_exit_and_help_with_the_database_down(
    database_down: list[str],
) -> None:
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert_safe_page(html)
    assert database_down == []


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        ("outreach.errors.bad_request", 400, "Sorry, something went wrong with that request"),
        ("outreach.errors.permission_denied", 403, "You cannot see this page"),
        ("outreach.errors.page_not_found", 404, "Page not found"),
    ],
)
def test_client_error_pages_render_without_the_database(
    database_down: list[str], handler: str, status: int, heading: str
) -> None:
    request = RequestFactory().get("/somewhere/")
    # A signed-in visitor's session: the page must not look at it (it is in the database).
    request.session = None  # type: ignore[attr-defined]
    request.user = None  # type: ignore[attr-defined]

    response = import_string(handler)(request, Exception("why"))

    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert_safe_page(html)
    assert database_down == []


def test_server_error_handler_renders_without_the_database(database_down: list[str]) -> None:
    request = RequestFactory().get("/")
    request.session = None  # type: ignore[attr-defined]
    request.user = None  # type: ignore[attr-defined]

    response = import_string("outreach.errors.server_error")(request)

    assert response.status_code == 500
    assert_safe_page(response.content.decode())
    assert database_down == []


def test_the_site_uses_these_handlers() -> None:
    from outreach import urls

    assert (urls.handler400, urls.handler403, urls.handler404, urls.handler500) == (
        "outreach.errors.bad_request",
        "outreach.errors.permission_denied",
        "outreach.errors.page_not_found",
        "outreach.errors.server_error",
    )


def test_a_console_refused_to_a_member_of_the_public_shows_the_safe_page(
    client: Client,
) -> None:
    event = EventFactory(status=EventStatus.SCHEDULED)
    client.force_login(UserFactory(email="member@example.org"))

    response = client.get(f"/events/{event.slug}/moderate/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot see this page" in html
    assert_safe_page(html)
