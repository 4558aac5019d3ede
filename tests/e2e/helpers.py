"""What the browser tests do again and again: sign in, run axe, read the live feed."""

import time
from pathlib import Path
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.e2e.servers import PASSWORD

# axe-core is served to the page from the portal's own origin at this test-only path
# (page.route answers it; the portal never sees it), so the Content Security Policy
# (script-src 'self', no inline script) stays on while axe runs.
AXE_PATH = "/__e2e__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TOTP_PERIOD = 30


def totp_code(secret: str) -> str:
    """The authenticator app's current code, computed as allauth checks it. A code is
    accepted once per user, so each test signs a user in at most once."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


def sign_in(page: Any, account: dict[str, str], next_path: str) -> None:
    """Sign in the way role holders do: email and password, then the authenticator code."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.locator("input[name=login]").fill(account["email"])
    page.locator("input[name=password]").fill(PASSWORD)
    # Enter submits with the form's own default button, as it does for a keyboard user.
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    # A code about to expire may be stale by the time the server checks it.
    if TOTP_PERIOD - time.time() % TOTP_PERIOD < 2:
        time.sleep(2)
    page.locator("input[name=code]").fill(totp_code(account["secret"]))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"**{next_path}")


def axe_violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now, with the WCAG 2.0/2.1/2.2 A and AA rules."""
    page.context.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(path=str(axe_script), content_type="text/javascript"),
    )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_PATH)
    return page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))
            }))
        }""",
        WCAG_TAGS,
    )


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " "))
    return "\n".join(lines)


def assert_no_axe_violations(page: Any, axe_script: Path, where: str = "") -> None:
    violations = axe_violations(page, axe_script)
    assert violations == [], describe_violations(where or page.url, violations)


def feed(page: Any) -> list[tuple[int, str]]:
    """The live feed as the page shows it: (seq, the item's text) in page order."""
    items = page.evaluate(
        """() => [...document.querySelectorAll('#feed > li')].map((li) =>
            [Number(li.dataset.seq), li.querySelector('.app-feed__body').textContent])"""
    )
    return [(seq, text) for seq, text in items]


def feed_seqs(page: Any) -> list[int]:
    return [seq for seq, _ in feed(page)]
