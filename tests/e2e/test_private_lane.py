"""The private lane in a real browser (issue 28): a person reaches a person.

The seed's scenario: the event's crisis worker signs in and goes on duty; a person on a
phone writes that he is outside the door now, is offered a private talk with the crisis
worker by name, and takes it; the worker's console announces them without a reload; the
worker takes them and they exchange messages; the public webchat closes and the
conversation goes on; the worker records an outcome and ends it. Then the quick exit (button
and Shift three times) and "Forget my questions on this device" ending a conversation on the
device, a moderator passing a question, nobody on duty, the plain page without JavaScript,
and the console by keyboard alone.

Each test makes its own live webchat with the crisis worker assigned (the setup's shared one
keeps nobody on duty, and the first test closes its own). axe runs on every page of the lane.
"""

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations, sign_in
from tests.e2e.servers import Portal

# Where the quick exit goes (QUICK_EXIT_URL's default); there is no internet here.
QUICK_EXIT = "https://www.bbc.co.uk/weather"
# The crisis worker as the person is told of them: the seed panel's name and role title.
WORKER_LABEL = "Jo Keogh, Crisis Intervention Worker, Metropolitan Police Service"
# Within a second is the goal (docs/safeguarding.md); a loaded 2-core machine gets five.
ARRIVAL_TIMEOUT_MS = 5_000

DANGER = "hes outside the door now and says hes going to kill me"
SILENT_999 = (
    "If you cannot speak, call 999, listen to the questions, and press 55 when asked: "
    "the police will know it is an emergency."
)
WORKER_REPLY = f"I am Jo, I am here with you. {SILENT_999}"
PERSON_REPLY = "I locked the door. I cant call, he will hear me"
AFTER_CLOSE_WORKER = "I am still here after the webchat. Stay on this page with me."
AFTER_CLOSE_PERSON = "ok he has gone now. thank you"
PASSED_QUESTION = "My dad hits my mum when he drinks. What should I do?"
NO_WORKER_MESSAGE = (
    "No crisis worker is on duty at this webchat right now, so nobody can reply to you here. "
    "If you are in danger now, call 999. If you cannot speak, call 999 and press 55 when asked. "
    "You can call Samaritans free on 116 123, any time, or the National Domestic Abuse "
    "Helpline free on 0808 2000 247, any time."
)

_numbers = itertools.count(1)

LANE_WEBCHAT_SCRIPT = """
import json, os
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from accounts.models import User
from events import services
from events.models import Agency, Event, Panellist, PanelSeat

now = timezone.now().replace(microsecond=0)
starts = now - timedelta(minutes=5)
event = Event.objects.create(
    title=os.environ["E2E_TITLE"],
    slug=os.environ["E2E_SLUG"],
    summary="Ask the Met about domestic abuse; a crisis worker is here to talk privately.",
    starts_at=starts,
    ends_at=starts + timedelta(hours=1),
    questions_open_at=starts,
    lead_agency=Agency.objects.get(slug="metropolitan-police"),
)
for position, name in enumerate(["DCI Sam Faulkner", "Jo Keogh"]):
    PanelSeat.objects.create(
        event=event, panellist=Panellist.objects.get(name=name), position=position
    )
event.crisis_workers.add(User.objects.get(pk=int(os.environ["E2E_WORKER_ID"])))
event.moderators.add(User.objects.get(pk=int(os.environ["E2E_MODERATOR_ID"])))
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)
print(json.dumps({"slug": event.slug}))
"""

CLOSE_SCRIPT = """
import json, os
import django
django.setup()
from events import services
from events.models import Event
event = Event.objects.get(slug=os.environ["E2E_SLUG"])
services.event_close(event_id=event.pk, reason="the panel has finished")
print(json.dumps({"status": Event.objects.get(pk=event.pk).status}))
"""


