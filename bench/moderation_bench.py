"""A webchat at full size for its staff: 500 questions an hour, three moderators, four
panellists, over real WebSockets against the production web command.

    .venv/bin/python bench/moderation_bench.py [--speed 20] [--questions 500] [--rounds 7]

Starts `python -m outreach.serve web` (one process; pinned to one core when there are two,
the bots on the other) against a scratch SQLite database and a Redis of its own, and seeds a
live webchat with three moderators and four panellists from three agencies, each signed in
with their second factor set up. Then the hour's questions arrive, `--speed` times faster
(`--speed 20`: the hour in three minutes), at random (a Poisson process, seeded): each from
a new member of the public's socket, as a browser's live page sends it. A tenth of them are
near-duplicates of an earlier question (its words with a small change: case, punctuation, a
word added), as people ask again what was already asked.

The bots:
- **moderators** share the queue by staff reference (W-<id> modulo 3, as a team splits a long
  queue) and decide each question as soon as it reaches their console (`queue_add`) plus a
  fixed reading time (`--reading-ms`, 2,000 ms: reading a short question and choosing):
  a near-duplicate is declined ("already asked"), every other question published;
- **panellists** answer the published questions by public number (modulo 4), each after a
  fixed writing time (`--writing-ms`, 3,000 ms).

It prints:
- **asked to decided**: from the asker's `ask` leaving their socket to the deciding
  moderator's console hearing `queue_remove` (the decision committed and broadcast): median
  and 90th percentile, and the same less the reading time (what the system adds);
- **console render, 500 waiting**: the moderator console's page (`/events/<slug>/moderate/`)
  for a second webchat with 500 waiting questions, as the moderator's browser loads it
  (loopback, whole response): median of `--rounds` rounds with the spread;
- **published answers per panellist action**: answers the public received over the panel's
  `answer` frames sent (1.00: every action publishes once and nothing is lost).

It checks itself and exits 1 otherwise: every question decided exactly once (one decision
sent, one `queue_remove` heard per question by each moderator, no refusal); a watcher on the
public's socket received every published item exactly once, in seq order with no gaps, each
approved question and each answer among them; the console page lists all 500 waiting.
How to read the output: docs/performance.md, "Moderation at full size".
"""

import argparse
import asyncio
import http.client
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fanout_bench import cores, median, pinned, spread  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402
from websockets.typing import Origin  # noqa: E402

from outreach.embedded_redis import EmbeddedRedis  # noqa: E402
from tests import harness  # noqa: E402

SLUG = "moderation-bench"
QUEUE_SLUG = "moderation-bench-queue"
MODERATORS = 3
PANELLISTS = 4

# Migrate, then the webchat and its staff (the group, the assignment, a second factor, a
# signed-in session each); a second webchat with QUEUE_SIZE waiting questions for the console.
SETUP = """
import json, os, uuid
from datetime import timedelta

import django

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import MODERATORS, PANELLISTS
from chat import services as chat
from events import services
from events.models import Agency, Event, Panellist, PanelSeat

call_command("migrate", verbosity=0, interactive=False)
now = timezone.now().replace(microsecond=0)


def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    at = now.timestamp()
    session["account_authentication_methods"] = [
        {"method": "password", "at": at, "email": user.email},
        {"method": "mfa", "at": at, "type": "totp"},
    ]
    session.create()
    return session.session_key


def staff(email, group, name):
    user = User.objects.create_user(email=email, password="x", full_name=name)
    user.groups.add(Group.objects.get(name=group))
    TOTP.activate(user, generate_totp_secret())
    return user


agencies = [
    Agency.objects.create(name=name, short_name=short, slug=slug)
    for name, short, slug in [
        ("Metropolitan Police Service", "MPS", "met"),
        ("Crown Prosecution Service", "CPS", "cps"),
        ("Mencap", "Mencap", "mencap"),
    ]
]


def webchat(slug, title):
    event = Event.objects.create(
        title=title, slug=slug, summary="Ask the panel.", starts_at=now,
        ends_at=now + timedelta(hours=2), lead_agency=agencies[0],
    )
    services.event_schedule(event_id=event.pk)
    services.event_open(event_id=event.pk)
    return event


event = webchat(os.environ["BENCH_SLUG"], "Hate crime: ask the panel")
queue_event = webchat(os.environ["BENCH_QUEUE_SLUG"], "A full queue")
moderators = []
for index in range(int(os.environ["BENCH_MODERATORS"])):
    moderator = staff(f"moderator-{index}@example.org", MODERATORS, f"Moderator {index}")
    event.moderators.add(moderator)
    queue_event.moderators.add(moderator)
    moderators.append(moderator)
panellists = []
for index in range(int(os.environ["BENCH_PANELLISTS"])):
    user = staff(f"panellist-{index}@example.org", PANELLISTS, f"Panellist {index}")
    panellist = Panellist.objects.create(
        name=f"Panellist {index}", role_title="Officer", agency=agencies[index % 3], user=user
    )
    PanelSeat.objects.create(event=event, panellist=panellist, position=index)
    panellists.append(user)
for index in range(int(os.environ["BENCH_QUEUE_SIZE"])):
    asker = chat.participant_for(event_id=queue_event.pk, user_id=None, guest_token=uuid.uuid4())
    chat.question_ask(
        event_id=queue_event.pk, participant_id=asker.pk, client_id=str(uuid.uuid4()),
        body=f"Question {index}: how do I report a hate crime online if I do not want to go to "
        "a police station, and what happens after I report it?",
    )
print(json.dumps({
    "moderator_sessions": [session_for(user) for user in moderators],
    "panellist_sessions": [session_for(user) for user in panellists],
}))
"""

