"""Every frame similar questions send is built by similar.frames, in the shape
docs/protocol.md shows."""

import inspect

import pytest

from similar import frames
from tests.chat.test_frames import documented_shapes
from tests.live import LiveEvent, asked_question

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_builder_makes_a_frame_in_its_documented_shape(live: LiveEvent) -> None:
    lead = asked_question(live, "How do I report a hate crime online?")
    member = asked_question(live, "What counts as a hate crime?")
    built = [
        frames.found(question=member, lead=lead),
        frames.detached(question_id=member.pk, lead_id=lead.pk),
        frames.groups([(lead, [member])]),
    ]
    builders = {
        name
        for name, function in inspect.getmembers(frames, inspect.isfunction)
        if function.__module__ == frames.__name__ and not name.startswith("_")
    }
    assert len(built) == len(builders)  # one of each, none missed
    shapes = documented_shapes()
    for frame in built:
        assert set(frame) in shapes[frame["type"]], (frame["type"], sorted(frame))
    assert set(built[2]["groups"][0]) == {"lead", "members"}
    assert set(built[2]["groups"][0]["lead"]) == set(built[0]["lead"])
