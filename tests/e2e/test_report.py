"""A finished webchat's report in a real browser: axe-clean at desktop and phone widths,
charts drawn without any script, the print layout, the view across webchats, and the
screenshot the README shows (UPDATE_SCREENSHOTS=1 writes it to docs/screenshots/)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

SCRIPT = Path(__file__).with_name("report_webchat.py")
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def report_slug(portal: Portal) -> str:
    return portal.run(SCRIPT.read_text())["slug"]


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_report_page_has_no_axe_violations(
    portal: Portal,
    new_context: NewContext,
    axe_script: Path,
    report_slug: str,
    width: dict[str, int],
    tmp_path: Path,
) -> None:
    page = new_context(session=portal.data["manager"]["session"], viewport=width).new_page()
    page.goto(f"/events/{report_slug}/report/")

    charts = page.locator("svg.app-chart")
    assert charts.count() == 5
    assert page.get_by_role("img", name="People watching over time").is_visible()
    # The viewer chart and its table: the hour's peak of 80, drawn, not scripted.
    assert "80, in the minute from" in page.locator("#headline").inner_text()
    assert_no_axe_violations(page, axe_script, f"report ({width['width']}px)")
    # Reflow: no sideways scrolling at phone width.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    label = "desktop" if width == DESKTOP else "phone"
    target_dir = DOCS_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    target = target_dir / f"report-{label}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 10_000


def test_report_prints_without_navigation_or_links_to_elsewhere(
    portal: Portal, new_context: NewContext, report_slug: str
) -> None:
    page = new_context(session=portal.data["manager"]["session"]).new_page()
    page.goto(f"/events/{report_slug}/report/")
    page.emulate_media(media="print")

    assert not page.locator(".govuk-exit-this-page").is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
    downloads = page.get_by_text("Download the tables as CSV")
    assert downloads.count() == 2  # for sharing, and with exact figures
    for download in downloads.all():
        assert not download.is_visible()
    assert page.get_by_role("img", name="Questions, by what happened to them").is_visible()


def test_sharing_version_and_view_across_webchats_have_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, report_slug: str
) -> None:
    page = new_context(session=portal.data["manager"]["session"]).new_page()
    page.goto(f"/events/{report_slug}/report/?share=1")
    assert "fewer than 5" in page.locator("#table-questions").inner_text()
    assert_no_axe_violations(page, axe_script, "report, version for sharing")

    page.goto("/reports/")
    page.get_by_label("Agency").select_option(label="Metropolitan Police Service")
    page.get_by_role("button", name="Show webchats").click()
    page.wait_for_url("**/reports/?*agency=metropolitan-police*")
    # Waits for the filtered page (each report test made a webchat of this title: .first).
    expect(
        page.get_by_role("link", name="Report: Reporting hate crime: after the webchat").first
    ).to_be_visible()
    assert_no_axe_violations(page, axe_script, "reports across webchats")


def test_report_is_refused_to_the_public(
    portal: Portal, new_context: NewContext, report_slug: str
) -> None:
    page = new_context().new_page()
    page.goto(f"/events/{report_slug}/report/")
    assert "/accounts/login/" in page.url
    member = new_context(session=portal.data["member"]["session"]).new_page()
    response = member.goto(f"/events/{report_slug}/report/")
    assert response is not None and response.status == 403
