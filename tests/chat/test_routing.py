"""Routing: a moderator sends a waiting or published question to an agency or a panellist of
the panel; each panellist's console then shows it under "For you", "For your agency" or
"Everything else". Moderators and panellists hear it; the public never does."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from chat import selectors, services
from chat.enums import PanelGroup, QuestionState
from chat.models import FeedItem, Question
from chat.protocol import ErrorCode
from chat.services import ChatError
from events.models import PanelSeat
from events.roles import event_roles
from tests.factories import PanellistFactory, PanellistUserFactory
from tests.live import LiveEvent, asked_question, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    return make_live_event()


def _published(live: LiveEvent, body: str, **options: object) -> Question:
    question = asked_question(live, body, **options)
    services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    question.refresh_from_db()
    return question


def _route(live: LiveEvent, question: Question, to: dict[str, object] | None) -> bool:
    return services.question_route(
        question_id=question.pk, actor_id=live.moderator.pk, to=to, event_id=live.event.pk
    )


def test_route_to_a_panellist_is_kept_for_staff_and_out_of_every_public_payload(
    live: LiveEvent,
) -> None:
    question = _published(live, "Can Mencap help me report?")

    changed = _route(live, question, {"panellist": live.panellist.pk})

    question.refresh_from_db()
    assert changed is True
    assert question.routed_to_panellist_id == live.panellist.pk
    assert question.routed_by_id == live.moderator.pk
    assert question.routed_at is not None
    public = json.dumps(list(FeedItem.objects.values_list("payload", flat=True)))
    assert "Jo Davies" not in public
    assert "routed" not in public


def test_route_twice_to_the_same_place_changes_nothing(live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    _route(live, question, {"agency": "mencap"})

    assert _route(live, question, {"agency": "mencap"}) is False


def test_route_none_clears_the_routing(live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    _route(live, question, {"agency": "mencap"})

    assert _route(live, question, None) is True

    question.refresh_from_db()
    assert (question.routed_to_agency_id, question.routed_to_panellist_id) == (None, None)


def test_route_to_someone_off_the_panel_is_refused(live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    outsider = PanellistFactory(name="Not On Panel")

    with pytest.raises(ChatError) as refused:
        _route(live, question, {"panellist": outsider.pk})

    assert refused.value.code == ErrorCode.INVALID
    question.refresh_from_db()
    assert question.routed_to_panellist_id is None


def test_route_of_a_declined_question_is_refused(live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    services.question_reject(question_id=question.pk, actor_id=live.moderator.pk, reason="No")

    with pytest.raises(ChatError) as refused:
        _route(live, question, {"agency": "mencap"})

    assert refused.value.code == ErrorCode.CONFLICT
    assert refused.value.message == (
        "This question is declined: only waiting or published questions can be routed."
    )


def test_route_by_a_panellist_is_refused(live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")

    with pytest.raises(ChatError) as refused:
        services.question_route(
            question_id=question.pk, actor_id=live.panellist_user.pk, to={"agency": "mencap"}
        )

    assert refused.value.code == ErrorCode.NOT_ALLOWED
    question.refresh_from_db()
    assert question.routed_to_agency_id is None


def test_panel_groups_put_routing_before_the_askers_address(live: LiveEvent) -> None:
    for_met = _published(live, "For the police", to={"agency": "met"})
    for_anyone = _published(live, "For anyone")
    for_jo = _published(live, "For Jo, by routing")
    for_mencap = _published(live, "For Mencap", to={"agency": "mencap"})
    # Asked of the police; a moderator sends it to Jo (Mencap) instead.
    _route(live, for_met, {"panellist": live.panellist.pk})
    _route(live, for_jo, {"panellist": live.panellist.pk})
    roles = event_roles(user=live.panellist_user, event=live.event)

    questions = selectors.questions_for_panel(
        feed=selectors.feed_after(event_id=live.event.pk),
        roles=roles,
        routes=selectors.question_routes(event_id=live.event.pk),
    )

    assert [(q["question_id"], q["group"]) for q in questions] == [
        (for_jo.pk, PanelGroup.FOR_YOU),
        (for_met.pk, PanelGroup.FOR_YOU),
        (for_mencap.pk, PanelGroup.FOR_AGENCY),
        (for_anyone.pk, PanelGroup.REST),
    ]


def test_panel_group_of_a_colleagues_question_is_everything_else(live: LiveEvent) -> None:
    colleague = PanellistFactory(name="Ali Khan", agency=live.panellist.agency)
    PanelSeat.objects.create(event=live.event, panellist=colleague, position=2)
    question = _published(live, "For Ali")
    _route(live, question, {"panellist": colleague.pk})
    roles = event_roles(user=live.panellist_user, event=live.event)

    (shown,) = selectors.questions_for_panel(
        feed=selectors.feed_after(event_id=live.event.pk),
        roles=roles,
        routes=selectors.question_routes(event_id=live.event.pk),
    )

    assert shown["group"] == PanelGroup.REST


def test_panel_console_shows_three_groups_with_the_routed_question_for_you(
    client: Client, live: LiveEvent
) -> None:
    question = _published(live, "Routed to Jo")
    _route(live, question, {"panellist": live.panellist.pk})
    client.force_login(live.panellist_user)

    html = client.get(reverse("chat:panel", args=[live.event.slug])).content.decode()

    labels = ("For you (", "For your agency (", "Everything else (")
    headings = [html.index(label) for label in labels]
    assert headings == sorted(headings)
    for_you = html[html.index('id="panel-group-for_you"') : html.index("For your agency (")]
    assert f'id="question-{question.pk}"' in for_you
    assert "Routed by a moderator to Jo Davies (Mencap)" in for_you


def test_route_by_the_console_form_saves_and_goes_back(client: Client, live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    client.force_login(live.moderator)

    response = client.post(
        reverse("chat:route", args=[live.event.slug, question.pk]), {"to": "agency:mencap"}
    )

    assert response.status_code == 302
    # Back to the console with the question still open.
    assert response["Location"] == (
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={question.pk}"
    )
    question.refresh_from_db()
    assert question.routed_to_agency.slug == "mencap"
    html = client.get(response["Location"]).content.decode()
    assert "Routing saved. The panel sees it on their console." in html
    assert '<option value="agency:mencap" selected>' in html


def test_route_by_form_from_a_panellist_changes_nothing(client: Client, live: LiveEvent) -> None:
    question = asked_question(live, "Who do I call?")
    client.force_login(live.panellist_user)

    client.post(reverse("chat:route", args=[live.event.slug, question.pk]), {"to": "agency:met"})

    question.refresh_from_db()
    assert question.routed_to_agency_id is None
    assert question.state == QuestionState.PENDING


def test_live_page_never_says_where_a_question_was_routed(live: LiveEvent) -> None:
    question = _published(live, "Who handles this?")
    _route(live, question, {"panellist": live.panellist.pk})

    html = Client().get(reverse("chat:live", args=[live.event.slug])).content.decode()

    assert "Who handles this?" in html
    assert "Routed" not in html
    assert "routed_to" not in html


async def test_route_frame_reaches_moderators_and_panellists_but_not_the_public(
    live: LiveEvent, connect
) -> None:
    question = await db(_published)(live, "Who handles this?")
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    panellist = await connect(live.event.slug, user=live.panellist_user)
    other_user = await db(PanellistUserFactory)(email="not-on-this-panel@example.org")
    stranger = await connect(live.event.slug, user=other_user)

    await moderator.send(
        {"type": "route", "question_id": question.pk, "to": {"panellist": live.panellist.pk}}
    )

    expected = {
        "type": "question_routed",
        "question_id": question.pk,
        "ref": f"W-{question.pk}",
        "number": 1,
        "state": "published",
        "routed_to": {
            "panellist_id": live.panellist.pk,
            "panellist": "Jo Davies",
            "agency": "Mencap",
            "agency_slug": "mencap",
        },
    }
    assert await moderator.until_type("question_routed") == expected
    assert await panellist.until_type("question_routed") == expected
    await viewer.nothing_more()
    await stranger.nothing_more()
    assert "question_routed" not in json.dumps(viewer.frames + stranger.frames)


async def test_route_frame_from_a_panellist_is_refused_not_allowed(
    live: LiveEvent, connect
) -> None:
    question = await db(asked_question)(live, "Who handles this?")
    panellist = await connect(live.event.slug, user=live.panellist_user)

    await panellist.send({"type": "route", "question_id": question.pk, "to": {"agency": "met"}})

    refused = await panellist.until_type("error")
    assert refused["code"] == "not_allowed"
