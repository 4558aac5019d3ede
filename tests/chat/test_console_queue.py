"""The moderator console with a full queue, without JavaScript: compact rows with the full
form only for the open one, filters and search by GET with a count per filter, and a page
whose database work does not grow with the queue."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import Question
from tests.live import LiveEvent, asked_question, make_live_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db: None) -> LiveEvent:
    live = make_live_event()
    # Under way since ten minutes ago: a question asked now is not "in advance".
    live.event.starts_at = timezone.now() - timedelta(minutes=10)
    live.event.ends_at = live.event.starts_at + timedelta(hours=1)
    live.event.save(update_fields=["starts_at", "ends_at"])
    return live


@pytest.fixture
def queue(live: LiveEvent) -> dict[str, Question]:
    """Four waiting questions, one for each filter."""
    questions = {
        "urgent": asked_question(live, "Someone is outside my door now"),
        "details": asked_question(live, "My number is 07700 900123, can you call me?"),
        "advance": asked_question(live, "Asked the day before: what is a hate incident?"),
        "addressed": asked_question(live, "Can Mencap help?", to={"agency": "mencap"}),
    }
    Question.objects.filter(pk=questions["urgent"].pk).update(is_urgent=True)
    Question.objects.filter(pk=questions["advance"].pk).update(
        asked_at=live.event.starts_at - timedelta(days=1)
    )
    return questions


def _console(client: Client, live: LiveEvent, query: str = "") -> tuple[object, str]:
    client.force_login(live.moderator)
    response = client.get(reverse("chat:moderate", args=[live.event.slug]) + query)
    return response, response.content.decode()


def _shown(response: object) -> list[str]:
    return [row.question["body"] for row in response.context["queue"] if row.shown]


def test_rows_are_compact_and_only_the_open_one_has_its_form(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    opened = queue["details"]

    _, closed = _console(client, live)
    _, with_one_open = _console(client, live, f"?open={opened.pk}")

    assert closed.count('class="app-queue-item app-queue-row') == 4
    assert "app-approve-form" not in closed
    assert closed.count(">Open<span") == 4
    assert with_one_open.count("app-approve-form") == 1
    assert f'action="/events/{live.event.slug}/moderate/questions/{opened.pk}/approve/"' in (
        with_one_open
    )
    assert "Publish with details masked" in with_one_open
    assert with_one_open.count(">Close<span") == 1


def test_each_filter_shows_only_its_questions_and_counts_them(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    for name, question in queue.items():
        response, html = _console(client, live, f"?{name}=1")

        assert _shown(response) == [question.body], name
        assert f'id="queue-filter-{name}" name="{name}" type="checkbox" value="1" checked' in html
        assert "Showing 1 of 4 waiting questions." in html
        # Every row is on the page; those filtered out are hidden.
        assert html.count('class="app-queue-item app-queue-row') == 4
    _, html = _console(client, live)
    for trait in ("urgent", "details", "advance", "addressed"):
        assert f'<span data-count="{trait}">1</span>' in html


def test_filters_together_show_what_matches_all_of_them(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    response, html = _console(client, live, "?urgent=1&details=1")

    assert _shown(response) == []
    assert "No waiting question matches these filters." in html


def test_for_shows_questions_addressed_or_routed_to_an_agency_or_panellist(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    routed = queue["urgent"]
    client.force_login(live.moderator)
    client.post(
        reverse("chat:route", args=[live.event.slug, routed.pk]),
        {"to": f"panellist:{live.panellist.pk}"},
    )

    to_mencap, html = _console(client, live, "?for=agency:mencap")
    to_jo, _ = _console(client, live, f"?for=panellist:{live.panellist.pk}")

    assert _shown(to_mencap) == [routed.body, queue["addressed"].body]
    assert _shown(to_jo) == [routed.body]
    assert 'value="agency:mencap" data-label="Mencap" selected>Mencap (2)</option>' in html


def test_search_finds_words_in_any_order_and_by_reference(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    by_words, _ = _console(client, live, "?q=HATE+what")
    by_ref, _ = _console(client, live, f"?q=W-{queue['details'].pk}")
    by_addressee, _ = _console(client, live, "?q=mencap")

    assert _shown(by_words) == [queue["advance"].body]
    assert _shown(by_ref) == [queue["details"].body]
    assert _shown(by_addressee) == [queue["addressed"].body]


def test_hostile_filter_values_are_ignored_not_an_error(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    response, html = _console(
        client, live, "?for=agency:nowhere&open=99999999999999999999&urgent=&q=" + "x" * 5000
    )

    assert response.status_code == 200
    assert response.context["filters"].to == ""
    assert response.context["filters"].open_id is None
    assert len(response.context["filters"].search) == 200
    assert "app-approve-form" not in html


def test_open_and_close_links_keep_the_filters(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    question = queue["urgent"]

    _, html = _console(client, live, f"?urgent=1&q=door&open={question.pk}")
    _, closed = _console(client, live, "?urgent=1&q=door")

    assert f'href="?urgent=1&amp;q=door#queue-{question.pk}">Close' in html
    assert f'href="?urgent=1&amp;q=door&amp;open={question.pk}#queue-{question.pk}">Open' in closed


def test_a_plain_form_post_goes_back_to_the_queue_as_it_was_filtered(
    client: Client, live: LiveEvent, queue: dict[str, Question]
) -> None:
    question = queue["urgent"]
    _, html = _console(client, live, f"?urgent=1&q=door&open={question.pk}")
    assert 'name="console_query" value="urgent=1&amp;q=door"' in html

    declined = client.post(
        reverse("chat:reject", args=[live.event.slug, question.pk]),
        {"reason": "Please call 999 now.", "console_query": "urgent=1&q=door&evil=<x>"},
    )

    assert declined["Location"] == (
        reverse("chat:moderate", args=[live.event.slug]) + "?urgent=1&q=door"
    )


def test_console_queries_do_not_grow_with_the_queue(
    client: Client, live: LiveEvent, django_assert_num_queries
) -> None:
    client.force_login(live.moderator)
    url = reverse("chat:moderate", args=[live.event.slug])
    asked_question(live, "The first")
    client.get(url)  # the session and the caches warm
    with django_assert_num_queries(QUERIES_WITH_A_QUEUE) as one:
        client.get(url + "?urgent=1&q=first")
    for n in range(60):
        asked_question(live, f"Question {n}", to={"agency": "mencap"} if n % 2 else None)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url + "?urgent=1&q=first")
    assert len(response.context["queue"]) == 61


# The console's queries with any number waiting, the staff room's pane and the similar
# questions' notes included (pinned: it must not grow with the queue).
QUERIES_WITH_A_QUEUE = 27
