"""The moderator console's queue as shown: filters, search and counts per filter.

Worked out in Python over the queue the console already read (one query whatever the
filters), so the counts cost nothing and the page's query count does not grow with the
queue. static/js/console.js filters the same way as the moderator types (the row's
`data-traits` and `data-to`, and its text); without JavaScript the form's GET does it here.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

WELL_FORMED_CHOICE = re.compile(r"(agency:[\w-]{1,100}|panellist:[0-9]{1,15})")
# The longest search kept: a search is a few words, and every byte from the network is hostile.
MAX_SEARCH_CHARS = 200


@dataclass(frozen=True)
class Trait:
    name: str
    label: str


# The filters' GET names, labels and order on the console.
TRAITS = (
    Trait("urgent", "Urgent"),
    Trait("details", "Has personal details"),
    Trait("advance", "Asked in advance"),
    Trait("addressed", "Addressed or routed to someone"),
)
TRAIT_NAMES = frozenset(trait.name for trait in TRAITS)


@dataclass(frozen=True)
class QueueFilters:
    traits: frozenset[str] = frozenset()
    # A route choice ("agency:<slug>", "panellist:<id>"): addressed or routed to them.
    to: str = ""
    search: str = ""
    # The question whose full form is shown (the others are compact rows).
    open_id: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict, *, to_choices: set[str] | None) -> "QueueFilters":
        """From the console's GET; anything it does not know is ignored, not an error.
        `to_choices` None (a form post naming the filters to go back to): any well-formed
        choice is kept, the console's GET then checks it."""
        traits = frozenset(name for name in TRAIT_NAMES if query.get(name))
        to = query.get("for", "")
        if to_choices is None:
            to_choices = {to} if WELL_FORMED_CHOICE.fullmatch(to) else set()
        open_text = query.get("open", "")
        return cls(
            traits=traits,
            to=to if to in to_choices else "",
            search=" ".join(query.get("q", "")[:MAX_SEARCH_CHARS].split()),
            open_id=int(open_text) if open_text.isdigit() and len(open_text) < 16 else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.traits or self.to or self.search)

    def query(self, **extra: Any) -> str:
        """These filters as a query string (for the Open and Close links)."""
        pairs: list[tuple[str, Any]] = [(name, "1") for name in sorted(self.traits)]
        if self.to:
            pairs.append(("for", self.to))
        if self.search:
            pairs.append(("q", self.search))
        pairs += [(name, value) for name, value in extra.items() if value is not None]
        return urlencode(pairs)


def _targets(question: dict[str, Any]) -> list[str]:
    """The route choices a question is for: as its asker addressed it and as a moderator
    routed it (chat.forms: "agency:<slug>", "panellist:<id>")."""
    targets = []
    for to in (question.get("to"), question.get("routed_to")):
        if not to:
            continue
        if to.get("panellist_id"):
            targets.append(f"panellist:{to['panellist_id']}")
        if to.get("agency_slug"):
            targets.append(f"agency:{to['agency_slug']}")
    return targets


def _text(to: dict[str, Any] | None) -> str:
    if not to:
        return ""
    return f"{to['panellist']} {to['agency']}" if to.get("panellist") else str(to["agency"])


@dataclass
class QueueRow:
    question: dict[str, Any]
    traits: list[str]
    targets: list[str]
    shown: bool = True
    open: bool = False
    search_text: str = field(default="", repr=False)


def queue_rows(
    queue: list[dict[str, Any]], *, starts_at: datetime, filters: QueueFilters
) -> list[QueueRow]:
    rows = []
    for question in queue:
        traits = []
        if question["is_urgent"]:
            traits.append("urgent")
        if question["findings"]:
            traits.append("details")
        if datetime.fromisoformat(question["asked_at"]) < starts_at:
            traits.append("advance")
        targets = _targets(question)
        if targets:
            traits.append("addressed")
        search_text = " ".join(
            (
                question["ref"],
                question["body"],
                question["nickname"] or "",
                _text(question["to"]),
                _text(question["routed_to"]),
            )
        ).casefold()
        row = QueueRow(question, traits, targets, search_text=search_text)
        row.shown = (
            filters.traits.issubset(traits)
            and (not filters.to or filters.to in targets)
            and all(word in search_text for word in filters.search.casefold().split())
        )
        row.open = row.shown and question["question_id"] == filters.open_id
        rows.append(row)
    return rows


def trait_counts(rows: list[QueueRow]) -> dict[str, int]:
    """How many waiting questions each filter would show on its own."""
    counts = dict.fromkeys(TRAIT_NAMES, 0)
    for row in rows:
        for trait in row.traits:
            counts[trait] += 1
    return counts


def target_counts(rows: list[QueueRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        for target in set(row.targets):
            counts[target] = counts.get(target, 0) + 1
    return counts
