# ruff: noqa: E402 - Django is set up before the project is imported.
"""Run once, in a child process against the browser tests' scratch database (see servers.py).

Migrates it and fills it the way staff and the public would have: the demo data (the
Met / CPS / Mencap webchat upcoming, a demo webchat live now), role holders each with an
authenticator app, a few published items and a waiting question on the live webchat, and an
archived webchat with its transcript. Prints what the tests need as one line of JSON.

Not a test module (no `test_` prefix): pytest never collects it.
"""

import json
import os
import uuid
from datetime import timedelta

import django

django.setup()

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import CRISIS_WORKERS, EVENT_MANAGERS, MODERATORS, PANELLISTS
from archive.services import transcript_archive
from chat import services as chat_services
from demo.loader import demo_load
from events import services
from events.models import Agency, Event, Panellist, PanelSeat

PASSWORD = os.environ["E2E_PASSWORD"]

call_command("migrate", verbosity=0, interactive=False)
now = timezone.now().replace(microsecond=0)
demo = demo_load(now=now)
upcoming, live = demo.seed_event, demo.live_event
assert upcoming is not None and live is not None  # a fresh database: the whole demo
met = Agency.objects.get(slug="metropolitan-police")


def role_holder(email: str, group: Group, **extra: object) -> tuple[User, str]:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    user.groups.add(group)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def signed_in(user: User) -> str:
    """A session as if `user` had signed in with their password and authenticator app."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    at = timezone.now().timestamp()
    session["account_authentication_methods"] = [
        {"method": "password", "at": at, "email": user.email},
        {"method": "mfa", "at": at, "type": "totp"},
    ]
    session.create()
    return str(session.session_key)


# The role groups accounts' data migration made (accounts/roles.py).
managers = Group.objects.get(name=EVENT_MANAGERS)
moderators = Group.objects.get(name=MODERATORS)
panellists = Group.objects.get(name=PANELLISTS)
crisis_workers = Group.objects.get(name=CRISIS_WORKERS)

manager, manager_secret = role_holder(
    "events@example.org", managers, is_staff=True, full_name="Priya Shah"
)
moderator, moderator_secret = role_holder(
    "moderator@example.org", moderators, full_name="Alex Moderator"
)
# The first administrator, as `ensure_admin` makes one (a superuser), with their app set up.
admin = User.objects.create_superuser(
    email="admin@example.org", password=PASSWORD, full_name="Ada Admin"
)
EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
TOTP.activate(admin, generate_totp_secret())
sam_user, sam_secret = role_holder("sam.faulkner@example.org", panellists)
sam = Panellist.objects.get(name="DCI Sam Faulkner")
sam.user = sam_user
sam.save(update_fields=["user"])
live.moderators.add(moderator)
# The seed's Crisis Intervention Worker, with an account: assigned per webchat by the tests
# that use the private lane (test_private_lane.py makes its own webchats, so the shared live
# one keeps nobody on duty and its help box stays as the other tests expect).
jo_user, jo_secret = role_holder("jo.keogh@example.org", crisis_workers, full_name="Jo Keogh")
jo = Panellist.objects.get(name="Jo Keogh")
jo.user = jo_user
jo.save(update_fields=["user"])

# The live demo: an announcement, a question answered by the panel, and one waiting question
# with a phone number in it (the moderator console shows what it found).
chat_services.announcement_post(
    event_id=live.pk, actor_id=moderator.pk, body="Welcome. The panel is here until 8pm."
)
asker = chat_services.participant_for(event_id=live.pk, user_id=None, guest_token=uuid.uuid4())
asked = chat_services.question_ask(
    event_id=live.pk,
    participant_id=asker.pk,
    client_id=str(uuid.uuid4()),
    body="Can I report hate crime online instead of going to a police station?",
    to={"agency": "metropolitan-police"},
)
chat_services.question_approve(question_id=asked.question["question_id"], actor_id=moderator.pk)
chat_services.question_answer(
    question_id=asked.question["question_id"],
    actor_id=sam_user.pk,
    body="Yes. You can report it online with True Vision, or call 101.",
)
waiting = chat_services.participant_for(event_id=live.pk, user_id=None, guest_token=uuid.uuid4())
chat_services.question_ask(
    event_id=live.pk,
    participant_id=waiting.pk,
    client_id=str(uuid.uuid4()),
    body="My neighbour keeps shouting at me. Call me on 07700 900123 please.",
    nickname="Sam",
)

# A member of the public with an account: a reminder for the upcoming webchat and a
# question at the live one (what "Your questions" and the event page show them).
member = User.objects.create_user(email="member@example.org", password=PASSWORD)
EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
services.event_follow(event_id=upcoming.pk, user_id=member.pk)
member_participant = chat_services.participant_for(
    event_id=live.pk, user_id=member.pk, guest_token=None
)
chat_services.question_ask(
    event_id=live.pk,
    participant_id=member_participant.pk,
    client_id=str(uuid.uuid4()),
    body="Where can my son get support after being bullied for his disability?",
)

# An archived webchat from last week, with its transcript.
past_start = now - timedelta(days=7)
archived = Event.objects.create(
    title="Supporting witnesses at court",
    slug="supporting-witnesses-at-court",
    summary="How witnesses are supported when they give evidence.",
    starts_at=past_start,
    ends_at=past_start + timedelta(hours=1),
    questions_open_at=past_start,
    lead_agency=Agency.objects.get(slug="crown-prosecution-service"),
)
toks = Panellist.objects.get(name="Toks Adesuyan")
toks_user, _ = role_holder("toks.adesuyan@example.org", panellists)
toks.user = toks_user
toks.save(update_fields=["user"])
PanelSeat.objects.create(event=archived, panellist=toks, position=0)
archived.moderators.add(moderator)
services.event_schedule(event_id=archived.pk)
services.event_open(event_id=archived.pk)
witness = chat_services.participant_for(
    event_id=archived.pk, user_id=None, guest_token=uuid.uuid4()
)
question = chat_services.question_ask(
    event_id=archived.pk,
    participant_id=witness.pk,
    client_id=str(uuid.uuid4()),
    body="Can I give evidence without seeing the defendant?",
)
chat_services.question_approve(question_id=question.question["question_id"], actor_id=moderator.pk)
chat_services.question_answer(
    question_id=question.question["question_id"],
    actor_id=toks_user.pk,
    body="Yes. You can ask for screens, or to give evidence by video link.",
)
services.event_close(event_id=archived.pk)
transcript_archive(event_id=archived.pk)
archived.refresh_from_db()
assert archived.status == "archived", archived.status

print(
    json.dumps(
        {
            "upcoming_slug": upcoming.slug,
            "live_slug": live.slug,
            "live_id": live.pk,
            "published_question_id": asked.question["question_id"],
            "moderator_id": moderator.pk,
            "sam_panellist_id": sam.pk,
            "admin": {"email": admin.email, "session": signed_in(admin)},
            "archived_slug": archived.slug,
            "agency_slug": met.slug,
            "manager": {
                "email": manager.email,
                "secret": manager_secret,
                "session": signed_in(manager),
            },
            "moderator": {
                "email": moderator.email,
                "name": str(moderator),
                "secret": moderator_secret,
                "session": signed_in(moderator),
            },
            "crisis_worker": {
                "id": jo_user.pk,
                "email": jo_user.email,
                "secret": jo_secret,
                "session": signed_in(jo_user),
                "panellist_id": jo.pk,
            },
            "member": {"email": member.email, "session": signed_in(member)},
            "panellist": {
                "email": sam_user.email,
                "secret": sam_secret,
                "session": signed_in(sam_user),
                "name": sam.name,
            },
        }
    )
)
