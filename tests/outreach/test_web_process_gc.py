"""The web process's garbage collector (outreach/asgi.py): start-up's objects set aside, and
collections less often than Python's default, so a join storm is not held up by them."""

from pathlib import Path

from tests.harness import child_env, run_python

SCRIPT = """
import gc, json
import outreach.asgi
print(json.dumps([list(gc.get_threshold()), gc.get_freeze_count() > 0]))
"""


def test_the_web_process_collects_less_often_and_sets_start_up_aside(tmp_path: Path) -> None:
    env = child_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert run_python(env, SCRIPT) == [[7000, 10, 100], True]
    assert run_python(env, SCRIPT, WEB_GC_THRESHOLDS="", WEB_GC_FREEZE="false") == [
        [700, 10, 10],
        False,
    ]
