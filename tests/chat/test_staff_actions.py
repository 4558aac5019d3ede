"""Staff actions (chat/actions.py): one registry for the socket's privileged frames and the
consoles' forms, and none reaches its service without the sender's session check."""

from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from chat.actions import ACTIONS
from chat.consumers import FRAME_HANDLERS
from chat.consumers.failures import SessionEnded
from chat.consumers.staff import handle_staff_frame
from chat.models import FeedItem, Question
from chat.protocol import PRIVILEGED_FRAMES, SCHEMA
from tests.live import LiveEvent, guest_asks

# `to` as the console form posts it (the socket's is a dict, checked by the service).
SAMPLE_VALUES: dict[Any, Any] = {int: 1, str: "Sample text.", bool: True, dict: "agency:mencap"}


def sample_fields(name: str) -> dict[str, Any]:
    """Valid fields for any staff action, from its frame's schema."""
    return {field: SAMPLE_VALUES[spec.kind] for field, spec in SCHEMA[name].items()}


def console_url(name: str, slug: str) -> str:
    url_name = ACTIONS[name].console_url_name
    try:
        return reverse(url_name, args=[slug, 1])
    except NoReverseMatch:
        return reverse(url_name, args=[slug])


def test_privileged_frames_are_the_registered_staff_actions() -> None:
    assert set(PRIVILEGED_FRAMES) == set(ACTIONS)
    assert set(ACTIONS) <= set(SCHEMA)
    for name, action in ACTIONS.items():
        assert set(action.fields) == set(SCHEMA[name])
        assert FRAME_HANDLERS[name] is handle_staff_frame


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_staff_action_refuses_a_signed_out_session_before_its_service(
    live: LiveEvent, name: str
) -> None:
    guest_asks(live, "Is it a crime?")
    asked = []

    def signed_out() -> int:
        asked.append(name)
        raise SessionEnded

    with pytest.raises(SessionEnded):
        ACTIONS[name].perform(
            event_id=live.event.pk, signed_in=signed_out, fields=sample_fields(name)
        )

    assert asked == [name]
    assert FeedItem.objects.count() == 0
    assert Question.objects.get().state == "pending"


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_console_action_refuses_a_signed_out_visitor(live: LiveEvent, name: str) -> None:
    guest_asks(live, "Is it a crime?")

    response = Client().post(console_url(name, live.event.slug), sample_fields(name))

    assert response.status_code == 403
    assert FeedItem.objects.count() == 0
