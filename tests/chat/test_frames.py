"""Every frame the server sends is built by chat.frames, in the shape docs/protocol.md shows."""

import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from chat import frames, payloads
from chat.models import AnswerDraft, Question
from tests.live import LiveEvent, guest_asks

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"

pytestmark = pytest.mark.django_db(transaction=True)


def documented_shapes() -> dict[str, list[set[str]]]:
    """Each frame type's documented keys, from the JSON examples of "Server to client"."""
    text = PROTOCOL.read_text()
    section = text[text.index("## Server to client") :]
    candidates = re.findall(r"```json\n(.*?)```", section, re.S)
    candidates += re.findall(r"`(\{\"type\".*?\})`", section)
    decoder = json.JSONDecoder()
    shapes: dict[str, list[set[str]]] = {}
    for block in candidates:
        position = 0
        while (start := block.find('{"type"', position)) != -1:
            example, position = decoder.raw_decode(block, start)
            shapes.setdefault(example["type"], []).append(set(example))
    return shapes


def built_frames(live: LiveEvent) -> list[dict[str, Any]]:
    """One of each frame, built by chat.frames from real objects."""
    question_id = guest_asks(live, "Call me on 07700 900123").question["question_id"]
    question = Question.objects.select_related("to_agency", "to_panellist").get(pk=question_id)
    own = frames.own_question(question)
    return [
        frames.status(live.event),
        frames.session(roles=["public"], panellist_id=None, agency_slug=None),
        frames.pinned(None),
        frames.message(seq=1, payload=payloads.announcement_public("Hi"), published_at="…"),
        frames.synced(0),
        frames.ack(client_id=own["client_id"], question=own),
        own,
        frames.help_now("Call 999."),
        frames.help_now("Call 999.", question_id=question.pk),
        frames.me_too(question_id=question.pk, count=7),
        frames.asked_by(question),
        frames.muted("Stopped."),
        frames.queue([payloads.question_for_moderators(question)]),
        frames.queue_add(question),
        frames.queue_urgent(question),
        frames.queue_remove(question),
        frames.participant_muted(question.participant_id),
        frames.question_routed(question),
        frames.answer_draft(
            AnswerDraft(
                pk=7, question=question, panellist=live.panellist, body="Draft.", comment="Why?"
            )
        ),
        frames.feed(live=False),
        frames.viewers(3),
        frames.error("invalid", "No.", client_id=own["client_id"]),
    ]


def test_every_builder_makes_a_frame_in_its_documented_shape(live: LiveEvent) -> None:
    shapes = documented_shapes()
    built = built_frames(live)

    builders = {
        name
        for name, function in inspect.getmembers(frames, inspect.isfunction)
        if function.__module__ == frames.__name__
    }
    assert {frame["type"] for frame in built} == builders  # one of each, none missed
    for frame in built:
        assert frame["type"] in shapes, f"{frame['type']} is not documented"
        assert set(frame) in shapes[frame["type"]], (frame["type"], sorted(frame))
    queue_question = set(frames.queue_add(Question.objects.get())["question"])
    for example in documented_question_shapes():
        assert example == queue_question


def documented_question_shapes() -> list[set[str]]:
    text = PROTOCOL.read_text()
    section = text[text.index("### Moderators only") :]
    block = re.findall(r"```json\n(.*?)```", section, re.S)[0]
    decoder = json.JSONDecoder()
    shapes, position = [], 0
    while (start := block.find('{"type"', position)) != -1:
        example, position = decoder.raw_decode(block, start)
        if example["type"] == "queue":
            shapes += [set(question) for question in example["questions"]]
        if example["type"] == "queue_add":
            shapes.append(set(example["question"]))
    return shapes
