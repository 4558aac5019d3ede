"""Screenshots of the main pages at desktop and phone widths.

Run in the normal suite (so a page that cannot be shown fails it), they are written to
tmp_path; with UPDATE_SCREENSHOTS=1 they are written to docs/screenshots/ instead, the
copies the README shows:

    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.servers import Portal

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": ("/", None),
    "event": ("/events/{upcoming_slug}/", None),
    "live": ("/events/{live_slug}/live/", None),
    "moderator-console": ("/events/{live_slug}/moderate/", "moderator"),
    "transcript": ("/transcripts/{archived_slug}/", None),
    # The same pages in Welsh, chosen with the language chooser's link.
    "home-welsh": ("/?lang=cy", None),
    "live-welsh": ("/events/{live_slug}/live/?lang=cy", None),
}
CONNECTED = re.compile(r"^(Live updates on\.|Diweddariadau byw ymlaen\.)$")


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots(
    portal: Portal, new_context: NewContext, screenshot_dir: Path, width: dict[str, int]
) -> None:
    label = "desktop" if width == DESKTOP else "phone"
    for name, (path, signed_in) in PAGES.items():
        session = portal.data[signed_in]["session"] if signed_in else None
        page = new_context(session=session, viewport=width).new_page()
        page.goto(path.format(**portal.data))
        if page.locator("#connection-status").count():
            expect(page.locator("#connection-status")).to_have_text(CONNECTED)
        target = screenshot_dir / f"{name}-{label}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 10_000, f"{target} looks empty"
        page.context.close()
