"""Plain dicts that cross the async boundary and go out as frames.

Public payloads carry no personal data: no nickname, no account, no participant, never the
asker's original text when a moderator edited it.
"""

import re
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from django.utils.translation import get_language_info, gettext, gettext_noop, ngettext

from chat.enums import QuestionState
from chat.models import Answer, Question
from core import languages
from events.models import Event, PanelSeat, panel_language_codes
from safeguarding.detection import Finding, mask

MEMBER_OF_THE_PUBLIC = "Member of the public"
# Told privately to the asker of a question still waiting when the webchat closed.
UNHANDLED_MESSAGE = gettext_noop(
    "The panel did not get to your question before the webchat ended, so it was not "
    "published. If you are in danger now, call 999 (18000 by textphone or Relay UK). "
    "Otherwise call 101, or Samaritans free on 116 123 at any time, or use the helplines "
    "on this page."
)


def iso_utc(value: Any) -> str | None:
    """A time as every frame and transcript writes it: ISO 8601 in UTC, with a Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def addressed_to(question: Question) -> dict[str, Any] | None:
    if question.to_panellist_id and question.to_panellist:
        panellist = question.to_panellist
        return {
            "panellist_id": panellist.pk,
            "panellist": panellist.name,
            "agency": panellist.agency.short_name,
            "agency_slug": panellist.agency.slug,
        }
    if question.to_agency_id and question.to_agency:
        return {
            "agency": question.to_agency.short_name,
            "agency_slug": question.to_agency.slug,
        }
    return None


def routed_to(question: Question) -> dict[str, Any] | None:
    """Where a moderator routed the question (question_route), for staff only; the same
    shape as `addressed_to`."""
    if question.routed_to_panellist_id and question.routed_to_panellist:
        panellist = question.routed_to_panellist
        return {
            "panellist_id": panellist.pk,
            "panellist": panellist.name,
            "agency": panellist.agency.short_name,
            "agency_slug": panellist.agency.slug,
        }
    if question.routed_to_agency_id and question.routed_to_agency:
        return {
            "agency": question.routed_to_agency.short_name,
            "agency_slug": question.routed_to_agency.slug,
        }
    return None


def question_public(question: Question) -> dict[str, Any]:
    return {
        "kind": "question",
        "question_id": question.pk,
        "number": question.number,
        "body": question.published_body,
        "asker": MEMBER_OF_THE_PUBLIC,
        "to": addressed_to(question),
        # How many people asked it (similar questions attached by a moderator): a count,
        # never who.
        "asked_by": question.askers_count,
        # The language it was written in, as far as we know (the asker's reading language),
        # so a screen reader reads a Welsh question on an English page in Welsh: `lang`.
        "language": languages.supported(question.language) or "",
    }


def answer_language(event: Event) -> str:
    """The language an answer is written in when the event's panel answers in only one;
    "" when it answers in several (the reader's page language stands)."""
    codes = panel_language_codes(event.panel_languages)
    return (languages.supported(codes[0]) or "") if len(codes) == 1 else ""


def published_with(question: Question) -> dict[str, Any] | None:
    """For the asker of a question a moderator attached to a published one (`merged`):
    that question's public number, its state (published or answered) and how many asked
    it. Nothing of the other askers."""
    lead = question.published_with if question.published_with_id else None
    if question.state != QuestionState.MERGED or lead is None:
        return None
    return {"number": lead.number, "state": lead.state, "asked_by": lead.askers_count}


def panellist_byline(panellist: Mapping[str, Any]) -> str:
    """How an answer names its panellist: "name, role, agency", with the agency left out when
    the role already names it ("Crisis Intervention Worker, Metropolitan Police Service" or
    "Legal and Stakeholder Manager, CPS London"), so no byline says the agency twice.

    Takes the payload's dict, not the model, so transcripts archived before the byline
    existed render the same way."""
    role = str(panellist.get("role") or "")
    agency_names = (panellist.get("agency"), panellist.get("agency_short_name"))
    role_names_agency = any(
        name and re.search(rf"\b{re.escape(str(name))}\b", role, re.IGNORECASE)
        for name in agency_names
    )
    parts = [panellist.get("name"), role]
    if not role_names_agency:
        parts.append(panellist.get("agency"))
    return ", ".join(str(part) for part in parts if part)


def with_question_numbers(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A whole record's items (a transcript, in seq order) with every question's public
    number and every answer's `question_number`: as stored, or, for a record archived before
    questions had numbers, counted in the order they were published, as numbers are given."""
    numbers: dict[int, int] = {}
    numbered = []
    for item in items:
        if item["kind"] == "question":
            number = item.get("number") or len(numbers) + 1
            numbers[item["question_id"]] = number
            numbered.append({**item, "number": number})
        elif item["kind"] == "answer" and not item.get("question_number"):
            numbered.append({**item, "question_number": numbers.get(item["question_id"])})
        else:
            numbered.append(item)
    return numbered


def answer_public(
    answer: Answer, seat: PanelSeat | None, question_seq: int | None
) -> dict[str, Any]:
    panellist = answer.panellist
    who: dict[str, Any] = {
        "id": panellist.pk,
        "name": panellist.name,
        "role": seat.role if seat else panellist.role_title,
        "agency": panellist.agency.name,
        "agency_short_name": panellist.agency.short_name,
        "agency_slug": panellist.agency.slug,
    }
    who["byline"] = panellist_byline(who)
    payload: dict[str, Any] = {
        "kind": "answer",
        "answer_id": answer.pk,
        "question_id": answer.question_id,
        "question_seq": question_seq,
        "question_number": answer.question.number,
        "mode": answer.mode,
        "body": answer.body,
        "panellist": who,
        "language": answer_language(seat.event if seat else answer.question.event),
    }
    if answer.easy_read_body:
        # Only when written: an answer without one has the same payload as before.
        payload["easy_read_body"] = answer.easy_read_body
    return payload


def announcement_public(body: str) -> dict[str, Any]:
    return {"kind": "announcement", "body": body, "author": "Moderator"}


def question_for_moderators(question: Question) -> dict[str, Any]:
    """What moderators see in the queue: the asker's own words and how to reach them."""
    return {
        "question_id": question.pk,
        "ref": question.staff_ref,
        "body": question.body,
        "nickname": question.nickname,
        # The language the asker read the page in, named for staff ("Welsh"); "" if unknown.
        "language": language_name(question.language),
        "participant_id": question.participant_id,
        "is_urgent": question.is_urgent,
        "to": addressed_to(question),
        "routed_to": routed_to(question),
        "asked_at": iso_utc(question.asked_at),
        "state": question.state,
        "findings": [{"kind": f["kind"], "text": f["text"]} for f in question.findings],
        "blocked_words": list(question.blocked_words),
        "masked_body": masked_body(question),
    }


def language_name(code: str) -> str:
    """A language's English name for the consoles (staff pages are in English)."""
    try:
        return str(get_language_info(code)["name"]) if code else ""
    except KeyError:
        return ""


def masked_body(question: Question) -> str | None:
    """The question with its personal details replaced, for one-click masking."""
    if not question.findings:
        return None
    findings = [Finding(**finding) for finding in question.findings]
    return mask(question.body, findings)


PASSED_MESSAGE = gettext_noop(
    "A moderator has passed your question to the webchat's crisis worker instead of "
    "publishing it. They will reply to you privately on this page. If you are in danger now, "
    "call 999."
)


def merged_message(lead: Mapping[str, Any] | None) -> str | None:
    """What the asker of an attached question is told, in the language being read: it is
    asked, as question N, and whether that has been answered yet. The live page's script
    words it again from `published_with` (static/js/live.js, mergedMessage), since a
    frame's text may be made in another reader's language."""
    if lead is None:
        return None
    number = lead["number"]
    others = int(lead["asked_by"]) - 1
    if others > 0:
        said = ngettext(
            "A moderator published a question that asks the same as yours, as question "
            "%(number)s: you and %(others)s other person asked it.",
            "A moderator published a question that asks the same as yours, as question "
            "%(number)s: you and %(others)s other people asked it.",
            others,
        ) % {"number": number, "others": others}
    else:
        said = gettext(
            "A moderator published a question that asks the same as yours, as question %(number)s."
        ) % {"number": number}
    if lead["state"] == QuestionState.ANSWERED:
        then = gettext("It has been answered: see question %(number)s on this page.") % {
            "number": number
        }
    else:
        then = gettext("You will be told here when it is answered.")
    return f"{said} {then}"


def reason_for_asker(question: Question) -> str | None:
    """Why the question was not published, for its asker: the moderator's reason for a
    decline, or that the panel did not get to it (with where to find help)."""
    if question.state == QuestionState.UNHANDLED:
        return UNHANDLED_MESSAGE
    if question.state == QuestionState.PASSED:
        return PASSED_MESSAGE
    if question.state == QuestionState.MERGED:
        return merged_message(published_with(question))
    return question.rejection_reason or None
