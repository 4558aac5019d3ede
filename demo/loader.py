"""Demo data: the seed article's webchat (Met, CPS and Mencap), plus one event live now.

Safe to load any number of times: everything is looked up by its natural key first.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import CRISIS_WORKERS
from chat.services import demo_exchange_publish
from events import services
from events.enums import AgencyKind, EventStatus
from events.models import Agency, Event, Panellist, PanelSeat, Topic

LONDON = ZoneInfo("Europe/London")

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
    seed_event: Event
    live_event: Event
    created: int
    # The administrators made the demo webchats' crisis workers (their emails).
    crisis_workers: list[str]


@transaction.atomic
def demo_load(*, now: datetime | None = None) -> DemoSummary:
    now = now or timezone.now()
    created = 0
    agencies: dict[str, Agency] = {}
    for fields in AGENCIES:
        slug = str(fields["slug"])
        agency, made = Agency.objects.get_or_create(
            slug=slug, defaults={k: v for k, v in fields.items() if k != "slug"}
        )
        agencies[slug] = agency
        created += made

    panellists = []
    for name, role, agency_slug in PANELLISTS:
        panellist, made = Panellist.objects.get_or_create(
            name=name, agency=agencies[agency_slug], defaults={"role_title": role}
        )
        panellists.append(panellist)
        created += made

    topics = []
    for name, slug in TOPICS:
        topic, made = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        topics.append(topic)
        created += made

    starts, ends = next_london_slot(now=now)
    seed_event, made = Event.objects.get_or_create(
        slug=SEED_EVENT_SLUG,
        defaults={
            "title": "Hate crime and domestic violence: ask the panel",
            "summary": "Put your questions to the Met, the Crown Prosecution Service and "
            "Mencap about preventing hate crime and domestic violence and supporting victims.",
            "description": SEED_EVENT_DESCRIPTION,
            "starts_at": starts,
            "ends_at": ends,
            "questions_open_at": min(now, starts),
            "lead_agency": agencies["metropolitan-police"],
        },
    )
    created += made
    _seat_panel(seed_event, panellists)
    seed_event.topics.add(*topics)
    if seed_event.status == EventStatus.DRAFT:
        services.event_schedule(event_id=seed_event.pk)

    # A fresh live demo each day, so a newcomer always finds a chat in progress.
    live_starts = now.replace(second=0, microsecond=0) - timedelta(minutes=5)
    live_day = now.astimezone(LONDON).date().isoformat()
    live_event, made = Event.objects.get_or_create(
        slug=f"live-demo-{live_day}",
        defaults={
            "title": "Staying safe: live demo webchat",
            "summary": "A demonstration webchat that is live now, so you can see how "
            "questions and answers appear.",
            "description": "This is demo data loaded by `manage.py load_demo`.",
            "starts_at": live_starts,
            "ends_at": live_starts + timedelta(hours=4),
            "questions_open_at": live_starts,
            "lead_agency": agencies["metropolitan-police"],
        },
    )
    created += made
    _seat_panel(live_event, [panellists[3], panellists[1]])
    live_event.topics.add(*topics)
    if live_event.status == EventStatus.DRAFT:
        services.event_schedule(event_id=live_event.pk)
        services.event_open(event_id=live_event.pk, reason="demo data")
    if made:
        # A newcomer sees at once what a webchat looks like: questions with their answers.
        for question, answer, answered_by in DEMO_EXCHANGES:
            demo_exchange_publish(
                event_id=live_event.pk,
                question=question,
                answer=answer,
                panellist_id=panellists[answered_by].pk,
            )
    crisis_workers = _demo_crisis_workers([seed_event, live_event])
    seed_event.refresh_from_db()
    live_event.refresh_from_db()
    return DemoSummary(
        seed_event=seed_event,
        live_event=live_event,
        created=created,
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


def _seat_panel(event: Event, panellists: list[Panellist]) -> None:
    for position, panellist in enumerate(panellists):
        PanelSeat.objects.get_or_create(
            event=event, panellist=panellist, defaults={"position": position}
        )
