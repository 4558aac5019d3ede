# ruff: noqa: E402 - Django is set up before the project is imported.
"""Run by tests/e2e/test_report.py against the browser tests' portal (Portal.run): a finished
webchat with a report worth looking at, made through the services, with its viewers counted
by the sampling service from the hubs' Redis hash. Its history is then spread over an hour
(the services stamp everything "now"). Prints the slug as JSON. Not a test module.
"""

import json
import uuid
from datetime import timedelta

import django

django.setup()

import redis
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from chat import services
from chat.models import Answer, Question
from events import services as event_services
from events.models import Agency, Event, Panellist, PanelSeat, Topic
from realtime.hub import viewers_key
from reports.models import ViewerSample
from reports.services import viewer_samples_take

QUESTIONS = [
    ("How do I report hate crime online?", "metropolitan-police"),
    ("Can I report hate crime without giving my name?", "metropolitan-police"),
    ("Will I have to go to court as a witness?", "crown-prosecution-service"),
    ("What support is there for witnesses at court?", "crown-prosecution-service"),
    ("Can I give evidence by video link?", "crown-prosecution-service"),
    ("Is hate crime online treated the same as in the street?", None),
    ("What happens after I report hate crime to the police?", "metropolitan-police"),
    ("How long does a court case take?", "crown-prosecution-service"),
]

now = timezone.now().replace(microsecond=0)
starts = now - timedelta(hours=2)
met = Agency.objects.get(slug="metropolitan-police")
event = Event.objects.create(
    title="Reporting hate crime: after the webchat",
    slug=f"report-demo-{uuid.uuid4().hex[:6]}",
    summary="A finished webchat with a report.",
    # Live now (so the portal's beat does not close it early); moved back an hour at the end.
    starts_at=now - timedelta(minutes=1),
    ends_at=now + timedelta(hours=1),
    questions_open_at=now - timedelta(days=1),
    lead_agency=met,
)
event.topics.add(Topic.objects.get_or_create(slug="hate-crime", defaults={"name": "Hate crime"})[0])
moderator = User.objects.get(email="moderator@example.org")
event.moderators.add(moderator)
sam = Panellist.objects.get(name="DCI Sam Faulkner")
toks = Panellist.objects.get(name="Toks Adesuyan")
PanelSeat.objects.create(event=event, panellist=sam, position=0)
PanelSeat.objects.create(event=event, panellist=toks, position=1)
answerer = {"metropolitan-police": sam.user, "crown-prosecution-service": toks.user, None: sam.user}
event_services.event_schedule(event_id=event.pk)
event_services.event_open(event_id=event.pk)

# Two server processes' counts, as the hubs write them; the service sums the fresh ones.
client = redis.Redis.from_url(settings.REDIS_URL)
client.hset(
    viewers_key(event.pk), mapping={"a": f"41:{now.timestamp()}", "b": f"23:{now.timestamp()}"}
)
viewer_samples_take()
client.delete(viewers_key(event.pk))

for index, (body, agency) in enumerate(QUESTIONS * 2):
    participant = services.participant_for(
        event_id=event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    asked = services.question_ask(
        event_id=event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
        to={"agency": agency} if agency else None,
    )
    question_id = asked.question["question_id"]
    if index % 5 == 4:
        services.question_reject(
            question_id=question_id, actor_id=moderator.pk, reason="Asked already."
        )
        continue
    if index == 15:
        continue  # left waiting
    services.question_approve(question_id=question_id, actor_id=moderator.pk)
    if index % 3:
        services.question_answer(
            question_id=question_id, actor_id=answerer[agency].pk, body="Thank you: here is how."
        )
event_services.event_close(event_id=event.pk)

# Spread the history over the hour the webchat ran, as it would have happened.
Event.objects.filter(pk=event.pk).update(
    starts_at=starts, ends_at=starts + timedelta(hours=1), questions_open_at=starts
)
for index, question in enumerate(Question.objects.filter(event=event).order_by("pk")):
    asked_at = starts + timedelta(minutes=3 * index)
    Question.objects.filter(pk=question.pk).update(
        asked_at=asked_at,
        moderated_at=asked_at + timedelta(minutes=1 + index % 4) if question.moderated_at else None,
    )
    Answer.objects.filter(question=question).update(
        answered_at=asked_at + timedelta(minutes=4 + index % 6)
    )
ViewerSample.objects.filter(event=event).delete()
ViewerSample.objects.bulk_create(
    ViewerSample(
        event=event,
        sampled_at=starts + timedelta(seconds=10 * index),
        viewers=round(20 + 60 * min(index, 240) / 240 - 30 * max(index - 240, 0) / 120),
    )
    for index in range(360)
)
print(json.dumps({"slug": event.slug}))
