"""Time the moderator console's server render with a full queue: 50, 500 and 2,000 waiting.

    .venv/bin/python bench/console_render_bench.py [--runs 5]

Uses a scratch SQLite database unless DATABASE_URL is set, and a private Redis unless
REDIS_URL is set (transcript_bench.bench_environment). Builds a live webchat with that many
waiting questions (urgent one in 50, personal details one in 10, a fifth asked in advance,
half addressed to one of three agencies; varied wording) and 40 published items, then
requests the console as its moderator through Django's test client (no network): the whole
queue, filtered and searched, and with one question open. Prints the median and best of the
runs, the SQL queries per request (the same whatever the queue) and the page's size.
Figures, not assertions: see docs/performance.md.
"""

import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_bench import WORDS
from transcript_bench import bench_cli, timed

SIZES = (50, 500, 2_000)


def make_live_webchat(slug: str, waiting: int) -> tuple[str, int]:
    """A live webchat with `waiting` questions in its queue; its slug and first question."""
    from django.utils import timezone

    from chat import services
    from chat.models import Participant, Question
    from events.models import Agency, Event, Panellist, PanelSeat

    now = timezone.now().replace(microsecond=0)
    agencies = [
        Agency.objects.get_or_create(
            slug=f"bench-agency-{index}",
            defaults={"name": f"Bench Agency {index}", "short_name": f"BA{index}"},
        )[0]
        for index in range(3)
    ]
    event = Event.objects.create(
        title=f"Bench console {waiting}",
        slug=slug,
        summary="Benchmark",
        lead_agency=agencies[0],
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
        status="live",
    )
    panellists = [
        Panellist.objects.create(name=f"Panellist {index}", role_title="Officer", agency=agency)
        for index, agency in enumerate(agencies + agencies[:1])
    ]
    PanelSeat.objects.bulk_create(
        PanelSeat(event=event, panellist=panellist, position=index)
        for index, panellist in enumerate(panellists)
    )
    participants = Participant.objects.bulk_create(
        Participant(event=event, guest_token=uuid.uuid4()) for _ in range(waiting)
    )
    Question.objects.bulk_create(
        (
            Question(
                event=event,
                participant=participants[index],
                body=" ".join(WORDS[(index + step) % len(WORDS)] for step in range(0, 40, 3)),
                nickname=f"Asker {index}" if index % 3 else "",
                is_urgent=index % 50 == 0,
                findings=(
                    [{"kind": "phone", "text": "07700 900123", "start": 0, "end": 12}]
                    if index % 10 == 0
                    else []
                ),
                to_agency=agencies[index % 3] if index % 2 else None,
            )
            for index in range(waiting)
        ),
        batch_size=2000,
    )
    questions = Question.objects.filter(event=event).order_by("pk")
    early = [question.pk for index, question in enumerate(questions) if index % 5 == 0]
    Question.objects.filter(pk__in=early).update(asked_at=event.starts_at - timedelta(hours=1))
    moderator = moderator_user(event)
    for index in range(20):
        asked = Question.objects.create(
            event=event, participant=participants[index], body=f"Published {index} report"
        )
        services.question_approve(question_id=asked.pk, actor_id=moderator.pk, event_id=event.pk)
        services.announcement_post(event_id=event.pk, actor_id=moderator.pk, body=f"Note {index}")
    return slug, questions.first().pk  # type: ignore[union-attr]


_moderators: dict[str, Any] = {}


def moderator_user(event: Any) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import MODERATORS

    user = _moderators.get("user")
    if user is None:
        user = User.objects.create_user(email=f"bench-{uuid.uuid4().hex}@example.org")
        user.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
        TOTP.activate(user, generate_totp_secret())
        _moderators["user"] = user
    event.moderators.add(user)
    return user


def run(runs: int) -> None:
    from django.db import connection
    from django.test import Client

    print(f"database: {connection.vendor}; {runs} runs each; times in milliseconds")
    print(f"{'waiting':>7} {'what':<22} {'median':>9} {'best':>9} {'queries':>8} {'KiB':>8}")
    client = None
    for waiting in SIZES:
        slug, first = make_live_webchat(
            f"bench-console-{waiting}-{int(time.time() * 1000)}", waiting
        )
        if client is None:
            client = Client()
            client.force_login(_moderators["user"])
        base = f"/events/{slug}/moderate/"
        for label, url in (
            ("whole queue", base),
            ("filtered and searched", f"{base}?urgent=1&addressed=1&q=report+court"),
            ("one question open", f"{base}?open={first}"),
        ):
            median, best, queries, size = timed(client, url, runs)
            print(
                f"{waiting:>7,} {label:<22} {median * 1000:>9.1f} {best * 1000:>9.1f} "
                f"{queries:>8} {size / 1024:>8.1f}"
            )


def main() -> int:
    return bench_cli(__doc__.splitlines()[0], run)


if __name__ == "__main__":
    sys.exit(main())
