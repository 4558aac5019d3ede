"""Browser tests: Playwright for Python driving Debian's Chromium against the real portal.

The portal (uvicorn, a Celery worker and beat, on loopback; see servers.py) and the browser
start once per test session. Each test opens its own browser contexts (separate cookies, as
separate people), closed afterwards. These tests skip only when no Chromium is installed;
`.ci/run` installs it, so CI always runs them.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.servers import Portal, start_portal
from tests.harness import postgres_scratch

E2E_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
# Playwright's default waits (milliseconds): long enough for a loaded 2-core machine.
TIMEOUT_MS = 15_000

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


def chromium_executable() -> str | None:
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_executable()
    if path is None:
        pytest.skip(
            "Chromium is not installed: apt-get install chromium "
            "(or set CHROMIUM to its path). .ci/run installs it."
        )
    return path


@pytest.fixture(scope="session")
def portal(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    from django.conf import settings

    directory = tmp_path_factory.mktemp("portal")
    suite = settings.DATABASES["default"]
    if "sqlite" in suite["ENGINE"]:
        portal = start_portal(f"sqlite:///{directory / 'portal.sqlite3'}", directory)
        try:
            yield portal
        finally:
            portal.stop()
        return
    for database_url in postgres_scratch(suite, prefix="outreach_e2e_"):
        portal = start_portal(database_url, directory)
        try:
            yield portal
        finally:
            portal.stop()


# Per module, not per session: Playwright's sync API keeps an event loop running in this
# thread while it is open, and the asyncio tests collected after tests/e2e/ need their own.
@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


NewContext = Callable[..., Any]
OPEN_CONTEXTS = pytest.StashKey[list[Any]]()


@pytest.fixture
def new_context(
    browser: Any, portal: Portal, request: pytest.FixtureRequest
) -> Iterator[NewContext]:
    """Opens a browser context (one person's browser) on the portal; `session` signs it in
    with a session key made by the setup. All are closed after the test."""
    contexts: list[Any] = []
    request.node.stash[OPEN_CONTEXTS] = contexts

    def open_context(*, session: str | None = None, **options: Any) -> Any:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/London")
        context = browser.new_context(base_url=portal.base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        if session:
            context.add_cookies([{"name": "sessionid", "value": session, "url": portal.base_url}])
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from tests/e2e/node_modules: a missing copy is a failure, not a skip."""
    if not AXE_SCRIPT.exists():
        pytest.fail(
            "axe-core is not installed for the accessibility tests: run "
            "`npm ci --prefix tests/e2e` (make test does this when npm is available)."
        )
    return AXE_SCRIPT


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    portal = getattr(item, "funcargs", {}).get("portal")
    if report.failed and isinstance(portal, Portal):
        report.sections.append(("portal logs", portal.logs()))
    if report.failed and call.when == "call":
        # What each open page showed when the test failed.
        for number, context in enumerate(item.stash.get(OPEN_CONTEXTS, []), 1):
            for page in context.pages:
                try:
                    text = page.locator("body").inner_text(timeout=1000)
                except Exception as error:  # a report: never fail it
                    text = f"(unreadable: {error})"
                report.sections.append((f"browser {number}: {page.url}", text[:3000]))
    return report
