"""`python -m outreach.serve`: run the web server, a Celery worker and beat together.

Runs the Procfile's processes, each line of their output prefixed with its name. When
REDIS_URL is unset, starts a private Redis first. Ctrl+C or SIGTERM stops web, worker and
beat one after the other (each finishes what it is doing), then the private Redis, and the
command exits with status 0. If one process dies on its own, the others are stopped the
same way and the command exits with status 1.

Every child runs in a session of its own, so the terminal's Ctrl+C reaches only this
supervisor, which then stops them in order (a shared SIGINT would stop Redis under the web
server's feet).

`python -m outreach.serve web` runs the web server alone, as the Procfile and production do
(its command line is in outreach/web.py).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from outreach.embedded_redis import EmbeddedRedis

BASE_DIR = Path(__file__).resolve().parent.parent
PROCFILE = BASE_DIR / "Procfile"
# Stopped in this order: first nothing new comes in, then running tasks finish, then
# nothing new is scheduled. Processes the Procfile adds later stop after these.
STOP_ORDER = ("web", "worker", "beat")
# How long each process has to finish after SIGTERM before it is killed.
STOP_TIMEOUT_SECONDS = 20.0


def procfile_entries(path: Path = PROCFILE) -> dict[str, str]:
    """`name: command` lines, in order (comments and blank lines skipped)."""
    entries: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        entries[name.strip()] = command.strip()
    return entries


def stop_order(names: list[str]) -> list[str]:
    known = [name for name in STOP_ORDER if name in names]
    return known + [name for name in names if name not in known]


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    echo: threading.Thread = field(init=False)

    def stop(self, out: "Output") -> None:
        if self.process.poll() is None:
            out.line("system", f"stopping {self.name} (pid {self.process.pid})")
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                out.line("system", f"{self.name} did not stop in time: killing it")
                self.process.kill()
                self.process.wait()
        self.echo.join(timeout=5)


class Output:
    """Prefixes each line with the time and the process's name, one line at a time."""

    def __init__(self, names: list[str], stream: IO[str]) -> None:
        self.width = max(len(name) for name in [*names, "system"])
        self.stream = stream
        self.lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        with self.lock:
            self.stream.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}\n")
            self.stream.flush()

    def echo(self, name: str, pipe: IO[bytes]) -> None:
        for raw in iter(pipe.readline, b""):
            self.line(name, raw.decode(errors="replace").rstrip("\n"))
        pipe.close()


def start_child(name: str, command: str, env: dict[str, str], out: Output) -> Child:
    process = subprocess.Popen(  # noqa: S602 - the project's own Procfile
        # `exec`: the signal goes to the program itself, not to a shell waiting for it.
        f"exec {command}",
        shell=True,
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    child = Child(name=name, process=process)
    assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
    child.echo = threading.Thread(target=out.echo, args=(name, process.stdout), daemon=True)
    child.echo.start()
    return child


class StopRequested(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopRequested(signal.Signals(signum).name)


def supervise(children: list[Child], out: Output) -> int:
    """Wait until a signal asks us to stop (0) or a process exits on its own (1); then stop
    the rest in order."""
    status = 0
    try:
        while True:
            for child in children:
                code = child.process.poll()
                if code is not None:
                    out.line("system", f"{child.name} exited with status {code}: stopping")
                    status = 1
                    raise StopRequested(child.name)
            time.sleep(0.2)
    except StopRequested:
        stop_all(children, out)
    return status


def stop_all(children: list[Child], out: Output) -> None:
    # A second Ctrl+C while stopping must not interrupt the clean-up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    by_name = {child.name: child for child in children}
    for name in stop_order(list(by_name)):
        by_name[name].stop(out)


def main() -> int:
    env = dict(os.environ)
    # The Procfile says `python`: make that this interpreter (the project's virtualenv).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # Children's output goes through a pipe: do not let Python hold it back in a buffer.
    env["PYTHONUNBUFFERED"] = "1"
    entries = procfile_entries()
    out = Output(list(entries), sys.stdout)
    # Until the children run, Ctrl+C or SIGTERM just ends the start-up (and stops Redis).
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    with ExitStack() as stack:
        children: list[Child] = []
        try:
            if not env.get("REDIS_URL"):
                redis = EmbeddedRedis()
                stack.callback(_stop_redis, redis, out)
                env["REDIS_URL"] = redis.start()
                out.line("system", f"started a private Redis at {env['REDIS_URL']}")
            host = env.setdefault("WEB_HOST", "127.0.0.1")
            port = env.setdefault("WEB_PORT", "8000")
            out.line("system", f"Outreach is starting at http://{host}:{port}/")
            out.line("system", "press Ctrl+C to stop the web server, worker and scheduler")
            for name, command in entries.items():
                children.append(start_child(name, command, env, out))
        except StopRequested:
            stop_all(children, out)
            return 0
        status = supervise(children, out)
        out.line("system", "web, worker and beat stopped")
        return status


def _stop_redis(redis: EmbeddedRedis, out: Output) -> None:
    redis.stop()
    out.line("system", "private Redis stopped")


if __name__ == "__main__":
    if sys.argv[1:] == ["web"]:
        from outreach.web import run

        run()
    sys.exit(main())
