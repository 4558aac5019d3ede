"""Demo data: the seed article's webchat (Met, CPS and Mencap), plus one event live now.

Safe to load any number of times, whatever staff have added: each demo row is found by the
loader's own key for it (demo.models.DemoRow), never by a name staff may also use. A demo row
that a superuser deleted (`manage.py remove_demo`, or the admin) is not made again.
"""

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import CRISIS_WORKERS
from archive.models import Transcript
from chat.services import demo_exchange_publish
from demo.models import DemoRow
from events import services
from events.enums import AgencyKind, EventStatus
from events.models import Agency, Event, Panellist, PanelSeat, Topic

LONDON = ZoneInfo("Europe/London")
M = TypeVar("M", bound=models.Model)

AGENCIES = [
    {
        "slug": "metropolitan-police",
        "name": "Metropolitan Police Service",
        "short_name": "MPS",
        "kind": AgencyKind.POLICE,
        "website": "https://www.met.police.uk/",
        "description": "London's police service.",
        "helpline_name": "Police non-emergency number",
        "helpline_number": "101",
        "helpline_hours": "24 hours a day",
        "helpline_url": "https://www.met.police.uk/ro/report/",
    },
    {
        "slug": "crown-prosecution-service",
        "name": "Crown Prosecution Service",
        "short_name": "CPS",
        "kind": AgencyKind.PROSECUTION,
        "website": "https://www.cps.gov.uk/",
        "description": "Prosecutes criminal cases investigated by the police in England "
        "and Wales, and supports victims and witnesses through the prosecution process.",
        "helpline_name": "",
        "helpline_number": "",
        "helpline_hours": "",
        "helpline_url": "",
    },
    {
        "slug": "mencap",
        "name": "Mencap",
        "short_name": "Mencap",
        "kind": AgencyKind.CHARITY,
        "website": "https://www.mencap.org.uk/",
        "description": "The voice of learning disability.",
        "helpline_name": "Learning Disability Helpline",
        "helpline_number": "0808 808 1111",
        "helpline_hours": "Monday to Friday, 9am to 5pm",
        "helpline_url": "https://www.mencap.org.uk/advice-and-support",
    },
]

# (name, role title, agency slug), in the order the article introduces them.
PANELLISTS = [
    ("Toks Adesuyan", "Legal and Stakeholder Manager, CPS London", "crown-prosecution-service"),
    ("Jo Davies", "Campaigns and Policy Officer, Mencap", "mencap"),
    ("Jo Keogh", "Crisis Intervention Worker, Metropolitan Police Service", "metropolitan-police"),
    (
        "DCI Sam Faulkner",
        "Detective Chief Inspector, leads the Met-wide response to hate crime and "
        "domestic violence",
        "metropolitan-police",
    ),
]

TOPICS = [("Hate crime", "hate-crime"), ("Domestic violence", "domestic-violence")]

# The live demo's published questions and answers: (question, answer, index in PANELLISTS).
DEMO_EXCHANGES = [
    (
        "Can I report hate crime online instead of going to a police station?",
        "Yes. You can report it online through True Vision or your local police force's "
        "website, or call 101. If you are in danger now, call 999.",
        3,
    ),
    (
        "I have a learning disability. Can someone come with me when I talk to the police?",
        "Yes. You can bring someone you trust, and you can ask the police for an "
        "intermediary, who helps you understand the questions and be understood.",
        1,
    ),
    (
        "What happens after I report something?",
        "An officer will contact you to talk about what happened and what you would like "
        "to happen next. You can ask for updates at any time, and be put in touch with "
        "support services even if you do not want to go to court.",
        3,
    ),
]

SEED_EVENT_SLUG = "hate-crime-and-domestic-violence-webchat"
SEED_EVENT_DESCRIPTION = (
    "Specialist officers from the Metropolitan Police are joined by the Crown Prosecution "
    "Service and Mencap to answer your questions about the work they do to prevent hate crime "
    "and domestic violence, support victims and bring offenders to justice.\n\n"
    "Ask what support is available to victims, the different ways to let the police know "
    "what is happening, and how witnesses are supported in court, for example by giving "
    "evidence behind screens or by video link."
)


def next_london_slot(
    *, now: datetime, hour: int = 18, minutes: int = 60
) -> tuple[datetime, datetime]:
    """The next hour-long slot starting at `hour` London time that has not yet started."""
    local_now = now.astimezone(LONDON)
    day = local_now.date()
    starts = datetime.combine(day, time(hour), tzinfo=LONDON)
    if starts <= local_now:
        starts = datetime.combine(day + timedelta(days=1), time(hour), tzinfo=LONDON)
    return starts, starts + timedelta(minutes=minutes)


