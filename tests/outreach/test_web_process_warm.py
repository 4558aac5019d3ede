"""The web process imports its URL map, and with it every view, before it serves: Django
would otherwise do it at the first request, inside the event loop, holding up every socket
of the process (outreach/asgi.py)."""

from pathlib import Path

from tests.harness import child_env, run_python

SCRIPT = """
import json, sys
import outreach.asgi
from django.urls import get_resolver
print(json.dumps({
    "url_map": "url_patterns" in vars(get_resolver()),
    "views": [name in sys.modules for name in ("chat.views", "allauth.mfa.base.views")],
}))
"""


def test_the_url_map_and_views_are_imported_before_the_first_request(tmp_path: Path) -> None:
    env = child_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert run_python(env, SCRIPT) == {"url_map": True, "views": [True, True]}


WARM_TRIAGE = """
import json
import outreach.asgi
from safeguarding import crisis_scorer, spelling
print(json.dumps({"word lists": spelling.is_warm(), "learned layer": crisis_scorer.is_warm()}))
"""


def test_crisis_triage_word_lists_and_model_are_read_before_the_first_question(
    tmp_path: Path,
) -> None:
    # Reading them takes about half a second; at 18:00 that would be the first asker's wait.
    env = child_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert run_python(env, WARM_TRIAGE) == {"word lists": True, "learned layer": True}
