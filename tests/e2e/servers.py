"""The whole portal on loopback for the browser tests: uvicorn, a Celery worker and beat.

Started once per test session (tests/e2e/conftest.py) against a scratch database of the
suite's engine (tests/harness.py: an SQLite file, or a fresh PostgreSQL database dropped
afterwards), migrated and filled by setup_portal.py in a child process that prints JSON.
Beat runs the schedule every second (SCHEDULE_RECONCILE_SECONDS=1) on a queue and schedule
file of this run's own, with real tasks (CELERY_TASK_ALWAYS_EAGER=false; the suite's is on).
"""

import json
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.harness import PROJECT_ROOT, ServerProcess, child_env, free_port, uvicorn_command

SETUP_SCRIPT = Path(__file__).with_name("setup_portal.py")
SETUP_TIMEOUT = 180.0
SCRIPT_TIMEOUT = 60.0
START_TIMEOUT = 30.0
# Every role holder's password in the scratch database.
PASSWORD = "correct horse battery staple"


@dataclass
class Portal:
    base_url: str
    env: dict[str, str]
    data: dict[str, Any]
    processes: list[ServerProcess] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def run(self, script: str, **extra_env: str) -> Any:
        """Run Python against the portal's database; its last line of output, as JSON."""
        return run_python(self.env, script, **extra_env)

    def logs(self) -> str:
        return "\n".join(f"--- {p.log.name} ---\n{p.output()}" for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


def run_python(env: dict[str, str], script: str, **extra_env: str) -> Any:
    done = subprocess.run(  # noqa: S603 - our interpreter and our script
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"script failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_for_log(process: ServerProcess, text: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if text in process.log.read_text(errors="replace"):
            return
        if process.process.poll() is not None:
            raise RuntimeError(f"{process.log.name} exited:\n{process.output()}")
        time.sleep(0.1)
    raise RuntimeError(f"{process.log.name} did not log {text!r}:\n{process.output()}")


def start_portal(database_url: str, directory: Path) -> Portal:
    env = child_env(
        database_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        SCHEDULE_RECONCILE_SECONDS="1",
        CELERY_QUEUE=f"e2e-{secrets.token_hex(6)}",
        CELERY_BEAT_SCHEDULE_FILENAME=str(directory / "celerybeat-schedule"),
        E2E_PASSWORD=PASSWORD,
        # Nothing is mailed from a test (no SMTP server here).
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env.pop("CELERY_BROKER_URL", None)  # the broker is REDIS_URL
    done = subprocess.run(  # noqa: S603 - our interpreter and our script
        [sys.executable, str(SETUP_SCRIPT)],
        cwd=PROJECT_ROOT,
        # Tasks the setup triggers (archiving) run in it: no worker is up yet.
        env={**env, "CELERY_TASK_ALWAYS_EAGER": "true"},
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"setup failed:\n{done.stdout}\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])

    port = free_port()
    portal = Portal(base_url=f"http://127.0.0.1:{port}", env=env, data=data)
    try:
        server = ServerProcess(
            uvicorn_command(port), port=port, env=env, log=directory / "server.log"
        )
        portal.processes.append(server)
        worker = ServerProcess(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "outreach",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"e2e-{secrets.token_hex(4)}@%h",
            ],
            port=0,
            env=env,
            log=directory / "worker.log",
        )
        portal.processes.append(worker)
        beat = ServerProcess(
            [sys.executable, "-m", "celery", "-A", "outreach", "beat", "--loglevel", "INFO"],
            port=0,
            env=env,
            log=directory / "beat.log",
        )
        portal.processes.append(beat)
        server.wait_until_listening(START_TIMEOUT)
        _wait_for_log(worker, " ready.")
        _wait_for_log(beat, "beat: Starting...")
    except BaseException:
        portal.stop()
        raise
    return portal
