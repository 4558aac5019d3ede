"""Personal details are found for the moderator; a question about danger now is urgent and
its asker is pointed to emergency help at once."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import FeedItem, Question
from safeguarding.detection import HELP_NOW_MESSAGE, find_personal_details, mask, says_in_danger_now
from tests.live import LiveEvent, make_live_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_phrases"),
]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Call me on 07700 900123 please", "phone", "07700 900123"),
        ("my number is +44 7911 123456", "phone", "+44 7911 123456"),
        ("landline 020 7946 0958", "phone", "020 7946 0958"),
        ("write to ann.smith@example.org", "email", "ann.smith@example.org"),
        ("I live near SW1A 1AA", "postcode", "SW1A 1AA"),
        ("we moved to 12 Acacia Road last year", "address", "12 Acacia Road"),
        ("I was born 03/04/1990", "date_of_birth", "03/04/1990"),
        ("my date of birth is 3rd April 1990", "date_of_birth", "3rd April 1990"),
        ("his car is AB12 CDE", "vehicle", "AB12 CDE"),
    ],
)
def test_each_kind_of_personal_detail_is_found(text: str, kind: str, found: str) -> None:
    assert [(f.kind, f.text) for f in find_personal_details(text)] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "How do I report hate crime online?",
        "In 2019 there were 1200 reports; call 101 or 116 123.",
        "The meeting on 03/04/2024 was helpful.",  # a date, but not a date of birth
        "Ten minutes left.",
    ],
)
def test_ordinary_questions_have_no_findings(text: str) -> None:
    assert find_personal_details(text) == []


def test_masking_names_what_was_removed() -> None:
    text = "Ring 07700 900123 or email a@example.org"

    assert mask(text, find_personal_details(text)) == (
        "Ring [phone removed] or email [email removed]"
    )


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("He is going to kill me, what do I do", True),
        ("I want to   END MY LIFE", True),
        ("Someone is outside my door right now", True),
        ("How do the police handle stalking?", False),
    ],
)
def test_danger_now_phrases(text: str, urgent: bool) -> None:
    assert says_in_danger_now(text) is urgent


async def test_question_about_danger_now_is_urgent_and_the_asker_gets_help_at_once(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)

    await asker.send(
        {
            "type": "ask",
            "client_id": str(uuid.uuid4()),
            "body": "He is here now and going to hurt me. I'm at 12 Acacia Road.",
        }
    )

    help_now = await asker.until_type("help_now")
    queued = (await moderator.until_type("queue_add"))["question"]
    assert help_now == {"type": "help_now", "message": HELP_NOW_MESSAGE}
    assert queued["is_urgent"] is True
    assert queued["findings"] == [{"kind": "address", "text": "12 Acacia Road"}]
    assert queued["masked_body"] == "He is here now and going to hurt me. I'm at [address removed]."
    await viewer.nothing_more()
    assert "help_now" not in str(moderator.frames)


def test_asking_by_form_about_danger_now_shows_emergency_help(live: LiveEvent) -> None:
    client = Client()

    page = client.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "I want to kill myself", "to": ""},
        follow=True,
    )

    assert HELP_NOW_MESSAGE.replace("'", "&#x27;") in page.content.decode()
    assert Question.objects.get().is_urgent is True


def test_moderator_publishes_with_details_masked_in_one_click(live: LiveEvent) -> None:
    Client().post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": "Call me on 07700 900123 about it", "to": ""},
    )
    question = Question.objects.get()
    moderator = Client()
    moderator.force_login(live.moderator)

    console = moderator.get(
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={question.pk}"
    ).content.decode()
    assert "Publish with details masked" in console
    moderator.post(
        reverse("chat:approve", args=[live.event.slug, question.pk]),
        {"body": "Call me on [phone removed] about it"},
    )

    assert FeedItem.objects.get().payload["body"] == "Call me on [phone removed] about it"
    assert "07700" not in str(FeedItem.objects.get().payload)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    return make_live_event()


def test_blocked_words_flag_the_question_for_the_moderator_only_as_whole_words() -> None:
    from safeguarding.detection import blocked_words_in

    assert blocked_words_in("you are a total wanker") == ["wanker"]
    assert blocked_words_in("Scunthorpe police station") == []


def test_data_migration_seeds_the_default_lists() -> None:
    import importlib

    seeded = importlib.import_module("chat.migrations.0006_default_safeguarding_phrases")
    from safeguarding.detection import BLOCKED_WORDS, CRISIS_PHRASES

    assert tuple(seeded.CRISIS) == CRISIS_PHRASES
    assert tuple(seeded.BLOCKED) == BLOCKED_WORDS


def test_the_events_own_agencies_helplines_and_addresses_are_not_flagged_but_a_callers_are(
    live: LiveEvent,
) -> None:
    mencap = live.panellist.agency
    mencap.helpline_number = "0161 496 0718"
    mencap.address = "Mencap North West, 12 Tib Lane, Manchester M2 4JB"
    mencap.save()

    Client().post(
        reverse("chat:ask", args=[live.event.slug]),
        {
            "client_id": str(uuid.uuid4()),
            "body": (
                "Is 0161 496 0718 still open, or should I go to 12 Tib Lane? "
                "My number is 07700 900123"
            ),
            "to": "",
        },
    )

    assert Question.objects.get().findings == [
        {"kind": "phone", "start": 73, "end": 85, "text": "07700 900123"}
    ]
