"""`python -m outreach.serve`: run the web server, a Celery worker and beat together.

`python -m outreach.serve web` runs the web server alone, as the Procfile and production do
(its command line is in outreach/web.py).

Reads the Procfile through honcho. When REDIS_URL is unset, starts a private Redis first
and stops it on exit, so a fresh machine needs nothing but Python.
"""

import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from outreach.embedded_redis import EmbeddedRedis

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ)
    # The Procfile says `python`: make that this interpreter (the project's virtualenv).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    with ExitStack() as stack:
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(EmbeddedRedis())
            print(f"Started a private Redis at {env['REDIS_URL']} (set REDIS_URL to use yours).")
        host = env.setdefault("WEB_HOST", "127.0.0.1")
        port = env.setdefault("WEB_PORT", "8000")
        print(f"Outreach is starting at http://{host}:{port}/ (admin: http://{host}:{port}/admin/)")
        print("Press Ctrl+C to stop the web server, worker and scheduler.", flush=True)
        honcho = [sys.executable, "-m", "honcho", "start", "-f", str(BASE_DIR / "Procfile")]
        process = subprocess.Popen(honcho, env=env, cwd=BASE_DIR)  # noqa: S603

        def stop_on_sigterm(signum: int, frame: object) -> None:
            # Stop honcho's processes, then fall through so the embedded Redis stops too.
            process.terminate()

        signal.signal(signal.SIGTERM, stop_on_sigterm)
        try:
            return process.wait()
        except KeyboardInterrupt:
            # honcho receives the same SIGINT and stops its children; wait for it to finish.
            return process.wait()


if __name__ == "__main__":
    if sys.argv[1:] == ["web"]:
        from outreach.web import run

        run()
    sys.exit(main())
