"""Time a finished webchat's report page and CSV: 5,000 questions and a 2-hour viewer series.

    .venv/bin/python bench/report_bench.py [--runs 5]

Uses a scratch SQLite database unless DATABASE_URL is set, and a private Redis unless
REDIS_URL is set (transcript_bench.bench_environment). Builds webchats of 500 and 5,000
questions (a quarter each answered, published, declined and waiting; panellists of three
agencies; varied wording for the word counts) with a viewer sample every 10 seconds for two
hours (720), and one with a sample every 5 seconds (1,440); then requests the report page
and its CSV as an event manager through Django's test client (no network). Prints the
median and best of the runs, the SQL queries per request and the response size. Figures,
not assertions: see docs/performance.md.
"""

import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from transcript_bench import bench_cli, timed

CASES = ((500, 10), (5_000, 10), (5_000, 5))
WORDS = [
    "report",
    "hate",
    "crime",
    "online",
    "station",
    "court",
    "witness",
    "support",
    "disabled",
    "neighbour",
    "police",
    "evidence",
    "victim",
    "statement",
    "helpline",
    "housing",
    "school",
    "bullying",
    "abuse",
    "safety",
    "advice",
]


def make_finished_webchat(slug: str, questions: int, sample_seconds: int) -> str:
    from django.utils import timezone

    from chat.models import Answer, Participant, Question
    from events.models import Agency, Event, Panellist, PanelSeat
    from reports.models import ViewerSample

    starts = timezone.now().replace(microsecond=0) - timedelta(days=1)
    agencies = [
        Agency.objects.get_or_create(
            slug=f"bench-agency-{index}",
            defaults={"name": f"Bench Agency {index}", "short_name": f"BA{index}"},
        )[0]
        for index in range(3)
    ]
    event = Event.objects.create(
        title=f"Bench report {questions}",
        slug=slug,
        summary="Benchmark",
        lead_agency=agencies[0],
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status="archived",
    )
    panellists = [
        Panellist.objects.create(name=f"Panellist {index}", role_title="Officer", agency=agency)
        for index, agency in enumerate(agencies * 2)
    ]
    PanelSeat.objects.bulk_create(
        PanelSeat(event=event, panellist=panellist, position=index)
        for index, panellist in enumerate(panellists)
    )
    participants = Participant.objects.bulk_create(
        Participant(event=event, guest_token=uuid.uuid4()) for _ in range(questions // 2)
    )
    states = ("answered", "published", "rejected", "pending")
    made = Question.objects.bulk_create(
        (
            Question(
                event=event,
                participant=participants[index % len(participants)],
                body=" ".join(WORDS[(index + step) % len(WORDS)] for step in range(0, 12, 3)),
                published_body=" ".join(
                    WORDS[(index + step) % len(WORDS)] for step in range(0, 12, 3)
                ),
                state=states[index % 4],
                is_urgent=index % 97 == 0,
                to_agency=agencies[index % 3] if index % 2 else None,
                moderated_at=starts + timedelta(seconds=index),
            )
            for index in range(questions)
        ),
        batch_size=2000,
    )
    Question.objects.filter(event=event).update(asked_at=starts)
    Answer.objects.bulk_create(
        (
            Answer(question=question, panellist=panellists[index % 6], body="Yes.")
            for index, question in enumerate(made)
            if question.state == "answered"
        ),
        batch_size=2000,
    )
    samples = 2 * 60 * 60 // sample_seconds
    ViewerSample.objects.bulk_create(
        (
            ViewerSample(
                event=event,
                sampled_at=starts + timedelta(seconds=sample_seconds * index),
                viewers=200 + (index * 37) % 400,
            )
            for index in range(samples)
        ),
        batch_size=2000,
    )
    return slug


def event_manager_client() -> object:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group
    from django.test import Client

    from accounts.models import User
    from accounts.roles import EVENT_MANAGERS

    user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex}@example.org")
    user.groups.add(Group.objects.get_or_create(name=EVENT_MANAGERS)[0])
    TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


def run(runs: int) -> None:
    from django.db import connection

    client = event_manager_client()
    print(f"database: {connection.vendor}; {runs} runs each; times in milliseconds")
    print(
        f"{'questions':>9} {'samples':>8} {'what':<12} {'median':>9} {'best':>9} "
        f"{'queries':>8} {'KiB':>8}"
    )
    for questions, sample_seconds in CASES:
        slug = make_finished_webchat(
            f"bench-report-{questions}-{sample_seconds}-{int(time.time() * 1000)}",
            questions,
            sample_seconds,
        )
        samples = 2 * 60 * 60 // sample_seconds
        for label, url in (
            ("report page", f"/events/{slug}/report/"),
            ("CSV", f"/events/{slug}/report.csv"),
        ):
            median, best, queries, size = timed(client, url, runs)
            print(
                f"{questions:>9,} {samples:>8,} {label:<12} {median * 1000:>9.1f} "
                f"{best * 1000:>9.1f} {queries:>8} {size / 1024:>8.1f}"
            )


def main() -> int:
    return bench_cli(__doc__.splitlines()[0], run)


if __name__ == "__main__":
    sys.exit(main())
