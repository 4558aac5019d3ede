"""References to questions in staff messages: "#12" (a public number) and "W-34" (staff's
reference for a question that is not public, chat.models.staff_ref) become links to the
question in the console. Each is resolved against the event's own questions only."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from chat.enums import FeedKind
from chat.models import FeedItem, Question

# Not inside a word or another reference ("abc#12", "#12#3", "HW-3"); at most 9 digits.
REFERENCE = re.compile(r"(?<![\w#-])(?:#(?P<number>\d{1,9})|[Ww]-(?P<pk>\d{1,9}))(?![\w-])")


@dataclass(frozen=True)
class QuestionLink:
    """Where a referenced question is, for each kind of page the staff room is shown on:
    a moderator's console (waiting or published), a panellist's (published only), the
    public live page (published only). None where that page does not show it."""

    question_id: int
    moderator: str | None
    panellist: str | None
    public: str | None

    def as_frame(self) -> dict[str, object]:
        return {
            "question_id": self.question_id,
            "links": {
                "moderator": self.moderator,
                "panellist": self.panellist,
                "public": self.public,
            },
        }


def tokens_in(bodies: list[str]) -> tuple[set[int], set[int]]:
    """The public numbers and question ids the bodies name."""
    numbers: set[int] = set()
    pks: set[int] = set()
    for body in bodies:
        for found in REFERENCE.finditer(body):
            if found["number"]:
                numbers.add(int(found["number"]))
            else:
                pks.add(int(found["pk"]))
    return numbers, pks


def resolve(*, event_id: int, slug: str, bodies: list[str]) -> dict[str, QuestionLink]:
    """Every reference in `bodies` that names a question of this event ("#12", "W-34",
    normalised upper-case), with its links: two queries however many there are."""
    numbers, pks = tokens_in(bodies)
    if not numbers and not pks:
        return {}
    questions = list(
        Question.objects.filter(
            Q(number__in=numbers) | Q(pk__in=pks), event_id=event_id
        ).values_list("pk", "number")
    )
    seqs = dict(
        FeedItem.objects.filter(
            event_id=event_id, kind=FeedKind.QUESTION, question_id__in=[pk for pk, _ in questions]
        ).values_list("question_id", "seq")
    )
    moderate = reverse("chat:moderate", args=[slug])
    panel = reverse("chat:panel", args=[slug])
    live = reverse("chat:live", args=[slug])
    links: dict[str, QuestionLink] = {}
    for pk, number in questions:
        seq = seqs.get(pk)
        link = QuestionLink(
            question_id=pk,
            moderator=f"{moderate}#item-{seq}" if seq else f"{moderate}#queue-{pk}",
            panellist=f"{panel}#question-{pk}" if seq else None,
            public=f"{live}#item-{seq}" if seq else None,
        )
        if pk in pks:
            links[f"W-{pk}"] = link
        if number is not None and number in numbers:
            links[f"#{number}"] = link
    return links


def parts(body: str, links: dict[str, QuestionLink]) -> list[dict[str, object]]:
    """The body cut into text and references: a reference this event knows carries its
    links; one it does not (a typo, another event's) stays text."""
    out: list[dict[str, object]] = []
    at = 0
    for found in REFERENCE.finditer(body):
        token = found.group(0).upper()
        link = links.get(token)
        if link is None:
            continue
        if found.start() > at:
            out.append({"text": body[at : found.start()]})
        out.append({"text": found.group(0), **link.as_frame()})
        at = found.end()
    if at < len(body):
        out.append({"text": body[at:]})
    return out
