"""The benchmark's A/B switches. Each turns off one design choice so that bench/ can measure
what it buys (docs/performance.md, "What each design choice buys"). They are not settings:
production never sets them, and nothing here is a way to run the portal. bench/fanout_bench.py
sets them in the environment of the servers it starts; tests set them with monkeypatch."""

import os

# Every switch, on unless the environment says "false".
SWITCHES = (
    "CHAT_SNAPSHOT_FROM_MEMORY",
    "CHAT_GUEST_JOIN_FROM_MEMORY",
    "CHAT_KEPT_LIVE_PAGE",
    "WEB_FRONT_DOOR",
    "CHAT_STAFF_EXECUTOR",
    "WEB_GC_FREEZE",
)


def design_choice_on(name: str) -> bool:
    """False only when the environment turns this switch off (`NAME=false`)."""
    if name not in SWITCHES:
        raise ValueError(f"{name} is not an A/B switch")
    return os.environ.get(name, "true").strip().lower() not in {"false", "0", "no", "off"}
