"""Each client frame type has one schema, one handler and one row in docs/protocol.md."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chat.consumers import FRAME_HANDLERS, handles
from chat.protocol import PRIVILEGED_FRAMES, SCHEMA, ErrorCode, parse_frame

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def client_section() -> str:
    text = PROTOCOL.read_text()
    return text[text.index("## Client to server") : text.index("## Server to client")]


def test_every_frame_type_has_a_schema_and_a_handler() -> None:
    assert set(FRAME_HANDLERS) == set(SCHEMA)
    assert set(PRIVILEGED_FRAMES) <= set(SCHEMA)


def test_a_handler_without_a_schema_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        handles("shout")


def test_docs_list_every_frame_type_and_its_fields() -> None:
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", client_section(), re.M)
    }
    assert set(rows) == set(SCHEMA)
    for frame_type, fields in SCHEMA.items():
        for name in fields:
            assert f"`{name}`" in rows[frame_type], f"{frame_type}.{name} is not documented"


def test_docs_examples_are_frames_the_server_accepts() -> None:
    block = client_section().split("```json", 1)[1].split("```", 1)[0]
    decoder = json.JSONDecoder()
    position, examples = 0, []
    while (start := block.find("{", position)) != -1:
        example, position = decoder.raw_decode(block, start)
        examples.append(example)

    assert len(examples) >= 5
    for example in examples:
        assert parse_frame(json.dumps(example)).type == example["type"]


def test_docs_list_every_error_code() -> None:
    text = PROTOCOL.read_text()
    table = text[text.index("### `error`") : text.index("## How it is built")]
    documented = set(re.findall(r"^\| `(\w+)` \| ", table, re.M))
    assert documented == {code.value for code in ErrorCode}
