"""Time the transcript page and its JSON download at 100, 1,000 and 10,000 items.

    .venv/bin/python bench/transcript_bench.py [--runs 5]

Uses a scratch SQLite database under a temporary directory unless DATABASE_URL is set, and a
private Redis unless REDIS_URL is set. Prints one line per size: median and best times and
the number of SQL queries per request. Figures, not assertions: see docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SIZES = (100, 1_000, 10_000)


def bench_environment(stack: ExitStack) -> None:
    """Django set up on a scratch SQLite database (unless DATABASE_URL is set) and a private
    Redis (unless REDIS_URL is set), migrated; also used by the other bench scripts."""
    if not os.environ.get("DATABASE_URL"):
        scratch = stack.enter_context(tempfile.TemporaryDirectory())
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    if not os.environ.get("REDIS_URL"):
        from outreach.embedded_redis import EmbeddedRedis

        os.environ["REDIS_URL"] = stack.enter_context(EmbeddedRedis())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["STATIC_HASHED"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_cli(description: str, run: Callable[[int], None]) -> int:
    """`--runs N`, the environment, then `run(N)`: the command line of the bench scripts."""
    import warnings

    # WhiteNoise looks for collectstatic output, which a benchmark does not need.
    warnings.filterwarnings("ignore", message="No directory at")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with ExitStack() as stack:
        bench_environment(stack)
        run(args.runs)
    return 0


def main() -> int:
    return bench_cli(__doc__.splitlines()[0], run)


def make_archived_event(slug: str, items: int) -> str:
    from django.utils import timezone

    from archive import services as transcripts
    from chat.models import FeedItem
    from events.models import Agency, Event

    agency, _ = Agency.objects.get_or_create(
        slug="bench-agency", defaults={"name": "Bench Agency", "short_name": "BA"}
    )
    now = timezone.now()
    event = Event.objects.create(
        title=f"Bench {items}",
        slug=slug,
        summary="Benchmark",
        lead_agency=agency,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
        status="closed",
    )
    rows = []
    for seq in range(1, items + 1):
        question_seq = seq if seq % 2 else seq - 1
        payload = (
            {
                "kind": "question",
                "question_id": seq,
                "asker": "Member of the public",
                "to": None,
                "body": f"Question {seq}: how do I report hate crime without going to a station?",
            }
            if seq % 2
            else {
                "kind": "answer",
                "answer_id": seq,
                "question_id": question_seq,
                "question_seq": question_seq,
                "mode": "written",
                "body": f"Answer {seq}: call 101, or report online with True Vision.",
                "panellist": {
                    "id": 1,
                    "name": "Jo Davies",
                    "role": "Officer",
                    "agency": agency.name,
                    "agency_short_name": "BA",
                    "agency_slug": agency.slug,
                },
            }
        )
        rows.append(
            FeedItem(
                event=event,
                seq=seq,
                kind=str(payload["kind"]),
                published_at=now,
                payload={
                    "type": "message",
                    "seq": seq,
                    **payload,
                    "published_at": "2026-11-24T18:00:00Z",
                },
            )
        )
    FeedItem.objects.bulk_create(rows, batch_size=2000)
    transcripts.transcript_archive(event_id=event.pk)
    return slug


def timed(client: object, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    durations = []
    queries = size = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            durations.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries, size = len(captured.captured_queries), len(response.content)
    return statistics.median(durations), min(durations), queries, size


def run(runs: int) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    print(f"database: {connection.vendor}; {runs} runs each; times in milliseconds")
    print(f"{'items':>7} {'what':<16} {'median':>9} {'best':>9} {'queries':>8} {'KiB':>8}")
    for items in SIZES:
        slug = make_archived_event(f"bench-{items}-{int(time.time() * 1000)}", items)
        for label, url in (
            ("transcript page", f"/transcripts/{slug}/"),
            ("JSON download", f"/transcripts/{slug}.json"),
        ):
            median, best, queries, size = timed(client, url, runs)
            print(
                f"{items:>7} {label:<16} {median * 1000:>9.1f} {best * 1000:>9.1f} "
                f"{queries:>8} {size / 1024:>8.1f}"
            )


if __name__ == "__main__":
    sys.exit(main())
