"""Open connections follow sign-out and role changes within seconds (issue: accounts)."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from accounts.roles import MODERATORS
from realtime.codes import CloseCode
from tests.factories import ReviewerFactory
from tests.live import LiveEvent, Socket, db, make_live_event

CLOSE_TIMEOUT = 5


async def closed_with(socket: Socket) -> int:
    """Read frames until the server closes the connection; the close code."""
    while True:
        output: dict[str, Any] = await socket.communicator.receive_output(timeout=CLOSE_TIMEOUT)
        if output["type"] == "websocket.close":
            return output["code"]


async def still_open(socket: Socket) -> None:
    """The connection answers (it may have had viewer counts meanwhile, which is fine)."""
    await socket.send({"type": "resume", "after": 0})
    await socket.until_type("synced")


def signed_in(user: Any) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


async def test_signing_out_closes_that_browsers_connections_only(
    live: LiveEvent, connect: Any
) -> None:
    browser, cookie = await db(signed_in)(live.moderator)
    _, other_cookie = await db(signed_in)(live.moderator)
    here = await connect(live.event.slug, cookie=cookie)
    elsewhere = await connect(live.event.slug, cookie=other_cookie)

    await sync_to_async(browser.post)(reverse("account_logout"))

    assert await closed_with(here) == CloseCode.SIGNED_OUT
    await still_open(elsewhere)


async def test_a_moderator_taken_off_the_event_is_disconnected(
    live: LiveEvent, connect: Any
) -> None:
    other = await db(make_live_event)("other-chat")
    moderator = await connect(live.event.slug, user=live.moderator)
    bystander = await connect(other.event.slug, user=other.moderator)

    await db(live.event.moderators.remove)(live.moderator)

    assert await closed_with(moderator) == CloseCode.ACCESS_CHANGED
    await still_open(bystander)
    # Reconnecting gives a member of the public's rights.
    again = await connect(live.event.slug, user=live.moderator)
    assert next(f for f in again.frames if f["type"] == "session")["roles"] == ["public"]


async def test_leaving_the_moderators_group_disconnects(live: LiveEvent, connect: Any) -> None:
    moderator = await connect(live.event.slug, user=live.moderator)

    await db(lambda: live.moderator.groups.remove(*live.moderator.groups.filter(name=MODERATORS)))()

    assert await closed_with(moderator) == CloseCode.ACCESS_CHANGED


async def test_turning_off_the_second_factor_disconnects_a_panellist(
    live: LiveEvent, connect: Any
) -> None:
    panellist = await connect(live.event.slug, user=live.panellist_user)

    await db(lambda: Authenticator.objects.filter(user=live.panellist_user).delete())()

    assert await closed_with(panellist) == CloseCode.ACCESS_CHANGED


async def test_a_session_ended_where_no_signal_sees_it_is_noticed_by_the_recheck(
    live: LiveEvent, connect: Any, settings: Settings
) -> None:
    settings.CHAT_ACCESS_RECHECK_SECONDS = 0.2
    moderator = await connect(live.event.slug, user=live.moderator)

    await db(lambda: Session.objects.all().delete())()

    assert await closed_with(moderator) == CloseCode.SIGNED_OUT


async def test_a_guest_is_not_affected_by_someone_elses_changes(
    live: LiveEvent, connect: Any
) -> None:
    guest = await connect(live.event.slug, guest_of=f"/events/{live.event.slug}/live/")

    await db(live.event.moderators.remove)(live.moderator)

    await still_open(guest)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    return make_live_event()


async def test_naming_a_reviewer_disconnects_the_moderator_who_reviewed_until_then(
    live: LiveEvent, connect: Any
) -> None:
    def reviewed() -> None:
        live.event.answers_reviewed = True
        live.event.save(update_fields=["answers_reviewed"])

    await db(reviewed)()
    moderator = await connect(live.event.slug, user=live.moderator)
    reviewer = await db(ReviewerFactory)(email="reviewer@example.org")

    await db(live.event.reviewers.add)(reviewer)

    # Rights change by reconnecting: the moderator no longer hears the drafts.
    assert await closed_with(moderator) == CloseCode.ACCESS_CHANGED
