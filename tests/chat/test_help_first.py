"""Help first, storage second: a person in danger who asks while Redis is down is shown the
emergency help and their question is kept for the moderators (docs/operations.md, "Redis
down"). Redis here is an address where nothing listens, as after a crash."""

import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from chat import services
from chat.models import Question
from safeguarding.detection import HELP_NOW_MESSAGE
from tests.harness import free_port
from tests.live import LiveEvent

CRISIS = "He is outside my house with a knife right now and says he will kill me"


@pytest.fixture
def redis_down(settings: Settings) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": dead},
    }
    layers: dict[str, Any] = {}
    for name, layer in settings.CHANNEL_LAYERS.items():
        config = dict(layer.get("CONFIG", {}))
        if "hosts" in config:
            config["hosts"] = [
                {**host, "address": dead} if isinstance(host, dict) else dead
                for host in config["hosts"]
            ]
        layers[name] = {**layer, "CONFIG": config}
    settings.CHANNEL_LAYERS = layers
    from channels.layers import channel_layers

    channel_layers.backends.clear()


def _ask(client: Client, live: LiveEvent, body: str) -> Any:
    return client.post(
        reverse("chat:ask", args=[live.event.slug]),
        {"client_id": str(uuid.uuid4()), "body": body, "nickname": "", "to": ""},
    )


def test_a_crisis_question_through_the_form_with_redis_down_shows_help_and_is_kept(
    client: Client, live: LiveEvent, redis_down: None
) -> None:
    response = _ask(client, live, CRISIS)

    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert HELP_NOW_MESSAGE in shown
    question = Question.objects.get(event=live.event)
    assert question.body == CRISIS
    assert question.is_urgent is True


def test_a_question_asked_while_redis_was_down_is_in_the_moderators_queue_after(
    client: Client, live: LiveEvent, settings: Settings
) -> None:
    saved_caches, saved_layers = settings.CACHES, settings.CHANNEL_LAYERS
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": {**saved_caches["default"], "LOCATION": dead}}
    _ask(client, live, CRISIS)
    settings.CACHES, settings.CHANNEL_LAYERS = saved_caches, saved_layers

    moderator = Client()
    moderator.force_login(live.moderator)
    page = moderator.get(reverse("chat:moderate", args=[live.event.slug]))

    assert page.status_code == 200
    assert CRISIS in page.content.decode()


def test_rate_limits_still_hold_in_this_process_while_redis_is_down(
    live: LiveEvent, redis_down: None, settings: Settings
) -> None:
    settings.CHAT_ASK_RATE_LIMIT = (2, 60)
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )

    def ask(body: str) -> Any:
        return services.question_ask(
            event_id=live.event.pk,
            participant_id=participant.pk,
            client_id=str(uuid.uuid4()),
            body=body,
        )

    ask("First question")
    ask("Second question")
    with pytest.raises(services.ChatError) as refusal:
        ask("Third question")
    assert refusal.value.code == "rate_limited"


def test_a_refused_crisis_question_still_gets_the_help(
    client: Client, live: LiveEvent, settings: Settings
) -> None:
    settings.CHAT_ASK_RATE_LIMIT = (1, 60)
    _ask(client, live, "What is a hate crime?")

    response = _ask(client, live, CRISIS)

    assert response.status_code == 429
    page = response.content.decode()
    assert CRISIS in page  # the asker keeps their text
    assert HELP_NOW_MESSAGE in page


def test_a_question_the_database_cannot_take_keeps_its_text_and_shows_help(
    client: Client, live: LiveEvent
) -> None:
    from django.db import OperationalError, connection

    def locked(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith('INSERT INTO "chat_question"'):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = _ask(client, live, CRISIS)

    assert response.status_code == 503
    page = response.content.decode()
    assert CRISIS in page
    assert "We could not save your question just now" in page
    assert HELP_NOW_MESSAGE in page
    assert not Question.objects.filter(event=live.event).exists()
