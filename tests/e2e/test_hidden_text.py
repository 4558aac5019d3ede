"""Text that cannot hide, in a real browser (issue 30, item 12): what arrives live is shown
isolated, in a <bdi> and without invisible controls, as the server renders it.

A moderator's announcement is stored as typed (only what the public types is cleaned before
storing), so a right-to-left override in it reaches the browsers in the frame. The live
page (static/js/feed-item.js) and the moderator's own console (static/js/console.js) both
show it with the override gone and the text isolated.
"""

from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.servers import Portal

RLO, PDF = "\u202e", "\u202c"
TYPED = f"Bidi check: call 101 {RLO}or 999 in an emergency{PDF}, any time"
SHOWN = "Bidi check: call 101 or 999 in an emergency, any time"


def test_a_live_announcement_with_an_override_is_shown_isolated_without_it(
    portal: Portal, new_context: NewContext
) -> None:
    slug = portal.data["live_slug"]
    visitor = new_context().new_page()
    visitor.goto(f"/events/{slug}/live/")
    expect(visitor.locator("#connection-status")).to_have_text("Live updates on.")
    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")

    moderator.get_by_label("Announcement (published at once)").fill(TYPED)
    moderator.get_by_role("button", name="Publish announcement").click()

    for page in (visitor, moderator):
        body = page.locator("#feed > li .app-feed__body", has_text="Bidi check")
        expect(body).to_have_count(1)
        expect(body.locator("bdi")).to_have_text(SHOWN)
        assert body.evaluate("node => node.textContent") == SHOWN