@dataclass(frozen=True)
class DemoSummary:
    # None when a superuser deleted it (it is not made again).
    seed_event: Event | None
    live_event: Event | None
    created: int
    # The administrators made the demo webchats' crisis workers (their emails).
    crisis_workers: list[str]


def agency_key(slug: str) -> str:
    return f"agency:{slug}"


def panellist_key(name: str) -> str:
    return f"panellist:{name}"


def topic_key(slug: str) -> str:
    return f"topic:{slug}"


def event_key(slug: str) -> str:
    return f"event:{slug}"


class _Rows:
    """The demo's own rows, found by their DemoRow key. What staff made is never taken for
    demo data, and a demo row a superuser deleted is not made again."""

    def __init__(self) -> None:
        self.recorded = {row.key: row for row in DemoRow.objects.all()}
        self.created = 0

    def get_or_make(self, key: str, model: type[M], make: Callable[[], M]) -> M | None:
        row = self.recorded.get(key)
        if row is not None:
            return model._default_manager.filter(pk=row.object_id).first()
        made = make()
        self.recorded[key] = DemoRow.objects.create(
            key=key, content_type=ContentType.objects.get_for_model(model), object_id=made.pk
        )
        self.created += 1
        return made


def _unused(model: type[models.Model], **fields: str) -> dict[str, str]:
    """`fields` (unique ones: name, slug) as given, or marked "(demo)" where staff already use
    one, so a team's own "Mencap" and the demo's never collide."""
    taken = model._default_manager.filter(
        functools.reduce(operator.or_, (Q(**{name: value}) for name, value in fields.items()))
    ).exists()
    if not taken:
        return fields
    return {
        name: f"{value}-demo" if name == "slug" else f"{value} (demo)"
        for name, value in fields.items()
    }


def _agency_make(fields: Mapping[str, object]) -> Agency:
    other = {key: value for key, value in fields.items() if key not in ("slug", "name")}
    return Agency.objects.create(
        **_unused(Agency, slug=str(fields["slug"]), name=str(fields["name"])), **other
    )


def _topic_make(*, name: str, slug: str) -> Topic:
    return Topic.objects.create(**_unused(Topic, slug=slug, name=name))


@transaction.atomic
def demo_load(*, now: datetime | None = None) -> DemoSummary:
    now = now or timezone.now()
    rows = _Rows()
    agencies = {
        str(fields["slug"]): rows.get_or_make(
            agency_key(str(fields["slug"])), Agency, functools.partial(_agency_make, fields)
        )
        for fields in AGENCIES
    }
    panellists: list[Panellist | None] = []
    for name, role, agency_slug in PANELLISTS:
        agency = agencies[agency_slug]
        panellists.append(
            None
            if agency is None
            else rows.get_or_make(
                panellist_key(name),
                Panellist,
                functools.partial(
                    Panellist.objects.create, name=name, role_title=role, agency=agency
                ),
            )
        )
    topics = [
        topic
        for name, slug in TOPICS
        if (
            topic := rows.get_or_make(
                topic_key(slug), Topic, functools.partial(_topic_make, name=name, slug=slug)
            )
        )
        is not None
    ]

    met = agencies["metropolitan-police"]
    seed_event = live_event = None
    if met is not None:
        starts, ends = next_london_slot(now=now)
        seed_event = rows.get_or_make(
            event_key(SEED_EVENT_SLUG),
            Event,
            lambda: Event.objects.create(
                **_unused(Event, slug=SEED_EVENT_SLUG),
                title="Hate crime and domestic violence: ask the panel",
                summary="Put your questions to the Met, the Crown Prosecution Service and "
                "Mencap about preventing hate crime and domestic violence and supporting "
                "victims.",
                description=SEED_EVENT_DESCRIPTION,
                starts_at=starts,
                ends_at=ends,
                questions_open_at=min(now, starts),
                lead_agency=met,
            ),
        )
    if seed_event is not None:
        _seat_panel(seed_event, panellists)
        seed_event.topics.add(*topics)
        if seed_event.status == EventStatus.DRAFT:
            services.event_schedule(event_id=seed_event.pk)

    # A fresh live demo each day, so a newcomer always finds a chat in progress.
    live_starts = now.replace(second=0, microsecond=0) - timedelta(minutes=5)
    live_slug = f"live-demo-{now.astimezone(LONDON).date().isoformat()}"
    live_panel = [panellists[3], panellists[1]]
    made_live = False
    if met is not None and all(live_panel):

        def make_live() -> Event:
            nonlocal made_live
            made_live = True
            return Event.objects.create(
                **_unused(Event, slug=live_slug),
                title="Staying safe: live demo webchat",
                summary="A demonstration webchat that is live now, so you can see how "
                "questions and answers appear.",
                description="This is demo data loaded by `manage.py load_demo`.",
                starts_at=live_starts,
                ends_at=live_starts + timedelta(hours=4),
                questions_open_at=live_starts,
                lead_agency=met,
            )

        live_event = rows.get_or_make(event_key(live_slug), Event, make_live)
    if live_event is not None:
        _seat_panel(live_event, live_panel)
        live_event.topics.add(*topics)
        if live_event.status == EventStatus.DRAFT:
            services.event_schedule(event_id=live_event.pk)
            services.event_open(event_id=live_event.pk, reason="demo data")
        if made_live:
            # A newcomer sees at once what a webchat looks like: questions with answers.
            for question, answer, answered_by in DEMO_EXCHANGES:
                answerer = panellists[answered_by]
                if answerer is not None:  # always: the live panel is complete (above)
                    demo_exchange_publish(
                        event_id=live_event.pk,
                        question=question,
                        answer=answer,
                        panellist_id=answerer.pk,
                    )
        live_event.refresh_from_db()
    if seed_event is not None:
        seed_event.refresh_from_db()
    crisis_workers = _demo_crisis_workers([e for e in (seed_event, live_event) if e is not None])
    return DemoSummary(
        seed_event=seed_event,
        live_event=live_event,
        created=rows.created,
        crisis_workers=crisis_workers,
    )


