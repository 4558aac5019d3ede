"""Scores the safeguarding detectors against the labelled corpus in chat/safeguarding_corpus/.

`manage.py safeguarding_eval` prints the tables; tests/chat/test_safeguarding_eval.py holds
the held-out figures to the targets. See chat/safeguarding_corpus/README.md for the corpus
and how its held-out fifth was fixed.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from chat import crisis
from chat.safeguarding import CRISIS_PHRASES, Finding, find_personal_details

CORPUS_DIR = Path(__file__).resolve().parent / "safeguarding_corpus"
SPLITS = ("dev", "heldout")
CRISIS_CATEGORIES = (crisis.DANGER_NOW, crisis.SELF_HARM)
ORDINARY_CATEGORIES = ("ordinary", "near_miss")
ALL_ORDINARY = "all ordinary"
ALL_DETAILS = "all details"
# The targets in issue 15: share of crisis messages flagged, of ordinary ones flagged.
CRISIS_RECALL_TARGET = 0.95
CRISIS_FALSE_ALARM_TARGET = 0.05
DETAILS_RECALL_TARGET = 0.90
DETAILS_FALSE_POSITIVE_TARGET = 0.02


@dataclass(frozen=True)
class Example:
    split: str
    category: str  # crisis: danger_now, self_harm, ordinary, near_miss; details: a kind or none
    text: str
    details: tuple[str, ...] = ()  # the substrings that must be masked (details corpus only)


@dataclass(frozen=True)
class Score:
    category: str
    split: str
    measure: str  # "recall" or "false alarms"
    hits: int  # messages flagged (false alarms) or caught (recall)
    total: int
    target: float

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def meets_target(self) -> bool:
        if self.measure == "recall":
            return self.rate >= self.target
        return self.rate <= self.target


def _read(name: str) -> list[dict[str, str]]:
    with (CORPUS_DIR / name).open(encoding="utf-8", newline="") as corpus:
        return list(csv.DictReader(corpus, delimiter="\t", quoting=csv.QUOTE_NONE))


def crisis_corpus() -> list[Example]:
    return [Example(row["split"], row["category"], row["text"]) for row in _read("crisis.tsv")]


def personal_details_corpus() -> list[Example]:
    return [
        Example(
            row["split"],
            row["kind"],
            row["text"],
            tuple(part for part in row["details"].split(" | ") if part),
        )
        for row in _read("personal_details.tsv")
    ]


def crisis_flagged(text: str, staff_phrases: tuple[str, ...]) -> bool:
    return crisis.crisis_match(text, staff_phrases) is not None


def details_caught(example: Example, findings: list[Finding]) -> bool:
    """Every detail the message holds lies inside something found (so masking removes it)."""
    for detail in example.details:
        start = example.text.find(detail)
        end = start + len(detail)
        covered = [False] * len(detail)
        for finding in findings:
            for index in range(max(start, finding.start), min(end, finding.end)):
                covered[index - start] = True
        if not all(covered[i] for i, char in enumerate(detail) if not char.isspace()):
            return False
    return True


def _scores(
    examples: Iterable[Example],
    groups: dict[str, tuple[str, ...]],
    measure: str,
    target: float,
    hit: Callable[[Example], bool],
) -> list[Score]:
    examples = list(examples)
    scores = []
    for label, categories in groups.items():
        for split in SPLITS:
            chosen = [e for e in examples if e.split == split and e.category in categories]
            scores.append(
                Score(label, split, measure, sum(hit(e) for e in chosen), len(chosen), target)
            )
    return scores


def crisis_scores(
    staff_phrases: tuple[str, ...] = CRISIS_PHRASES, *, last: int | None = None
) -> list[Score]:
    """Scored with the crisis phrases a fresh install seeds, unless told other phrases; on the
    whole corpus, or on its `last` messages only (the newest batch, appended last)."""
    examples = crisis_corpus()
    if last is not None:
        examples = examples[-last:]
    flagged = {e.text: crisis_flagged(e.text, staff_phrases) for e in examples}
    return [
        *_scores(
            examples,
            {category: (category,) for category in CRISIS_CATEGORIES},
            "recall",
            CRISIS_RECALL_TARGET,
            lambda e: flagged[e.text],
        ),
        *_scores(
            examples,
            {**{c: (c,) for c in ORDINARY_CATEGORIES}, ALL_ORDINARY: ORDINARY_CATEGORIES},
            "false alarms",
            CRISIS_FALSE_ALARM_TARGET,
            lambda e: flagged[e.text],
        ),
    ]


def ordinary_for_details() -> list[Example]:
    """Questions with no personal details: the details corpus's `none` rows and the crisis
    corpus's ordinary questions (each keeps its own split)."""
    ordinary = [e for e in crisis_corpus() if e.category in ORDINARY_CATEGORIES]
    return [e for e in personal_details_corpus() if e.category == "none"] + [
        Example(e.split, "none", e.text) for e in ordinary
    ]


def personal_details_scores() -> list[Score]:
    with_details = [e for e in personal_details_corpus() if e.category != "none"]
    kinds = tuple(sorted({e.category for e in with_details}))
    return [
        *_scores(
            with_details,
            {**{kind: (kind,) for kind in kinds}, ALL_DETAILS: kinds},
            "recall",
            DETAILS_RECALL_TARGET,
            lambda e: details_caught(e, find_personal_details(e.text)),
        ),
        *_scores(
            ordinary_for_details(),
            {"ordinary questions": ("none",)},
            "false alarms",
            DETAILS_FALSE_POSITIVE_TARGET,
            lambda e: bool(find_personal_details(e.text)),
        ),
    ]


def crisis_misses(
    split: str = "dev", staff_phrases: tuple[str, ...] = CRISIS_PHRASES
) -> list[Example]:
    """Crisis messages not flagged and ordinary ones flagged, in one split."""
    return [
        e
        for e in crisis_corpus()
        if e.split == split
        and crisis_flagged(e.text, staff_phrases) != (e.category in CRISIS_CATEGORIES)
    ]


def personal_details_misses(split: str = "dev") -> list[Example]:
    with_details = [
        e
        for e in personal_details_corpus()
        if e.category != "none"
        and e.split == split
        and not details_caught(e, find_personal_details(e.text))
    ]
    flagged = [
        e for e in ordinary_for_details() if e.split == split and find_personal_details(e.text)
    ]
    return with_details + flagged


def format_table(title: str, scores: list[Score]) -> str:
    """A plain-text table, one row per category, dev and held-out side by side."""
    by_category: dict[str, dict[str, Score]] = {}
    for score in scores:
        by_category.setdefault(score.category, {})[score.split] = score
    header = f"{'category':<26} {'measure':<13} {'target':>7} {'dev':>17} {'held-out':>17}"
    lines = [title, header, "-" * len(header)]
    for category, splits in by_category.items():
        first = next(iter(splits.values()))
        sign = ">=" if first.measure == "recall" else "<="
        cells = [
            f"{s.hits:>3}/{s.total:<3} {s.rate:>6.1%}{'' if s.meets_target else ' !':<2}"
            for s in (splits[split] for split in SPLITS)
        ]
        lines.append(
            f"{category:<26} {first.measure:<13} {sign}{first.target:>5.0%} "
            f"{cells[0]:>17} {cells[1]:>17}"
        )
    lines.append("(! = misses the target)")
    return "\n".join(line.rstrip() for line in lines)
