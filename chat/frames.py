"""Every frame the server sends, built here and nowhere else (docs/protocol.md, "Server to
client", documents each; tests/chat/test_frames.py holds the two together).

Public payloads (what a published item says) are in chat/payloads.py; a builder here puts
one in its frame.
"""

from typing import Any

from chat import payloads
from chat.models import AnswerDraft, Question
from events.models import Event


def status(event: Event) -> dict[str, Any]:
    """The `status` frame: what the status means travels with it, so no client keeps a table
    of its own (events.enums.EventStatus is the one home)."""
    value = event.status_enum
    return {
        "type": "status",
        "status": event.status,
        "label": value.public_label,
        "tag": value.tag_class,
        "finished": value.is_finished,
        "starts_at": payloads.iso_utc(event.starts_at),
        "ends_at": payloads.iso_utc(event.ends_at),
        "questions_open_at": payloads.iso_utc(event.questions_open_at),
        "accepting_questions": event.accepts_questions(),
    }


def session(
    *, roles: list[str], panellist_id: int | None, agency_slug: str | None
) -> dict[str, Any]:
    return {
        "type": "session",
        "roles": roles,
        "panellist_id": panellist_id,
        "agency_slug": agency_slug,
    }


def pinned(seq: int | None) -> dict[str, Any]:
    return {"type": "pinned", "seq": seq}


def message(*, seq: int, payload: dict[str, Any], published_at: str | None) -> dict[str, Any]:
    """A published item: its seq, what it says (chat.payloads) and when."""
    return {"type": "message", "seq": seq, **payload, "published_at": published_at}


def synced(last_seq: int, *, more: bool = False) -> dict[str, Any]:
    """The snapshot or a resume is out; `more`: only a page of it (chat/replay.py), the
    client asks for the rest with `resume` from `last_seq`."""
    if more:
        return {"type": "synced", "last_seq": last_seq, "more": True}
    return {"type": "synced", "last_seq": last_seq}


def ack(*, client_id: str, question: dict[str, Any]) -> dict[str, Any]:
    """The answer to an accepted `ask`, from the asker's own view of the question."""
    return {
        "type": "ack",
        "client_id": client_id,
        "question_id": question["question_id"],
        "state": question["state"],
    }


def own_question(question: Question) -> dict[str, Any]:
    """What the asker sees of their own question, privately. `edited`: a moderator changed
    the wording before publishing it (to remove details); the asker is shown the published
    wording, as everyone else sees it."""
    return {
        "type": "own_question",
        "question_id": question.pk,
        "number": question.number,
        "client_id": str(question.client_id),
        "body": question.body,
        "published_body": question.published_body or None,
        "edited": question.was_edited,
        "state": question.state,
        "reason": payloads.reason_for_asker(question),
        # `merged`: the published question it was attached to, which answers it too.
        "published_with": payloads.published_with(question),
    }


def me_too(*, question_id: int, count: int) -> dict[str, Any]:
    """To the person who said "I want to know this too": counted, and how many have."""
    return {"type": "me_too", "question_id": question_id, "count": count}


def asked_by(question: Question) -> dict[str, Any]:
    """Public: more people asked a published question (a moderator attached similar
    questions to it after it was published). A count, never who."""
    return {
        "type": "asked_by",
        "question_id": question.pk,
        "number": question.number,
        "count": question.askers_count,
    }


def help_now(message_text: str, *, question_id: int | None = None) -> dict[str, Any]:
    """The help box, to the asker alone. `question_id` when it comes after the question's
    ack (the second reading), so the page offers the private lane for that question."""
    frame: dict[str, Any] = {"type": "help_now", "message": message_text}
    if question_id is not None:
        frame["question_id"] = question_id
    return frame


def muted(message_text: str) -> dict[str, Any]:
    return {"type": "muted", "message": message_text}


def queue(questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "queue", "questions": questions}


def queue_add(question: Question) -> dict[str, Any]:
    return {"type": "queue_add", "question": payloads.question_for_moderators(question)}


def queue_urgent(question: Question) -> dict[str, Any]:
    """To the event's moderators: a waiting question has been flagged urgent since it was
    queued (the second reading); the console moves it to the top."""
    return {"type": "queue_urgent", "question": payloads.question_for_moderators(question)}


def queue_remove(question: Question) -> dict[str, Any]:
    # `number`: its public number once published, so the console says the number the
    # public sees ("Question 3 published"), not the staff reference.
    return {
        "type": "queue_remove",
        "question_id": question.pk,
        "ref": question.staff_ref,
        "number": question.number,
        "state": question.state,
    }


def question_routed(question: Question) -> dict[str, Any]:
    """To the event's moderators and panellists (never the public): where a moderator sent
    the question; `routed_to` null when the routing was cleared."""
    return {
        "type": "question_routed",
        "question_id": question.pk,
        "ref": question.staff_ref,
        "number": question.number,
        "state": question.state,
        "routed_to": payloads.routed_to(question),
    }


def answer_draft(draft: AnswerDraft) -> dict[str, Any]:
    """A draft answer as it now stands, to the event's reviewers and its panellist only
    (answer review): `comment` is the reviewer's when it was returned."""
    return {
        "type": "answer_draft",
        "draft_id": draft.pk,
        "question_id": draft.question_id,
        "number": draft.question.number,
        "panellist": {"id": draft.panellist_id, "name": draft.panellist.name},
        "mode": draft.mode,
        "body": draft.body,
        "state": draft.state,
        "comment": draft.comment or None,
    }


def participant_muted(participant_id: int) -> dict[str, Any]:
    return {"type": "participant_muted", "participant_id": participant_id}


def feed(*, live: bool) -> dict[str, Any]:
    """Whether items arrive at once (`live`) or late, read back from the database every few
    seconds while Redis is unavailable."""
    return {"type": "feed", "live": live}


def viewers(count: int) -> dict[str, Any]:
    return {"type": "viewers", "count": count}


def error(code: str, message_text: str, *, client_id: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message_text}
    if client_id:
        frame["client_id"] = client_id
    return frame