def lane_webchat(portal: Portal, title: str) -> str:
    """A webchat live now with the setup's crisis worker and moderator assigned (nobody on
    duty yet)."""
    slug = f"talk-privately-{next(_numbers)}"
    return portal.run(
        LANE_WEBCHAT_SCRIPT,
        E2E_TITLE=title,
        E2E_SLUG=slug,
        E2E_WORKER_ID=str(portal.data["crisis_worker"]["id"]),
        E2E_MODERATOR_ID=str(portal.data["moderator_id"]),
    )["slug"]


def console_on_duty(page: Any, slug: str) -> None:
    """The crisis worker's console, signed in, put on duty with its own button."""
    page.goto(f"/events/{slug}/support/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    page.get_by_role("button", name="Go on duty").click()
    expect(page.locator("main")).to_contain_text("You are on duty")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")


def person_on_phone(new_context: NewContext, slug: str) -> Any:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"/events/{slug}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    return page


# Is the element drawn on top at its centre (not under the sticky exit button), and in view?
UNCOVERED = """(el) => {
    const r = el.getBoundingClientRect()
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return r.top >= 0 && r.bottom <= window.innerHeight && (top === el || el.contains(top))
}"""


def axe_clean(page: Any, axe_script: Path, where: str) -> None:
    """axe on the page as it is, seen from the top: GOV.UK's sticky "Exit this page" covers
    whatever scrolls beneath it, and axe counts a button half under it as too small."""
    page.evaluate("() => window.scrollTo(0, 0)")
    assert_no_axe_violations(page, axe_script, where)


def exit_button(page: Any) -> Any:
    return page.get_by_role("button", name="Emergency Exit this page")


def mark_not_reloaded(page: Any) -> None:
    """A flag that a reload would clear: what changes after it changed in place."""
    page.evaluate("() => { window.e2eNotReloaded = true }")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("() => window.e2eNotReloaded === true"), "the page was reloaded"


def test_a_person_in_danger_talks_privately_with_the_crisis_worker(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = lane_webchat(portal, "Domestic abuse: ask the Met tonight")

    # 1. The crisis worker signs in with their authenticator app and goes on duty.
    worker = new_context().new_page()
    sign_in(worker, portal.data["crisis_worker"], f"/events/{slug}/support/")
    expect(worker.locator("main")).to_contain_text("You are off duty")
    axe_clean(worker, axe_script, "console, off duty")
    console_on_duty(worker, slug)
    expect(worker.locator("#waiting-empty")).to_have_text("Nobody is waiting.")
    axe_clean(worker, axe_script, "console, on duty, nobody waiting")
    mark_not_reloaded(worker)

    # 2. A person on a phone writes that he is outside the door now; the help box offers
    # the crisis worker by name and role, and they take it.
    person = person_on_phone(new_context, slug)
    neutral_exit = exit_button(person).get_attribute("href")
    assert neutral_exit == QUICK_EXIT
    person.get_by_label("Your question", exact=True).fill(DANGER)
    person.get_by_role("button", name="Send question").click()
    help_now = person.locator("#help-now")
    expect(help_now).to_be_visible()
    expect(help_now).to_contain_text("999")
    offer = help_now.get_by_role("button", name=f"Talk privately now to {WORKER_LABEL}")
    expect(offer).to_be_visible()
    # The help reaches this tab twice (directly, and through the person's group): one offer.
    expect(help_now.locator(".app-talk-offer")).to_have_count(1)
    # On a phone the help comes into view, with the offer one tap away, nothing over it.
    # (Waited for: the page may still be scrolling.)
    person.wait_for_function(UNCOVERED, arg=offer.element_handle(), timeout=5_000)
    axe_clean(person, axe_script, "live page, help and the offer shown")
    offer.click()
    expect(person.locator("#private-with")).to_have_text(
        "A crisis worker will reply to you here, privately."
    )
    expect(person.locator("#private-waiting")).to_contain_text(
        "If you are in danger now, call 999."
    )
    # Their question is the conversation's first message, shown as their own.
    messages = person.locator("#private-messages > li")
    expect(messages).to_have_count(1)
    expect(messages.nth(0)).to_contain_text("You")
    expect(messages.nth(0)).to_contain_text(DANGER)
    # The quick exit now ends the conversation on this device before leaving.
    expect(exit_button(person)).to_have_attribute(
        "href", re.compile(rf"^/events/{slug}/talk/exit/\?t=")
    )
    expect(person.locator("#private-ends")).to_contain_text("even after the webchat ends")
    axe_clean(person, axe_script, "live page, waiting for a crisis worker")

    # 3. The console announces the new arrival without a reload; the worker takes it.
    expect(worker.locator("#support-announcer")).to_have_text(
        "Someone new is waiting to talk.", timeout=ARRIVAL_TIMEOUT_MS
    )
    expect(worker.locator("#support-new")).to_be_visible()
    waiting = worker.locator("#waiting tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Offered after crisis triage")
    assert_not_reloaded(worker)
    # Crisis workers are never told who the person is.
    expect(worker.locator("main")).not_to_contain_text("Anonymous")
    axe_clean(worker, axe_script, "console, someone new waiting")
    worker.get_by_role("button", name="Take the next most urgent").click()
    worker.wait_for_url(re.compile(rf"/events/{slug}/support/\d+/$"))
    expect(worker.get_by_role("region", name="Success")).to_contain_text(
        "You have taken this conversation."
    )
    worker_messages = worker.locator("#support-messages")
    expect(worker_messages.locator("> li").nth(0)).to_contain_text("The person")
    expect(worker_messages.locator("> li").nth(0)).to_contain_text(DANGER)
    expect(worker.locator("#connection-status")).to_have_text("Live updates on.")
    axe_clean(worker, axe_script, "conversation page, taken")

    # The person is told who is with them.
    expect(person.locator("#private-with")).to_have_text(
        f"You are talking privately with {WORKER_LABEL}."
    )
    expect(person.locator("#private-waiting")).to_be_hidden()
    # Both sides see the same latest end: an hour after the webchat's end, London time.
    person_ends = re.search(r"until (\d\d:\d\d)", person.locator("#private-ends").inner_text())
    worker_ends = re.search(r"Ends at (\d\d:\d\d)", worker.locator("main").inner_text())
    assert person_ends and worker_ends
    assert person_ends.group(1) == worker_ends.group(1)

    # The worker replies with a quick reply, edited before sending.
    worker.locator("#quick-replies").get_by_role("button", name=SILENT_999).click()
    reply_box = worker.get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    expect(reply_box).to_have_value(SILENT_999)
    reply_box.press("Control+Home")
    reply_box.press_sequentially("I am Jo, I am here with you. ")
    expect(reply_box).to_have_value(WORKER_REPLY)
    worker.get_by_role("button", name="Send", exact=True).click()
    expect(worker_messages).to_contain_text(WORKER_REPLY)
    expect(worker.get_by_label("Reply", exact=True)).to_have_value("")

    pane_messages = person.locator("#private-messages")
    expect(pane_messages.locator("> li", has_text=WORKER_REPLY)).to_contain_text(WORKER_LABEL)
    person.get_by_label("Your private message").fill(PERSON_REPLY)
    person.get_by_role("button", name="Send privately").click()
    expect(person.get_by_label("Your private message")).to_have_value("")
    expect(pane_messages.locator("> li", has_text=PERSON_REPLY)).to_contain_text("You")
    expect(worker_messages.locator("> li", has_text=PERSON_REPLY)).to_contain_text("The person")
    expect(worker.locator("#support-announcer")).to_have_text("New message from the person.")
    axe_clean(person, axe_script, "live page, talking with the crisis worker")
    axe_clean(worker, axe_script, "conversation page, messages exchanged")

    # A reload brings it back from the server (the browser keeps nothing of it), each
    # message once: their question, who joined, the reply, their answer.
    assert person.evaluate("() => localStorage.length + sessionStorage.length") == 0
    person.reload()
    expect(person.locator("#connection-status")).to_have_text("Live updates on.")
    expect(person.locator("#private-with")).to_have_text(
        f"You are talking privately with {WORKER_LABEL}."
    )
    expect(pane_messages.locator("> li")).to_have_count(4)
    expect(pane_messages.locator("> li").nth(1)).to_contain_text(
        f"{WORKER_LABEL} is now talking with you."
    )
    expect(exit_button(person)).to_have_attribute(
        "href", re.compile(rf"^/events/{slug}/talk/exit/\?t=")
    )

    # 4. The public webchat closes; the private conversation goes on.
    # (Its transcript may be made, and the webchat archived, before the script returns.)
    assert portal.run(CLOSE_SCRIPT, E2E_SLUG=slug)["status"] in {"closed", "archived"}
    expect(person.locator("#live-status")).to_have_text("Finished")
    expect(person.get_by_role("button", name="Send question")).to_be_disabled()
    worker.get_by_label("Reply", exact=True).fill(AFTER_CLOSE_WORKER)
    worker.get_by_role("button", name="Send", exact=True).click()
    expect(worker_messages).to_contain_text(AFTER_CLOSE_WORKER)
    expect(pane_messages).to_contain_text(AFTER_CLOSE_WORKER)
    person.get_by_label("Your private message").fill(AFTER_CLOSE_PERSON)
    person.get_by_role("button", name="Send privately").click()
    expect(pane_messages).to_contain_text(AFTER_CLOSE_PERSON)
    expect(worker_messages).to_contain_text(AFTER_CLOSE_PERSON)
    # Each of the person's and the worker's messages is shown once, in order.
    expect(pane_messages.locator("> li.app-talk__message--you")).to_have_count(3)
    expect(pane_messages.locator("> li.app-talk__message--worker")).to_have_count(2)
    # After the webchat, a reload still brings the conversation back, with the box to reply.
    person.reload()
    expect(person.locator("#private-with")).to_have_text(
        f"You are talking privately with {WORKER_LABEL}."
    )
    expect(pane_messages.locator("> li")).to_have_count(6)
    expect(person.get_by_label("Your private message")).to_be_visible()

    # 5. The worker records an outcome and ends it; the person's pane says so.
    worker.get_by_label("Advice given").check()
    worker.get_by_role("button", name="End conversation").click()
    worker.wait_for_url(re.compile(rf"/events/{slug}/support/$"))
    expect(worker.get_by_role("region", name="Success")).to_contain_text("Outcome recorded.")
    expect(worker.locator("#support-live")).to_contain_text("Advice given")
    axe_clean(worker, axe_script, "console, conversation ended")
    expect(person.locator("#private-with")).to_have_text(
        "This private conversation has ended. If you are in danger now, call 999."
    )
    expect(pane_messages).to_contain_text("The crisis worker has ended the conversation.")
    expect(person.locator("#private-form")).to_be_hidden()
    expect(exit_button(person)).to_have_attribute("href", neutral_exit)
    axe_clean(person, axe_script, "live page, conversation ended")


@pytest.mark.parametrize("how", ["button", "shift three times"])
def test_exit_this_page_ends_the_conversation_on_the_device(
    portal: Portal, new_context: NewContext, axe_script: Path, how: str
) -> None:
    slug = lane_webchat(portal, f"Staying safe at home: ask the Met ({how})")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    console_on_duty(worker, slug)
    mark_not_reloaded(worker)

    # 6. Someone asks from the quiet link, without a public question first.
    person = person_on_phone(new_context, slug)
    link = person.get_by_role("link", name="Talk privately to a crisis worker")
    link.click()
    expect(person.locator("#private-with")).to_have_text(
        "A crisis worker will reply to you here, privately."
    )
    # The page stays: the pane opens on it, and the box is ready to write in.
    assert person.url.endswith(f"/events/{slug}/live/")
    expect(person.get_by_label("Your private message")).to_be_focused()
    person.get_by_label("Your private message").fill("is anyone there")
    person.get_by_role("button", name="Send privately").click()
    expect(person.locator("#private-messages")).to_contain_text("is anyone there")
    axe_clean(person, axe_script, "live page, asked from the link")

    waiting = worker.locator("#waiting tbody tr")
    expect(waiting).to_have_count(1, timeout=ARRIVAL_TIMEOUT_MS)
    expect(waiting).to_contain_text("Asked for by the person")

    # Exit this page: out to the neutral site, and the conversation is over on this device.
    # The portal's answer is passed through as it is, except that the neutral site's page
    # is stood in for here: Playwright cannot answer the redirect's second request itself,
    # and there is no internet to answer it.
    exits: list[tuple[int, str | None]] = []

    def leave_for_the_neutral_site(route: Any) -> None:
        response = route.fetch(max_redirects=0)
        exits.append((response.status, response.headers.get("location")))
        headers = {k: v for k, v in response.headers.items() if k.lower() != "location"}
        route.fulfill(status=200, headers=headers, body="<title>Weather</title>")

    person.context.route(f"**/events/{slug}/talk/exit/**", leave_for_the_neutral_site)
    history = person.evaluate("() => history.length")
    if how == "button":
        exit_button(person).click()
    else:
        person.locator("body").press("Shift")
        person.keyboard.press("Shift")
        person.keyboard.press("Shift")
    expect(person).to_have_title("Weather")
    assert exits == [(302, QUICK_EXIT)]
    # The live page was replaced, not left behind in the back history.
    assert person.evaluate("() => history.length") == history
    expect(worker.locator("#waiting-empty")).to_have_text("Nobody is waiting.")
    ended = worker.locator("#needs-outcome")
    expect(ended).to_contain_text("(left this device)")
    assert_not_reloaded(worker)

    # Coming back on the same device shows nothing of it.
    person.goto(f"/events/{slug}/live/")
    expect(person.locator("#connection-status")).to_have_text("Live updates on.")
    expect(person.locator("#private-pane")).to_be_hidden()
    expect(person.locator("main")).not_to_contain_text("is anyone there")
    assert exit_button(person).get_attribute("href") == QUICK_EXIT

    # The worker records what happened.
    ended.get_by_role("link").click()
    expect(worker.locator("#support-messages")).to_contain_text(
        "The person has left the conversation."
    )
    axe_clean(worker, axe_script, "conversation page, the person left")
    worker.get_by_label("The person left").check()
    worker.get_by_role("button", name="Record outcome").click()
    expect(worker.locator("#support-live")).to_contain_text("The person left")


def test_forget_my_questions_ends_the_conversation_and_clears_the_pane(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = lane_webchat(portal, "Safe at home: ask the Met")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    console_on_duty(worker, slug)
    # They asked in public first (the list of their questions offers to forget them).
    person = person_on_phone(new_context, slug)
    person.get_by_label("Your question", exact=True).fill(DANGER)
    person.get_by_role("button", name="Send question").click()
    person.locator("#help-now").get_by_role(
        "button", name=re.compile("^Talk privately now")
    ).click()
    expect(person.locator("#private-with")).to_have_text(
        "A crisis worker will reply to you here, privately."
    )
    person.get_by_label("Your private message").fill("my sister uses this phone too")
    person.get_by_role("button", name="Send privately").click()
    expect(person.locator("#private-messages")).to_contain_text("my sister uses this phone too")

    person.get_by_role("button", name="Forget my questions on this device").click()

    expect(person.locator("#forget-questions-done")).to_be_visible()
    # Nothing of the conversation stays on the page, and the quick exit goes straight out.
    expect(person.locator("#private-pane")).to_be_hidden()
    expect(person.locator("#private-messages > li")).to_have_count(0)
    expect(exit_button(person)).to_have_attribute("href", QUICK_EXIT)
    expect(person.locator("#connection-status")).to_have_text("Live updates on.")
    expect(person.locator("main")).not_to_contain_text("my sister uses this phone too")
    expect(worker.locator("#needs-outcome")).to_contain_text("(left this device)")
    axe_clean(person, axe_script, "live page, device forgotten")


def test_a_moderator_passes_a_question_to_the_crisis_worker(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = lane_webchat(portal, "Domestic abuse: ask the Met (passed)")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    console_on_duty(worker, slug)
    mark_not_reloaded(worker)
    person = person_on_phone(new_context, slug)
    person.get_by_label("Your question", exact=True).fill(PASSED_QUESTION)
    person.get_by_role("button", name="Send question").click()
    own = person.locator("#own-questions")
    expect(own).to_contain_text("Waiting for a moderator")

    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")
    item = moderator.locator("#queue > li", has_text=PASSED_QUESTION)
    item.locator(".app-queue-row__toggle").click()
    item.get_by_role("button", name=re.compile("^Pass to the crisis worker")).click()
    expect(item).to_have_count(0)

    # The asker is told privately what happened and who will reply; the question is theirs.
    expect(person.locator("#private-with")).to_have_text(
        "A crisis worker will reply to you here, privately."
    )
    pane = person.locator("#private-messages")
    expect(pane.locator("> li").nth(0)).to_contain_text(PASSED_QUESTION)
    expect(pane.locator("> li").nth(1)).to_contain_text(
        "A moderator passed your question to the webchat's crisis worker instead of publishing "
        "it. Jo Keogh, Crisis Intervention Worker, Metropolitan Police Service will reply to you "
        "here, privately."
    )
    expect(own.locator("li", has_text=PASSED_QUESTION)).to_contain_text(
        "Passed to the crisis worker"
    )
    expect(person.locator("#feed")).not_to_contain_text(PASSED_QUESTION)
    axe_clean(person, axe_script, "live page, question passed")
    # After a reload the list says the same, never "Published".
    person.reload()
    expect(own.locator("li", has_text=PASSED_QUESTION)).to_contain_text(
        "Passed to the crisis worker"
    )
    expect(own).not_to_contain_text("Published")
    expect(pane.locator("> li")).to_have_count(2)

    # The crisis worker sees how it began; the moderator never sees the conversation.
    waiting = worker.locator("#waiting tbody tr")
    expect(waiting).to_have_count(1, timeout=ARRIVAL_TIMEOUT_MS)
    expect(waiting).to_contain_text("Passed by a moderator")
    assert_not_reloaded(worker)
    assert moderator.goto(f"/events/{slug}/support/").status == 403


def test_with_nobody_on_duty_the_person_is_told_at_once(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = lane_webchat(portal, "Hate crime: ask the Met (nobody on duty)")
    person = person_on_phone(new_context, slug)

    # The help after triage says so, with the numbers, instead of offering a person.
    person.get_by_label("Your question", exact=True).fill(DANGER)
    person.get_by_role("button", name="Send question").click()
    help_now = person.locator("#help-now")
    expect(help_now.locator(".app-talk-offer")).to_have_text(NO_WORKER_MESSAGE)
    expect(help_now.get_by_role("button", name=re.compile("Talk privately"))).to_have_count(0)

    # Asking from the link opens no conversation to wait in silence.
    person.get_by_role("link", name="Talk privately to a crisis worker").click()
    expect(person.locator("#private-waiting")).to_have_text(NO_WORKER_MESSAGE)
    expect(person.locator("#private-form")).to_be_hidden()
    expect(exit_button(person)).to_have_attribute("href", QUICK_EXIT)
    axe_clean(person, axe_script, "live page, nobody on duty")


def test_the_plain_page_works_without_javascript(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = lane_webchat(portal, "Domestic abuse: talk to the Met")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    console_on_duty(worker, slug)

    # 7. Without JavaScript: form and reload.
    context = new_context(viewport=PHONE, java_script_enabled=False)
    person = context.new_page()
    response = person.goto(f"/events/{slug}/talk/")
    assert "no-store" in response.headers["cache-control"]
    expect(person.locator("main")).to_contain_text(f"On duty now: {WORKER_LABEL}")
    person.get_by_label("What do you want to say? (optional)").fill("my ex keeps turning up")
    person.get_by_role("button", name="Talk privately now").click()
    expect(person.locator("main")).to_contain_text("A crisis worker will reply to you here.")
    talk = person.get_by_role("list", name="Messages")
    expect(talk.locator("> li")).to_have_count(1)
    expect(talk).to_contain_text("my ex keeps turning up")
    person.get_by_label("Your message").fill("he is outside now")
    person.get_by_role("button", name="Send", exact=True).click()
    expect(talk.locator("> li")).to_have_count(2)
    expect(talk.locator("> li").nth(1)).to_contain_text("he is outside now")
    expect(person.get_by_label("Your message")).to_have_value("")

    # The worker has it, with both messages.
    row = worker.locator("#waiting tbody tr")
    expect(row).to_have_count(1, timeout=ARRIVAL_TIMEOUT_MS)
    row.get_by_role("button").click()
    messages = worker.locator("#support-messages")
    expect(messages).to_contain_text("my ex keeps turning up")
    expect(messages).to_contain_text("he is outside now")
    worker.get_by_label("Reply", exact=True).fill("I am here. Are you safe to talk?")
    worker.get_by_role("button", name="Send", exact=True).click()
    expect(messages).to_contain_text("I am here. Are you safe to talk?")

    # A reload shows the reply and who it is from.
    person.reload()
    expect(person.locator("main")).to_contain_text(f"You are talking with {WORKER_LABEL}.")
    expect(talk).to_contain_text("I am here. Are you safe to talk?")

    # The same page, as the person sees it, has nothing axe objects to (axe itself needs
    # script: the person's cookies in a browser that runs it).
    seen = new_context(viewport=PHONE)
    seen.add_cookies(context.cookies())
    page = seen.new_page()
    page.goto(f"/events/{slug}/talk/")
    expect(page.locator("main")).to_contain_text("I am here. Are you safe to talk?")
    axe_clean(page, axe_script, "plain page, talking")
    page.get_by_role("button", name="End this conversation").click()
    expect(page.locator("main")).to_contain_text("Your last private conversation here has ended.")
    axe_clean(page, axe_script, "plain page, ended")


def focus_by_tab(page: Any, target: Any, *, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    pytest.fail(f"not reachable with Tab: {target}")


def test_the_console_by_keyboard_alone(portal: Portal, new_context: NewContext) -> None:
    slug = lane_webchat(portal, "Stalking: ask the Met")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    worker.goto(f"/events/{slug}/support/")
    expect(worker.locator("#connection-status")).to_have_text("Live updates on.")
    focus_by_tab(worker, worker.get_by_role("button", name="Go on duty"))
    worker.keyboard.press("Enter")
    expect(worker.locator("main")).to_contain_text("You are on duty")

    person = person_on_phone(new_context, slug)
    person.get_by_role("link", name="Talk privately to a crisis worker").click()
    expect(person.locator("#private-with")).to_have_text(
        "A crisis worker will reply to you here, privately."
    )

    take = worker.get_by_role("button", name="Take the next most urgent")
    expect(take).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    focus_by_tab(worker, take)
    # Someone else arrives while the worker is on the button: the queue updates in place,
    # and the keyboard's focus stays where it was.
    second = person_on_phone(new_context, slug)
    second.get_by_role("link", name="Talk privately to a crisis worker").click()
    expect(worker.locator("#waiting tbody tr")).to_have_count(2, timeout=ARRIVAL_TIMEOUT_MS)
    expect(take).to_be_focused()
    worker.keyboard.press("Enter")
    worker.wait_for_url(re.compile(rf"/events/{slug}/support/\d+/$"))

    quick = worker.locator("#quick-replies").get_by_role(
        "button", name="You can call Samaritans free on 116 123, any time, day or night."
    )
    focus_by_tab(worker, quick)
    worker.keyboard.press("Enter")
    reply_box = worker.get_by_label("Reply", exact=True)
    expect(reply_box).to_be_focused()
    worker.keyboard.press("End")
    worker.keyboard.type(" I am here too.")
    send = worker.get_by_role("button", name="Send", exact=True)
    focus_by_tab(worker, send)
    worker.keyboard.press("Enter")
    expect(person.locator("#private-messages")).to_contain_text(
        "You can call Samaritans free on 116 123, any time, day or night. I am here too."
    )

    # Ending without an outcome is refused, and the worker stays with the conversation.
    conversation_url = worker.url
    end = worker.get_by_role("button", name="End conversation")
    focus_by_tab(worker, end)
    worker.keyboard.press("Enter")
    expect(worker.get_by_role("region", name="Important")).to_contain_text(
        "Choose an outcome to record."
    )
    assert worker.url == conversation_url
    expect(person.locator("#private-with")).to_have_text(
        f"You are talking privately with {WORKER_LABEL}."
    )

    told_999 = worker.get_by_label("Told to call 999")
    focus_by_tab(worker, worker.locator("input[name=outcome]").first)
    # Arrow keys move through a radio group, as they do for any keyboard user.
    for _ in range(5):
        if told_999.is_checked():
            break
        worker.keyboard.press("ArrowDown")
    expect(told_999).to_be_checked()
    focus_by_tab(worker, worker.get_by_role("button", name="End conversation"))
    worker.keyboard.press("Enter")
    worker.wait_for_url(re.compile(rf"/events/{slug}/support/$"))
    expect(worker.locator("#support-live")).to_contain_text("Told to call 999")
    expect(person.locator("#private-with")).to_have_text(
        "This private conversation has ended. If you are in danger now, call 999."
    )


READ_AGAIN_SCRIPT = """
import json, os
import django
django.setup()
from chat.models import Question
from chat.services import question_read_again
from safeguarding import selectors
# The model's verdict, given: which sentences it reads as a crisis is tested in
# tests/safeguarding; this is what people see when it does.
selectors.crisis_on_second_reading = lambda text: True
question = Question.objects.get(event__slug=os.environ["E2E_SLUG"], body=os.environ["E2E_BODY"])
question_read_again(question_id=question.pk)
print(json.dumps({"urgent": Question.objects.get(pk=question.pk).is_urgent}))
"""

CALM_QUESTION = "Can I report something that happened to my friend last year?"
FAREWELL = "Thank you all for being kind to me. Please look after my cat for me."


def test_a_question_read_again_as_a_crisis_moves_up_and_its_asker_is_offered_a_person(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    """The second reading (docs/safeguarding.md) flags a question the ask path let through:
    the moderator's row is tagged and moved above the calm ones without a reload, and the
    person, still on the page, gets the help box offering the crisis worker by name."""
    slug = lane_webchat(portal, "Hate crime: ask the panel tonight")
    worker = new_context(session=portal.data["crisis_worker"]["session"]).new_page()
    console_on_duty(worker, slug)
    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")
    mark_not_reloaded(moderator)

    other = person_on_phone(new_context, slug)
    other.get_by_label("Your question", exact=True).fill(CALM_QUESTION)
    other.get_by_role("button", name="Send question").click()
    person = person_on_phone(new_context, slug)
    person.get_by_label("Your question", exact=True).fill(FAREWELL)
    person.get_by_role("button", name="Send question").click()
    expect(person.locator("#own-questions")).to_contain_text(FAREWELL)
    rows = moderator.locator("#queue > li")
    expect(rows).to_have_count(2)

    assert portal.run(READ_AGAIN_SCRIPT, E2E_SLUG=slug, E2E_BODY=FAREWELL) == {"urgent": True}

    expect(rows.first).to_contain_text(FAREWELL)
    expect(rows.first.locator(".govuk-tag", has_text="Urgent")).to_be_visible()
    expect(rows.nth(1)).to_contain_text(CALM_QUESTION)
    help_now = person.locator("#help-now")
    expect(help_now).to_be_visible()
    expect(help_now).to_contain_text("999")
    expect(
        help_now.get_by_role("button", name=f"Talk privately now to {WORKER_LABEL}")
    ).to_be_visible()
    expect(other.locator("#help-now .app-talk-offer")).to_have_count(0)
    assert_not_reloaded(moderator)
    axe_clean(moderator, axe_script, "console, a question flagged on its second reading")
