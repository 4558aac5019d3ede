"""The public journey in Welsh, in a browser: home, the event, the live page, asking, and
the quick exit, on a phone and a desktop, with axe at zero violations on every page; the
sign-in page in Welsh; and the language chooser keeps the person on the page they were
reading."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

QUICK_EXIT = "https://www.bbc.co.uk/weather"


def in_welsh(page: Any) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("button", name="Argyfwng Gadael y dudalen hon")).to_be_visible()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_public_journey_in_welsh(
    portal: Portal, new_context: NewContext, axe_script: Any, width: dict[str, int]
) -> None:
    # An English browser: the person chooses Welsh with the chooser.
    context = new_context(viewport=width)
    context.route(
        f"{QUICK_EXIT}**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title>"),
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Cymraeg").click()
    assert page.url == portal.url("/?lang=cy")
    in_welsh(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Gofynnwch i'r heddlu, erlynwyr ac elusennau"
    )
    assert_no_axe_violations(page, axe_script, "home in Welsh")

    # The choice is remembered for the rest of the visit: no ?lang= from here on.
    live_slug = portal.data["live_slug"]
    page.goto(f"/events/{live_slug}/")
    in_welsh(page)
    assert_no_axe_violations(page, axe_script, "event in Welsh")

    page.get_by_role("link", name="Ymuno â'r sgwrs fyw nawr").click()
    page.wait_for_url(f"**/events/{live_slug}/live/")
    in_welsh(page)
    # The scripts' words come from the Welsh JavaScript catalogue.
    expect(page.locator("#connection-status")).to_have_text("Diweddariadau byw ymlaen.")
    assert_no_axe_violations(page, axe_script, "live page in Welsh")

    page.get_by_label("Eich cwestiwn", exact=True).fill(
        "Sut ydw i'n rhoi gwybod am drosedd casineb ar-lein?"
    )
    page.get_by_role("button", name="Anfon y cwestiwn").click()
    expect(page.locator("#own-questions")).to_contain_text("Yn aros am gymedrolwr")
    assert_no_axe_violations(page, axe_script, "live page in Welsh after asking")

    page.get_by_role("button", name="Argyfwng Gadael y dudalen hon").click()
    page.wait_for_url(f"{QUICK_EXIT}**")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_switching_language_keeps_the_person_on_the_same_page(
    portal: Portal, new_context: NewContext, axe_script: Any, width: dict[str, int]
) -> None:
    # A browser set to Welsh gets Welsh without choosing.
    page = new_context(viewport=width, locale="cy-GB").new_page()
    live = f"/events/{portal.data['live_slug']}/live/"
    page.goto(live)
    in_welsh(page)
    expect(page.locator("#connection-status")).to_have_text("Diweddariadau byw ymlaen.")

    page.get_by_role("link", name="English").click()

    assert page.url == portal.url(f"{live}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Ask a question")).to_be_visible()
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    page.get_by_role("link", name="Cymraeg").click()
    assert page.url == portal.url(f"{live}?lang=cy")
    in_welsh(page)
    assert_no_axe_violations(page, axe_script, "live page after switching back")


def test_the_sign_in_page_in_welsh_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Any
) -> None:
    # A browser set to Welsh, as a Welsh reader's is.
    page = new_context(viewport=PHONE, locale="cy-GB").new_page()
    page.goto("/accounts/login/")
    in_welsh(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    expect(page.get_by_label("Cyfeiriad e-bost")).to_be_visible()
    # GOV.UK's password input: its Show button is written by the script, in Welsh too.
    expect(page.get_by_role("button", name="Dangos y cyfrinair")).to_have_text("Dangos")
    assert_no_axe_violations(page, axe_script, "sign in in Welsh")

    page.get_by_label("Cyfeiriad e-bost").fill("neb@example.org")
    page.get_by_label("Cyfrinair", exact=True).fill("anghywir")
    page.get_by_role("button", name="Mewngofnodi", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Mae'r cyfeiriad e-bost neu'r cyfrinair yn anghywir."
    )
    assert_no_axe_violations(page, axe_script, "sign in in Welsh with an error")


def test_the_embed_in_welsh_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Any
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/events/{portal.data['live_slug']}/embed/?lang=cy")
    in_welsh(page)
    expect(page.locator("#connection-status")).to_have_text("Diweddariadau byw ymlaen.")
    assert_no_axe_violations(page, axe_script, "embed in Welsh")
