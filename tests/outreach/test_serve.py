"""`python -m outreach.serve` (what `make run` ends with): quiet while nothing changes, and
Ctrl+C or SIGTERM stops web, worker, beat and then the private Redis, with exit status 0."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness import PROJECT_ROOT, child_env, free_port

START_TIMEOUT = 90.0
STOP_TIMEOUT = 90.0


def wait_for(log: Path, process: subprocess.Popen[bytes], *texts: str) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        output = log.read_text(errors="replace")
        if all(text in output for text in texts):
            return output
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{output}")
        time.sleep(0.2)
    raise AssertionError(f"serve did not log {texts}:\n{log.read_text(errors='replace')}")


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(
    "stop",
    [
        # Ctrl+C in a terminal: SIGINT to the whole foreground process group.
        pytest.param(lambda p: os.killpg(p.pid, signal.SIGINT), id="ctrl-c"),
        # A service manager or `kill`: SIGTERM to the process.
        pytest.param(lambda p: p.send_signal(signal.SIGTERM), id="sigterm"),
    ],
)
def test_serve_runs_quietly_and_stops_in_order_with_status_0(
    tmp_path: Path, stop: Callable[[subprocess.Popen[bytes]], None]
) -> None:
    env = child_env(
        f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        WEB_PORT=str(free_port()),
        SCHEDULE_RECONCILE_SECONDS="0.5",
        CELERY_QUEUE=f"serve-{secrets.token_hex(6)}",
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    env.pop("REDIS_URL")  # so serve starts, and must stop, a private Redis of its own
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=PROJECT_ROOT, env=env, check=True, timeout=120)  # noqa: S603
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "outreach.serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as in a terminal
        )
    try:
        started = wait_for(log, process, " ready.", "beat: Starting...", "Uvicorn running")
        redis_url = re.search(r"private Redis at redis://127.0.0.1:(\d+)/", started)
        assert redis_url is not None, started
        redis_port = int(redis_url[1])
        # Beat sends its due tasks every half second: let a few go round while idle.
        time.sleep(3)
        stop(process)
        status = process.wait(timeout=STOP_TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = log.read_text(errors="replace")

    assert status == 0, output
    assert "Traceback" not in output
    # Nothing logged every few seconds while nothing changes.
    assert "Sending due task" not in output and "succeeded in" not in output, output
    stopping = [
        line.split("| ", 1)[1]
        for line in output.splitlines()
        if "system" in line.split("|")[0] and ("stopping" in line or "stopped" in line)
    ]
    assert [line.split(" (pid")[0] for line in stopping] == [
        "stopping web",
        "stopping worker",
        "stopping beat",
        "web, worker and beat stopped",
        "private Redis stopped",
    ], output
    assert not accepts_connections(redis_port)