def _demo_crisis_workers(events: list[Event]) -> list[str]:
    """The portal's administrators are the demo webchats' crisis workers, so a newcomer can
    try the private lane from `make run`: go on duty in the crisis worker console, then ask
    to talk privately from the live page in another browser."""
    group, _ = Group.objects.get_or_create(name=CRISIS_WORKERS)
    admins = list(User.objects.filter(is_superuser=True, is_active=True))
    for admin in admins:
        admin.groups.add(group)
        for event in events:
            event.crisis_workers.add(admin)
    return [admin.email for admin in admins]


def _seat_panel(event: Event, panellists: list[Panellist | None]) -> None:
    for position, panellist in enumerate(panellists):
        if panellist is not None:
            PanelSeat.objects.get_or_create(
                event=event, panellist=panellist, defaults={"position": position}
            )


@dataclass(frozen=True)
class DemoRemoval:
    deleted: dict[str, int]
    # Demo rows kept because staff's own data uses them (a demo panellist on a real panel).
    kept: list[str]


@transaction.atomic
def demo_remove() -> DemoRemoval:
    """Delete every demo row still there; `demo_load` (and so `make run`) then makes none of
    them again. Events first (with their questions, feed and transcripts), then panellists,
    agencies and topics."""
    deleted: dict[str, int] = {}
    kept: list[str] = []
    order = (Event, Panellist, Agency, Topic)
    for model in order:
        content_type = ContentType.objects.get_for_model(model)
        for row in DemoRow.objects.filter(content_type=content_type):
            found = model._default_manager.filter(pk=row.object_id)
            if not found.exists():
                continue
            if model is Event:
                # A demo webchat's transcript is no public record of a real one: it goes
                # with its event (transcripts are otherwise never deleted).
                Transcript.objects.filter(event_id=row.object_id).delete()
            try:
                with transaction.atomic():
                    found.delete()
            except ProtectedError:
                kept.append(row.key)
                continue
            name = str(model._meta.verbose_name_plural)
            deleted[name] = deleted.get(name, 0) + 1
    return DemoRemoval(deleted=deleted, kept=kept)


def demo_forget_deleted() -> int:
    """Forget the demo rows that were deleted, so the next `demo_load` makes them afresh."""
    missing = []
    for row in DemoRow.objects.select_related("content_type"):
        model = row.content_type.model_class()
        if model is None or not model._default_manager.filter(pk=row.object_id).exists():
            missing.append(row.pk)
    return DemoRow.objects.filter(pk__in=missing).delete()[0]
