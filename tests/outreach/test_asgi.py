"""The web process's entry point (outreach/asgi.py)."""

import os
import subprocess
import sys

import pytest

from tests.harness import PROJECT_ROOT


def frozen_objects(**env: str) -> int:
    """How many objects a fresh web process set aside from the garbage collector."""
    done = subprocess.run(
        [sys.executable, "-c", "import gc, outreach.asgi; print(gc.get_freeze_count())"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "outreach.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.split()[-1])


@pytest.mark.parametrize(("switch", "frozen"), [("true", True), ("false", False)])
def test_the_web_process_sets_start_up_objects_aside_from_the_collector(
    switch: str, frozen: bool
) -> None:
    # A full collection in a join storm would otherwise walk all of Django again and hold
    # the event loop for seconds (docs/performance.md).
    assert (frozen_objects(WEB_GC_FREEZE=switch) > 10_000) is frozen
