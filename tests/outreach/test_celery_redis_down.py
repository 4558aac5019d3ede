"""Beat while Redis is down, a real beat process and a private Redis stopped under it
(docs/operations.md, "What happens when something is down"): each due task it cannot send
used to log about 150 lines (a stack and six chained tracebacks) every few seconds; now one
WARNING line a minute, and it sends again once Redis is back."""

import time
from pathlib import Path

import pytest
import redis

from outreach.embedded_redis import EmbeddedRedis
from tests.harness import Processes, child_env, free_port, run_child

pytestmark = pytest.mark.django_db(transaction=True)

LONGER_OUTAGE_SECONDS = 8
COULD_NOT_SEND = "Couldn't apply scheduled task"
REDIS_DOWN_LINE = f"WARNING celery.beat Redis unavailable: {COULD_NOT_SEND}"


def test_beat_logs_one_line_not_tracebacks_while_redis_is_down(
    scratch_database_url: str, tmp_path: Path, processes: Processes
) -> None:
    redis_server = EmbeddedRedis(port=free_port())
    redis_url = redis_server.start()
    try:
        env = child_env(
            scratch_database_url,
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            # The test run's own setting (tasks run where they are sent) is not beat's.
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
            # A due task every second: several attempts while Redis is down.
            SCHEDULE_RECONCILE_SECONDS="1",
        )
        run_child(env, "manage.py", "migrate", "--verbosity", "0")
        beat = processes.beat(env)
        # Once beat has sent a task (its connection is up: this Redis holds nothing else),
        # Redis goes away under it.
        with redis.Redis.from_url(redis_url) as client:
            deadline = time.monotonic() + 60
            while not client.dbsize():
                assert time.monotonic() < deadline, f"beat sent nothing:\n{beat.output()}"
                time.sleep(0.2)
        redis_server.stop()
        beat.wait_for_log(COULD_NOT_SEND, timeout=60)
        # Several more tasks fall due and fail meanwhile (a wait, not a measurement: each
        # failed attempt used to write its traceback).
        time.sleep(LONGER_OUTAGE_SECONDS)
        log_while_down = beat.log.read_text(errors="replace")
        redis_server.start()
    finally:
        redis_server.stop()
    processes.stop()

    log = beat.log.read_text(errors="replace")
    assert log_while_down.count("Redis unavailable") == 1
    assert log.count("Redis unavailable") == 1
    assert REDIS_DOWN_LINE in log
    assert "Traceback" not in log
    assert "Message Error" not in log
