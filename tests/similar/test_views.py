"""The moderator console's similar questions without JavaScript: the note under each grouped
question, and its forms."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chat.models import Question
from tests.live import LiveEvent, asked_question

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "How do I report a hate crime online?"
SAME = "Where can I report a hate crime on the internet?"


def test_the_console_shows_the_group_and_publishes_it_by_form(
    client: Client, live: LiveEvent
) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)
    client.force_login(live.moderator)

    page = client.get(reverse("chat:moderate", args=[live.event.slug])).content.decode()

    assert "1 waiting question asks the same" in page
    assert f'<a class="govuk-link" href="#queue-{same.pk}">W-{same.pk}</a>' in page
    assert (
        f'Asks the same as <a class="govuk-link" href="#queue-{first.pk}">W-{first.pk}</a>' in page
    )
    assert "Publish with 1 similar attached" in page

    response = client.post(reverse("similar:publish", args=[live.event.slug, first.pk]))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Question published with 1 similar question attached. Every asker has been told."
    ]
    assert list(Question.objects.order_by("pk").values_list("state", "askers_count")) == [
        ("published", 2),
        ("merged", 1),
    ]


def test_detach_by_form_and_attach_by_form(client: Client, live: LiveEvent) -> None:
    first = asked_question(live, FIRST)
    same = asked_question(live, SAME)
    client.force_login(live.moderator)

    client.post(reverse("similar:detach", args=[live.event.slug, same.pk]))
    page = client.get(reverse("chat:moderate", args=[live.event.slug])).content.decode()
    assert "asks the same" not in page.lower()

    client.post(reverse("chat:approve", args=[live.event.slug, first.pk]))
    response = client.post(
        reverse("similar:attach", args=[live.event.slug, same.pk]), {"to_question_id": first.pk}
    )

    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Question attached. Its asker has been told."
    )
    same.refresh_from_db()
    assert (same.state, same.published_with_id) == ("merged", first.pk)


def test_a_panellist_cannot_use_the_forms(client: Client, live: LiveEvent) -> None:
    first = asked_question(live, FIRST)
    asked_question(live, SAME)
    client.force_login(live.panellist_user)

    response = client.post(reverse("similar:publish", args=[live.event.slug, first.pk]))

    assert response.status_code in {302, 403}
    first.refresh_from_db()
    assert first.state == "pending"