TOPICS = [
    "How do I report a hate crime online if I do not want to go to a police station?",
    "What happens after I report disability hate crime to the police?",
    "Can someone report a hate incident on behalf of a friend with a learning disability?",
    "Will I have to go to court if I report what my neighbour keeps shouting at me?",
    "How long do the police keep a record of a hate incident that is not a crime?",
    "What support is there for victims while a case goes through the courts?",
    "Is online abuse about my religion a crime, and who do I tell?",
    "Can I give evidence behind a screen so the defendant cannot see me?",
]


def questions(count: int, seed: int) -> list[tuple[str, bool]]:
    """The hour's questions in order: (text, near-duplicate of an earlier one?). A tenth are
    an earlier question's words with a small change."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable script, not a secret
    asked: list[str] = []
    result = []
    duplicates = set(rng.sample(range(5, count), count // 10)) if count > 5 else set()
    for index in range(count):
        if index in duplicates:
            earlier = rng.choice(asked)
            change = rng.choice(
                [
                    lambda text: text.lower(),
                    lambda text: text.rstrip("?") + "??",
                    lambda text: "Please, " + text[0].lower() + text[1:],
                    lambda text: text.replace("?", ", thanks?"),
                ]
            )
            result.append((change(earlier), True))
        else:
            text = f"{rng.choice(TOPICS)} (My situation: case {index}.)"
            asked.append(text)
            result.append((text, False))
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


class Bench:
    def __init__(self, args: argparse.Namespace, port: int, data: dict[str, Any]) -> None:
        self.args = args
        self.port = port
        self.data = data
        self.asked_at: dict[str, float] = {}  # client_id -> when the ask left the socket
        self.client_of: dict[int, str] = {}  # question_id -> client_id
        self.duplicate: dict[str, bool] = {}  # client_id -> near-duplicate?
        self.decisions_sent: dict[int, int] = {}
        self.decided_at: dict[int, float] = {}
        # When the deciding moderator's console heard of it, and sent its decision.
        self.queued_at: dict[int, float] = {}
        self.sent_at: dict[int, float] = {}
        self.decided_state: dict[int, str] = {}
        self.removed_heard: dict[int, list[int]] = {}  # question_id -> per moderator
        self.refusals: list[dict[str, Any]] = []
        self.repeated_adds: list[tuple[int, int]] = []  # (moderator, question_id)
        self.answers_sent = 0
        self.answered_numbers: set[int] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    def later(self, delay: float, send: Any) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            await send()

        task = asyncio.get_running_loop().create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- the bots ---------------------------------------------------------------------

    async def moderator(self, index: int, client: harness.Client) -> None:
        reading = self.args.reading_ms / 1000
        seen: set[int] = set()
        while True:
            await client.receive(timeout=3600)
            frame = client.frames.pop()
            if frame["type"] == "error":
                self.refusals.append(frame)
            elif frame["type"] == "queue_add":
                question_id = frame["question"]["question_id"]
                # As the console does (static/js/console.js): a question already in the queue,
                # or already gone from it, is not added again; counted, not decided twice.
                if question_id in seen:
                    self.repeated_adds.append((index, question_id))
                    continue
                seen.add(question_id)
                if question_id % MODERATORS == index:
                    self.queued_at[question_id] = time.monotonic()
                    self.decide(client, question_id, frame["question"]["body"], reading)
            elif frame["type"] == "queue_remove":
                question_id = frame["question_id"]
                heard = self.removed_heard.setdefault(question_id, [0] * MODERATORS)
                heard[index] += 1
                if question_id % MODERATORS == index:
                    self.decided_at[question_id] = time.monotonic()
                    self.decided_state[question_id] = frame["state"]

    def decide(self, client: harness.Client, question_id: int, body: str, reading: float) -> None:
        client_id = self.client_id_for(body)
        duplicate = self.duplicate.get(client_id, False)
        if client_id:
            self.client_of[question_id] = client_id
        if duplicate:
            frame = {
                "type": "reject",
                "question_id": question_id,
                "reason": "This was already asked: see the answer to the earlier question.",
            }
        else:
            frame = {"type": "approve", "question_id": question_id}
        self.decisions_sent[question_id] = self.decisions_sent.get(question_id, 0) + 1

        async def send() -> None:
            self.sent_at[question_id] = time.monotonic()
            await client.send(frame)

        self.later(reading, send)

    def client_id_for(self, body: str) -> str:
        """The asker of this text (the same text asked twice: in the order asked)."""
        waiting = self.by_body.get(body)
        return waiting.pop(0) if waiting else ""

    async def panellist(self, index: int, client: harness.Client) -> None:
        writing = self.args.writing_ms / 1000
        while True:
            await client.receive(timeout=3600)
            frame = client.frames.pop()
            if frame["type"] == "error":
                self.refusals.append(frame)
            elif frame["type"] == "message" and frame.get("kind") == "question":
                number = frame["number"]
                if number % PANELLISTS == index and number not in self.answered_numbers:
                    self.answered_numbers.add(number)
                    answer = {
                        "type": "answer",
                        "question_id": frame["question_id"],
                        "body": f"Answer to question {number}: you can report online or call "
                        "101; an officer will talk with you about the support you would like.",
                    }
                    self.answers_sent += 1
                    self.later(writing, lambda answer=answer: client.send(answer))

    async def ask(self, text: str, duplicate: bool) -> None:
        # As the live page does: it carries the feed, and its socket joins from the last item.
        ws = await connect(
            f"ws://127.0.0.1:{self.port}/ws/events/{SLUG}/?after={self.last_seq()}",
            origin=Origin(f"http://127.0.0.1:{self.port}"),
            proxy=None,
            open_timeout=60,
            close_timeout=2,
        )
        client = harness.Client("asker", ws)
        await client.until(lambda f: f["type"] == "synced", timeout=60)
        client_id = str(uuid.uuid4())
        self.duplicate[client_id] = duplicate
        self.by_body.setdefault(text, []).append(client_id)
        self.asked_at[client_id] = time.monotonic()
        await client.send({"type": "ask", "client_id": client_id, "body": text})
        acked = await client.until(lambda f: f["type"] in {"ack", "error"}, timeout=60)
        if acked["type"] == "error":
            self.refusals.append(acked)
        await client.ws.close()

    def last_seq(self) -> int:
        seqs = [f["seq"] for f in self.watcher.frames if f["type"] == "message"]
        return seqs[-1] if seqs else 0

    # -- the run ----------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        self.by_body: dict[str, list[str]] = {}
        watcher = await harness.connect_client("watcher", self.port, SLUG, after=0)
        self.watcher = watcher
        moderators = [
            await harness.connect_client(f"moderator {i}", self.port, SLUG, session=session)
            for i, session in enumerate(self.data["moderator_sessions"])
        ]
        panellists = [
            await harness.connect_client(f"panellist {i}", self.port, SLUG, session=session)
            for i, session in enumerate(self.data["panellist_sessions"])
        ]
        for client in (*moderators, *panellists):
            client.frames.clear()
        bots = [
            asyncio.create_task(self.moderator(i, client)) for i, client in enumerate(moderators)
        ] + [asyncio.create_task(self.panellist(i, client)) for i, client in enumerate(panellists)]

        async def watch() -> None:
            while True:
                await watcher.receive(timeout=3600)

        bots.append(asyncio.create_task(watch()))
        script = questions(self.args.questions, self.args.seed)
        rng = random.Random(self.args.seed + 1)  # noqa: S311 - repeatable arrivals
        mean_gap = 3600 / 500 / self.args.speed
        started = time.monotonic()
        asks = []
        at = 0.0
        for text, duplicate in script:
            at += rng.expovariate(1 / mean_gap)
            delay = started + at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            asks.append(asyncio.create_task(self.ask(text, duplicate)))
        await asyncio.gather(*asks)
        arrivals_s = time.monotonic() - started
        # Until every question is decided and every answer published (or the time is up).
        deadline = time.monotonic() + 120
        expected_answers = None
        while time.monotonic() < deadline:
            decided = len(self.decided_at) >= self.args.questions
            published = sum(
                1 for f in watcher.frames if f["type"] == "message" and f["kind"] == "answer"
            )
            expected_answers = self.answers_sent
            if decided and not self.tasks and published >= expected_answers:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # anything late or twice arrives now
        for bot in bots:
            bot.cancel()
        for client in (watcher, *moderators, *panellists):
            await client.ws.close()
        return {"arrivals_s": arrivals_s, "watcher": watcher.frames}

    def check(self, watcher: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
        problems = []
        if self.refusals:
            problems.append(f"{len(self.refusals)} refusals: {self.refusals[:3]}")
        twice = [q for q, n in self.decisions_sent.items() if n != 1]
        if twice:
            problems.append(f"questions decided more than once: {twice[:5]}")
        if len(self.decided_at) != self.args.questions:
            problems.append(f"{self.args.questions - len(self.decided_at)} questions undecided")
        heard_wrong = [q for q, heard in self.removed_heard.items() if heard != [1] * MODERATORS]
        if heard_wrong:
            problems.append(f"queue_remove not heard once by each moderator: {heard_wrong[:5]}")
        items = [f for f in watcher if f["type"] == "message"]
        seqs = [f["seq"] for f in items]
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"the public's items are not 1..N once each in order: {seqs[:20]}")
        published_questions = {f["question_id"] for f in items if f["kind"] == "question"}
        approved = {q for q, state in self.decided_state.items() if state == "published"}
        if published_questions != approved:
            problems.append(
                f"published questions differ from approvals: "
                f"{len(published_questions)} vs {len(approved)}"
            )
        duplicates_declined = sum(
            1
            for q, state in self.decided_state.items()
            if state == "rejected" and self.duplicate.get(self.client_of.get(q, ""), False)
        )
        answers = [f for f in items if f["kind"] == "answer"]
        answered = [f["question_id"] for f in answers]
        if len(set(answered)) != len(answered):
            problems.append("an answer was published twice")
        if len(answers) != self.answers_sent:
            problems.append(f"{self.answers_sent - len(answers)} answers never reached the public")
        return problems, {
            "published_items": len(items),
            "published_questions": len(published_questions),
            "declined_near_duplicates": duplicates_declined,
            "answers": len(answers),
        }


def console_render(port: int, session: str, rounds: int) -> tuple[list[float], int]:
    """The moderator console with QUEUE_SIZE waiting: one warm-up, then `rounds` loads."""
    timings = []
    listed = 0
    for round_number in range(rounds + 1):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        began = time.perf_counter()
        connection.request(
            "GET",
            f"/events/{QUEUE_SLUG}/moderate/",
            headers={"Cookie": f"sessionid={session}", "Accept": "text/html"},
        )
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - began
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"the console answered {response.status}:\n{text[:1000]}")
        listed = len(re.findall(r'id="queue-\d+"', text))
        if round_number:
            timings.append(elapsed)
    return timings, listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--speed", type=float, default=20.0, help="the hour's arrivals N times faster"
    )
    parser.add_argument("--questions", type=int, default=500, help="questions in the hour")
    parser.add_argument("--reading-ms", type=int, default=2000, help="a moderator's reading time")
    parser.add_argument("--writing-ms", type=int, default=3000, help="a panellist's writing time")
    parser.add_argument("--queue", type=int, default=500, help="waiting, for the console's render")
    parser.add_argument(
        "--rounds", type=int, default=7, help="console renders to take the median of"
    )
    parser.add_argument("--seed", type=int, default=31)
    args = parser.parse_args()

    with ExitStack() as stack:
        directory = Path(tempfile.mkdtemp(prefix="outreach-moderation-"))
        stack.callback(shutil.rmtree, directory, True)
        if not os.environ.get("REDIS_URL"):
            embedded = EmbeddedRedis()
            os.environ["REDIS_URL"] = embedded.start()
            stack.callback(embedded.stop)
        server_core, _ = cores()
        port = harness.free_port()
        env = harness.child_env(
            f"sqlite:///{directory / 'bench.sqlite3'}",
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(port),
        )
        began = time.monotonic()
        data = harness.run_python(
            {
                **env,
                "BENCH_SLUG": SLUG,
                "BENCH_QUEUE_SLUG": QUEUE_SLUG,
                "BENCH_MODERATORS": str(MODERATORS),
                "BENCH_PANELLISTS": str(PANELLISTS),
                "BENCH_QUEUE_SIZE": str(args.queue),
            },
            SETUP,
        )
        print(f"seeded in {time.monotonic() - began:.0f} s", flush=True)
        server = harness.ServerProcess(
            pinned(server_core, [sys.executable, "-m", "outreach.serve", "web"]),
            port=port,
            env=env,
            log=directory / "web.log",
        )
        stack.callback(server.stop)
        server.wait_until_listening(timeout=60)

        render, listed = console_render(port, data["moderator_sessions"][0], args.rounds)
        bench = Bench(args, port, data)
        outcome = asyncio.run(bench.run())
        problems, counts = bench.check(outcome["watcher"])
        if listed != args.queue:
            problems.append(f"the console listed {listed} waiting, not {args.queue}")

        waits = [
            (bench.decided_at[q] - bench.asked_at[bench.client_of[q]]) * 1000
            for q in bench.decided_at
            if q in bench.client_of
        ]
        system = [wait - args.reading_ms for wait in waits]
        to_console = [
            (bench.queued_at[q] - bench.asked_at[bench.client_of[q]]) * 1000
            for q in bench.queued_at
            if q in bench.client_of
        ]
        to_decided = [
            (bench.decided_at[q] - bench.sent_at[q]) * 1000
            for q in bench.decided_at
            if q in bench.sent_at
        ]
        near_duplicates = sum(1 for _, copy in questions(args.questions, args.seed) if copy)
        print()
        print(
            f"{args.questions} questions ({near_duplicates} near-duplicates) at "
            f"{args.speed:g}x: an hour's arrivals in "
            f"{outcome['arrivals_s']:.0f} s; {MODERATORS} moderators, {PANELLISTS} panellists; "
            f"reading {args.reading_ms} ms, writing {args.writing_ms} ms"
        )
        print(
            f"asked to decided:        median {median(waits):,.0f} ms, "
            f"p90 {percentile(waits, 0.9):,.0f} ms "
            f"(less reading: median {median(system):,.0f} ms, "
            f"p90 {percentile(system, 0.9):,.0f} ms)"
        )
        print(
            f"  of which ask to the console: median {median(to_console):,.0f} ms, "
            f"p90 {percentile(to_console, 0.9):,.0f} ms; decision sent to heard: "
            f"median {median(to_decided):,.0f} ms, p90 {percentile(to_decided, 0.9):,.0f} ms"
        )
        print(
            f"console render, {args.queue} waiting: {spread(render, ' ms', 1000)}"
            f" (stdev {statistics.pstdev(render) * 1000:.0f} ms)"
        )
        ratio = counts["answers"] / bench.answers_sent if bench.answers_sent else 0.0
        print(
            f"published answers per panellist action: {ratio:.2f} "
            f"({counts['answers']} published / {bench.answers_sent} answer frames)"
        )
        if bench.repeated_adds:
            print(
                f"note: {len(bench.repeated_adds)} queue_add frames reached a moderator a second "
                f"time (moderator, question): {bench.repeated_adds[:10]}"
            )
        print(
            f"checked: {counts['published_items']} public items once each in order; "
            f"{counts['published_questions']} published, "
            f"{counts['declined_near_duplicates']} near-duplicates declined, "
            f"each decided once"
        )
        if problems:
            print("PROBLEMS:", *problems, sep="\n  ")
            print(server.output()[-3000:] if hasattr(server, "output") else "")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
