"""Answer review: at an event that reviews answers, a panellist's answer is a draft that only
its reviewers (or, when it names none, its moderators) and the panellist see, until a reviewer
publishes it (as it is or edited) or returns it with a comment for the panellist to revise."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from chat import selectors, services
from chat.enums import DraftAction, DraftState, QuestionState
from chat.models import Answer, AnswerDraft, AnswerDraftEvent, FeedItem, Question
from chat.protocol import ErrorCode
from chat.services import ChatError
from events.consoles import roles_by_event
from tests.factories import ReviewerFactory, StaffFactory
from tests.live import LiveEvent, asked_question, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    live = make_live_event()
    live.event.answers_reviewed = True
    live.event.save(update_fields=["answers_reviewed"])
    return live


def _published(live: LiveEvent, body: str = "Can I report online?") -> Question:
    question = asked_question(live, body)
    services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    question.refresh_from_db()
    return question


def _draft(live: LiveEvent, question: Question, body: str = "Yes, on our website.") -> AnswerDraft:
    result = services.question_answer(
        question_id=question.pk, actor_id=live.panellist_user.pk, body=body
    )
    assert result is None
    return AnswerDraft.objects.get(question=question, body=body)


def _history(draft: AnswerDraft) -> list[tuple[str, str, str]]:
    return [
        (step.action, step.body, step.comment)
        for step in AnswerDraftEvent.objects.filter(draft=draft)
    ]


def test_answer_at_a_reviewed_event_is_a_draft_and_never_public(live: LiveEvent) -> None:
    question = _published(live)

    draft = _draft(live, question)

    assert draft.state == DraftState.SUBMITTED
    assert not Answer.objects.exists()
    assert list(FeedItem.objects.values_list("kind", flat=True)) == ["question"]
    question.refresh_from_db()
    assert question.state == QuestionState.PUBLISHED
    assert "Yes, on our website." not in json.dumps(
        list(FeedItem.objects.values_list("payload", flat=True))
    )


def test_answer_at_an_event_without_review_is_published_at_once() -> None:
    live = make_live_event("no-review")
    question = _published(live)

    seq = services.question_answer(
        question_id=question.pk, actor_id=live.panellist_user.pk, body="Yes."
    )

    assert seq == 2
    assert not AnswerDraft.objects.exists()


def test_moderators_review_when_the_event_names_no_reviewers(live: LiveEvent) -> None:
    question = _published(live)
    draft = _draft(live, question)

    assert services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk) is True

    answer = FeedItem.objects.get(kind="answer")
    assert answer.payload["body"] == "Yes, on our website."
    assert answer.payload["panellist"]["name"] == "Jo Davies"
    assert answer.payload["question_number"] == 1
    draft.refresh_from_db()
    assert draft.state == DraftState.PUBLISHED
    assert draft.answer_id == answer.answer_id
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED


def test_a_named_reviewer_reviews_and_the_moderators_then_do_not(live: LiveEvent) -> None:
    reviewer = ReviewerFactory(email="cps-lawyer@example.org")
    live.event.reviewers.add(reviewer)
    draft = _draft(live, _published(live))

    with pytest.raises(ChatError) as refused:
        services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk)
    published = services.answer_draft_publish(draft_id=draft.pk, actor_id=reviewer.pk)

    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert published is True


def test_the_panellist_cannot_publish_their_own_draft(live: LiveEvent) -> None:
    draft = _draft(live, _published(live))

    with pytest.raises(ChatError) as refused:
        services.answer_draft_publish(draft_id=draft.pk, actor_id=live.panellist_user.pk)

    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert not Answer.objects.exists()


def test_edit_then_publish_publishes_the_edit_and_keeps_both_versions(live: LiveEvent) -> None:
    draft = _draft(live, _published(live), body="Yes, ring DC Smith on 07700 900123.")

    services.answer_draft_publish(
        draft_id=draft.pk, actor_id=live.moderator.pk, body="Yes, ring 101."
    )

    assert FeedItem.objects.get(kind="answer").payload["body"] == "Yes, ring 101."
    assert _history(draft) == [
        (DraftAction.SUBMITTED, "Yes, ring DC Smith on 07700 900123.", ""),
        (DraftAction.EDITED, "Yes, ring 101.", ""),
        (DraftAction.PUBLISHED, "Yes, ring 101.", ""),
    ]


def test_return_then_resubmit_then_publish_keeps_the_whole_history(live: LiveEvent) -> None:
    draft = _draft(live, _published(live), body="Maybe.")

    services.answer_draft_return(
        draft_id=draft.pk, actor_id=live.moderator.pk, comment="Say which form to use."
    )
    returned = AnswerDraft.objects.get(pk=draft.pk)
    services.answer_draft_resubmit(
        draft_id=draft.pk, actor_id=live.panellist_user.pk, body="Use the online form."
    )
    services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk)

    assert (returned.state, returned.comment) == (DraftState.RETURNED, "Say which form to use.")
    assert _history(draft) == [
        (DraftAction.SUBMITTED, "Maybe.", ""),
        (DraftAction.RETURNED, "Maybe.", "Say which form to use."),
        (DraftAction.RESUBMITTED, "Use the online form.", ""),
        (DraftAction.PUBLISHED, "Use the online form.", ""),
    ]
    assert FeedItem.objects.get(kind="answer").payload["body"] == "Use the online form."


def test_return_needs_a_comment(live: LiveEvent) -> None:
    draft = _draft(live, _published(live))

    with pytest.raises(ChatError) as refused:
        services.answer_draft_return(draft_id=draft.pk, actor_id=live.moderator.pk, comment=" ")

    assert refused.value.code == ErrorCode.INVALID
    draft.refresh_from_db()
    assert draft.state == DraftState.SUBMITTED


def test_a_returned_draft_cannot_be_published_until_resubmitted(live: LiveEvent) -> None:
    draft = _draft(live, _published(live))
    services.answer_draft_return(draft_id=draft.pk, actor_id=live.moderator.pk, comment="No.")

    with pytest.raises(ChatError) as refused:
        services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk)

    assert refused.value.code == ErrorCode.CONFLICT
    assert not Answer.objects.exists()


def test_publishing_twice_publishes_once(live: LiveEvent) -> None:
    draft = _draft(live, _published(live))
    services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk)

    again = services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk)

    assert again is False
    assert FeedItem.objects.filter(kind="answer").count() == 1


def test_only_the_drafts_panellist_may_resubmit_it(live: LiveEvent) -> None:
    draft = _draft(live, _published(live))
    services.answer_draft_return(draft_id=draft.pk, actor_id=live.moderator.pk, comment="No.")

    with pytest.raises(ChatError) as refused:
        services.answer_draft_resubmit(
            draft_id=draft.pk, actor_id=live.moderator.pk, body="Sneaky."
        )

    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_review_console_lists_waiting_drafts_and_publishes_an_edit_by_form(
    client: Client, live: LiveEvent
) -> None:
    draft = _draft(live, _published(live), body="Draft words.")
    client.force_login(live.moderator)
    page = client.get(reverse("chat:review", args=[live.event.slug]))

    response = client.post(
        reverse("chat:review_publish", args=[live.event.slug, draft.pk]),
        {"body": "Reviewed words."},
    )

    assert page.status_code == 200
    assert "Answer from Jo Davies to question 1" in page.content.decode()
    assert "Draft words." in page.content.decode()
    assert response["Location"] == reverse("chat:review", args=[live.event.slug])
    assert FeedItem.objects.get(kind="answer").payload["body"] == "Reviewed words."
    after = client.get(response["Location"]).content.decode()
    assert "Answer published." in after
    assert "No answers are waiting for review." in after


def test_review_console_is_refused_to_the_panellist_and_the_public(
    client: Client, live: LiveEvent
) -> None:
    url = reverse("chat:review", args=[live.event.slug])
    client.force_login(live.panellist_user)

    assert client.get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to sign in


def test_panellist_sees_the_returned_draft_with_the_comment_and_resubmits_by_form(
    client: Client, live: LiveEvent
) -> None:
    draft = _draft(live, _published(live), body="Maybe.")
    services.answer_draft_return(
        draft_id=draft.pk, actor_id=live.moderator.pk, comment="Name the form."
    )
    client.force_login(live.panellist_user)

    console = client.get(reverse("chat:panel", args=[live.event.slug])).content.decode()
    client.post(
        reverse("chat:resubmit", args=[live.event.slug, draft.pk]),
        {"body": "Use form A."},
    )

    assert "Returned to the panellist" in console
    assert "Name the form." in console
    draft.refresh_from_db()
    assert (draft.state, draft.body) == (DraftState.SUBMITTED, "Use form A.")


def test_answer_by_form_says_it_is_with_the_reviewers(client: Client, live: LiveEvent) -> None:
    question = _published(live)
    client.force_login(live.panellist_user)

    response = client.post(
        reverse("chat:answer", args=[live.event.slug, question.pk]),
        {"body": "Yes."},
        follow=True,
    )

    assert "Your answer is with the reviewers. It is not public until one publishes it." in (
        response.content.decode()
    )
    assert not Answer.objects.exists()


def test_a_named_reviewer_lands_on_the_review_console_from_your_webchats(
    live: LiveEvent,
) -> None:
    reviewer = ReviewerFactory(email="reviewer@example.org")
    live.event.reviewers.add(reviewer)

    roles = roles_by_event(reviewer)

    assert [(role.name, role.console_url(live.event)) for role in roles[live.event.pk]] == [
        ("reviewer", f"/events/{live.event.slug}/review/")
    ]


async def test_draft_frames_reach_reviewers_and_the_panellist_but_not_the_public_or_panel(
    live: LiveEvent, connect
) -> None:
    question = await db(_published)(live)
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    panellist = await connect(live.event.slug, user=live.panellist_user)
    other_panellist_user = await db(_seat_other_panellist)(live)
    other = await connect(live.event.slug, user=other_panellist_user)

    await panellist.send({"type": "answer", "question_id": question.pk, "body": "Draft."})

    to_moderator = await moderator.until_type("answer_draft")
    draft_id = await db(lambda: AnswerDraft.objects.get().pk)()
    expected = {
        "type": "answer_draft",
        "draft_id": draft_id,
        "question_id": question.pk,
        "number": 1,
        "panellist": {"id": live.panellist.pk, "name": "Jo Davies"},
        "mode": "written",
        "body": "Draft.",
        "state": "submitted",
        "comment": None,
    }
    assert to_moderator == expected
    assert await panellist.until_type("answer_draft") == expected
    for socket in (viewer, other):
        # Staff consoles are told the watching count; nothing else may come.
        while not await socket.communicator.receive_nothing(timeout=0.3):
            assert (await socket.receive())["type"] == "viewers", socket.frames
    assert "Draft." not in json.dumps(viewer.frames + other.frames)


def _seat_other_panellist(live: LiveEvent) -> object:
    from tests.factories import PanellistUserFactory

    user = PanellistUserFactory(email="sam@example.org")
    live.other_panellist.user = user
    live.other_panellist.save(update_fields=["user"])
    return user


def test_review_list_reads_in_two_queries_however_many_drafts(
    live: LiveEvent, django_assert_num_queries
) -> None:
    for number in range(3):
        draft = _draft(live, _published(live, f"Question {number}?"), body=f"Answer {number}.")
    services.answer_draft_publish(draft_id=draft.pk, actor_id=live.moderator.pk, body=None)

    with django_assert_num_queries(2):
        waiting = selectors.drafts_for_review(event_id=live.event.pk)

    assert [(row["body"], [step["action"] for step in row["history"]]) for row in waiting] == [
        ("Answer 0.", ["Submitted"]),
        ("Answer 1.", ["Submitted"]),
    ]


def test_admin_shows_a_drafts_history_for_audit(client: Client, live: LiveEvent) -> None:
    draft = _draft(live, _published(live), body="Maybe.")
    services.answer_draft_return(
        draft_id=draft.pk, actor_id=live.moderator.pk, comment="Name the form."
    )
    client.force_login(StaffFactory(email="admin@example.org"))

    page = client.get(reverse("admin:chat_answerdraft_change", args=[draft.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Submitted") < html.index("Returned with a comment")
    assert "Name the form." in html


def test_panel_console_says_an_answer_goes_for_review_first(
    client: Client, live: LiveEvent
) -> None:
    _published(live)
    client.force_login(live.panellist_user)

    html = client.get(reverse("chat:panel", args=[live.event.slug])).content.decode()

    assert "Send answer for review" in html
    assert "Publish answer" not in html
    assert 'data-answers-reviewed="true"' in html


def test_moderator_console_links_to_the_review_console_while_moderators_review(
    client: Client, live: LiveEvent
) -> None:
    client.force_login(live.moderator)
    review = reverse("chat:review", args=[live.event.slug])
    moderate = reverse("chat:moderate", args=[live.event.slug])

    before = client.get(moderate).content.decode()
    live.event.reviewers.add(ReviewerFactory(email="named-reviewer@example.org"))
    after = client.get(moderate).content.decode()

    assert f'href="{review}"' in before
    assert f'href="{review}"' not in after
