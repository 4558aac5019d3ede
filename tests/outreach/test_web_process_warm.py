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
