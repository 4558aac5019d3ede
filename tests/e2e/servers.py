"""The whole portal on loopback for the browser tests: uvicorn, a Celery worker and beat.

Started once per test session (tests/e2e/conftest.py) against a scratch database of the
suite's engine (tests/harness.py: an SQLite file, or a fresh PostgreSQL database dropped
afterwards), migrated and filled by setup_portal.py in a child process that prints JSON.
Beat runs the schedule every second (SCHEDULE_RECONCILE_SECONDS=1) on a queue and schedule
file of this run's own, with real tasks (CELERY_TASK_ALWAYS_EAGER=false; the suite's is on).
"""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.harness import (
    BEAT_READY,
    WORKER_READY,
    ServerProcess,
    beat_command,
    child_env,
    free_port,
    run_child,
    run_python,
    uvicorn_command,
    wait_for_log,
    worker_command,
)

SETUP_SCRIPT = Path(__file__).with_name("setup_portal.py")
SETUP_TIMEOUT = 180.0
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
    # Tasks the setup triggers (archiving) run in it: no worker is up yet.
    output = run_child(
        {**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, str(SETUP_SCRIPT), timeout=SETUP_TIMEOUT
    )
    data = json.loads(output.strip().splitlines()[-1])

    port = free_port()
    portal = Portal(base_url=f"http://127.0.0.1:{port}", env=env, data=data)
    try:
        server = ServerProcess(
            uvicorn_command(port), port=port, env=env, log=directory / "server.log"
        )
        portal.processes.append(server)
        worker = ServerProcess(
            worker_command("e2e"),
            port=0,
            env=env,
            log=directory / "worker.log",
        )
        portal.processes.append(worker)
        beat = ServerProcess(
            beat_command(),
            port=0,
            env=env,
            log=directory / "beat.log",
        )
        portal.processes.append(beat)
        server.wait_until_listening(START_TIMEOUT)
        for process, ready in ((worker, WORKER_READY), (beat, BEAT_READY)):
            wait_for_log(
                process.log,
                ready,
                alive=lambda process=process: process.process.poll() is None,
                timeout=START_TIMEOUT,
            )
    except BaseException:
        portal.stop()
        raise
    return portal
