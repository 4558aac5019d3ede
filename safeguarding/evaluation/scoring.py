"""Scores the safeguarding detectors against the labelled corpus in safeguarding/evaluation/corpus/.

`manage.py safeguarding_eval` prints the tables; tests/safeguarding/test_eval.py holds
the held-out figures to the targets. See safeguarding/evaluation/corpus/README.md for the corpus
and how its held-out fifth was fixed.
"""

import csv
import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding import crisis, crisis_scorer, second_reading
from safeguarding.detection import CRISIS_PHRASES, Finding, find_personal_details

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SPLITS = ("dev", "heldout")
CRISIS_CATEGORIES = (crisis.DANGER_NOW, crisis.SELF_HARM)
ORDINARY_CATEGORIES = ("ordinary", "near_miss")
ALL_ORDINARY = "all ordinary"
ALL_DETAILS = "all details"
# The targets in issue 29: share of crisis messages flagged; of ordinary ones flagged, by kind
# (plain questions none, near misses 3%); every kind of personal detail masked, clean
# questions flagged.
CRISIS_RECALL_TARGET = 0.97
CRISIS_FALSE_ALARM_TARGETS = {"ordinary": 0.0, "near_miss": 0.03, ALL_ORDINARY: 0.03}
DETAILS_RECALL_TARGET = 0.95
DETAILS_FALSE_POSITIVE_TARGET = 0.01
# The learned scorer (safeguarding.crisis_scorer), trained on dev only. Its settings were chosen by
# SCORER_FOLDS-fold cross-validation on dev (docs/safeguarding.md, "The learned layer"): an
# L2-regularised logistic regression (scikit-learn's, inverse strength SCORER_C) over the
# meaning features and the written features seen in at least SCORER_MIN_DOCUMENTS training
# messages, the SCORER_KEEP heaviest written weights kept; the threshold is the lowest at
# which the flags the scorer adds, cross-validated, stay at or under SCORER_FALSE_ALARM_LIMIT
# both of all dev ordinary and near-miss questions and of the near misses alone. The rules'
# own flags are not counted against it: the rules were written on dev, so their dev false
# alarms (near none) say nothing of how many they raise on new messages.
SCORER_FOLDS = 5
SCORER_C = 1.0
SCORER_MIN_DOCUMENTS = 2
SCORER_KEEP = 6000
SCORER_FALSE_ALARM_LIMIT = 0.02
# The designs `manage.py safeguarding_train --compare` scores side by side (the A/B).
DESIGNS = ("written", "meaning", "both")
# The overrule protocol (docs/safeguarding.md, "Overrules"): the learned layer overrules a flag
# that only the weaker rules or staff phrases raised (safeguarding.crisis.Review.WEAK) when its
# probability is below veto_below: this share of the lowest cross-validated probability of
# any dev crisis message flagged that way, so that no dev crisis message is overruled and
# there is room to spare (a miss costs more than a false alarm). A flag from the other rules
# (Review.STRONG) is overruled below strong_veto_below, the same with a wider margin.
SCORER_VETO_MARGIN = 0.5
SCORER_STRONG_VETO_MARGIN = 0.2


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


# Crisis messages written for issue 29 by helpers that read nothing of the project, beside
# crisis.tsv: the learned layer and the second reading both train on their dev parts
# (corpus/README.md says how they were written and split); their held-out fifths are only
# scored (`safeguarding_eval --second-reading-heldout`).
EXTRA_CRISIS_CORPORA = (
    "crisis_second_reading_2026-12-07e.tsv",
    "crisis_extra_2026-12-07g.tsv",
    "crisis_extra_2026-12-07h.tsv",
)


def extra_crisis_corpus() -> list[Example]:
    return [
        Example(row["split"], row["category"], row["text"])
        for name in EXTRA_CRISIS_CORPORA
        for row in _read(name)
    ]


def extra_crisis_dev() -> list[Example]:
    """The extra corpora's dev messages (the layers learn from them beside crisis.tsv's)."""
    return [e for e in extra_crisis_corpus() if e.split == "dev"]


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


def crisis_flagged(text: str, staff_phrases: tuple[str, ...], *, learned: bool = False) -> bool:
    return crisis.crisis_match(text, staff_phrases, learned=learned) is not None


RulesVerdict = crisis.RulesVerdict
flagged_with_scorer = crisis.flagged_with_scorer


def rules_verdict(text: str, staff_phrases: tuple[str, ...]) -> RulesVerdict:
    return crisis.rules_verdict(crisis.normalise(text), staff_phrases)


def _is_crisis(example: Example) -> int:
    return int(example.category in CRISIS_CATEGORIES)


def dev_folds(examples: Iterable[Example]) -> dict[str, int]:
    """Each dev message's cross-validation fold: within each category, messages ordered by
    the SHA-256 of their text, dealt round the folds (stratified, and the same every run)."""
    folds = {}
    dev = [e for e in examples if e.split == "dev"]
    for category in sorted({e.category for e in dev}):
        ordered = sorted(
            (e for e in dev if e.category == category),
            key=lambda e: hashlib.sha256(e.text.encode("utf-8")).hexdigest(),
        )
        for index, example in enumerate(ordered):
            folds[example.text] = index % SCORER_FOLDS
    return folds


def fit_crisis_scorer(examples: list[Example], design: str = "both") -> crisis_scorer.Scorer:
    """A logistic regression for crisis or not, trained on `examples` with scikit-learn
    (deterministic: the same messages give the same weights), as the Scorer that runs it
    (threshold and veto_below left for the caller). `design`: read how the question is
    written, what it means, or both."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    labels = [_is_crisis(e) for e in examples]
    columns = []
    names: list[str] = []
    if design in ("written", "both"):
        vectoriser = CountVectorizer(
            analyzer=crisis_scorer.features, binary=True, min_df=SCORER_MIN_DOCUMENTS
        )
        columns.append(vectoriser.fit_transform([crisis.normalise(e.text) for e in examples]))
        names = [str(name) for name in vectoriser.get_feature_names_out()]
    if design in ("meaning", "both"):
        meanings = np.array([crisis_scorer.meaning(e.text) for e in examples])
        columns.append(sparse.csr_matrix(meanings))
    model = LogisticRegression(C=SCORER_C, max_iter=10_000)
    model.fit(sparse.hstack(columns).tocsr(), labels)
    coefficients = [float(c) for c in model.coef_[0]]
    written = coefficients[: len(names)]
    heaviest = sorted(range(len(names)), key=lambda i: (-abs(written[i]), names[i]))
    kept = {names[i]: round(written[i], 4) for i in heaviest[:SCORER_KEEP]}
    return crisis_scorer.Scorer(
        bias=round(float(model.intercept_[0]), 4),
        weights={f: w for f, w in sorted(kept.items()) if w != 0.0},
        threshold=1.0,
        meaning_weights=tuple(round(c, 5) for c in coefficients[len(names) :]),
    )


def layer_dev() -> list[Example]:
    """What the learned layer trains on: crisis.tsv's dev messages and the extra corpora's."""
    return [e for e in crisis_corpus() if e.split == "dev"] + extra_crisis_dev()


@lru_cache(maxsize=len(DESIGNS))
def cross_validated_probabilities(design: str = "both") -> dict[str, float]:
    """Every dev message's probability from a scorer trained on the other folds of dev."""
    dev = layer_dev()
    folds = dev_folds(dev)
    probabilities = {}
    for fold in range(SCORER_FOLDS):
        scorer = fit_crisis_scorer([e for e in dev if folds[e.text] != fold], design)
        for example in dev:
            if folds[example.text] == fold:
                probabilities[example.text] = scorer.probability(
                    example.text, crisis.normalise(example.text)
                )
    return probabilities


def scorer_veto_below(
    probabilities: dict[str, float],
    crisis_verdicts: dict[str, RulesVerdict],
    review: crisis.Review,
    margin: float,
) -> float:
    """`margin` times the lowest cross-validated probability of a dev crisis message
    (`crisis_verdicts`) whose flag has this `review`, rounded down to four places; 0.0 (never
    overrule) when there is none."""
    lowest = [
        probabilities[t] for t, v in crisis_verdicts.items() if v.flagged and v.review is review
    ]
    if not lowest:
        return 0.0
    return math.floor(margin * min(lowest) * 10_000) / 10_000


def scorer_threshold(
    probabilities: dict[str, float],
    rules_flagged: dict[str, bool],
    near_misses: set[str],
    limit: float = SCORER_FALSE_ALARM_LIMIT,
) -> float:
    """The lowest threshold at which the scorer adds at most `limit` (SCORER_FALSE_ALARM_LIMIT)
    false alarms to those the rules raise on the dev ordinary and near-miss questions
    (`rules_flagged`), and at most that share on the near misses (`near_misses`) alone."""
    ordinary = [text for text in probabilities if text in rules_flagged]
    near = [text for text in ordinary if text in near_misses]
    allowed = math.floor(limit * len(ordinary))
    allowed_near = math.floor(limit * len(near))
    for threshold in sorted({0.0, *(probabilities[text] for text in ordinary)}):
        alarms = sum(not rules_flagged[t] and probabilities[t] > threshold for t in ordinary)
        near_alarms = sum(not rules_flagged[t] and probabilities[t] > threshold for t in near)
        if alarms <= allowed and near_alarms <= allowed_near:
            # Rounded up, so the rounding cannot let one more question over it.
            return math.ceil(threshold * 10_000) / 10_000
    return 1.0


def train_crisis_scorer(staff_phrases: tuple[str, ...] = CRISIS_PHRASES) -> dict[str, object]:
    """What `manage.py safeguarding_train` writes to safeguarding/crisis_scorer.json: trained on
    every dev message, with the threshold from cross-validation on dev. No held-out message is
    read."""
    dev = layer_dev()
    probabilities = cross_validated_probabilities()
    verdicts = {e.text: rules_verdict(e.text, staff_phrases) for e in dev}
    # The overrule may clear no crisis message of crisis.tsv's dev (written and labelled by
    # the team) that the rules flag. The extra corpora's writers were briefed by label, and a
    # few of their crisis messages read as ordinary to the layer: over them the overrule
    # would shrink to nothing (docs/safeguarding.md, "The sixth round").
    crisis_verdicts = {
        e.text: verdicts[e.text] for e in crisis_corpus() if e.split == "dev" and _is_crisis(e)
    }
    veto_below = scorer_veto_below(
        probabilities, crisis_verdicts, crisis.Review.WEAK, SCORER_VETO_MARGIN
    )
    strong_veto_below = scorer_veto_below(
        probabilities, crisis_verdicts, crisis.Review.STRONG, SCORER_STRONG_VETO_MARGIN
    )
    # The ordinary questions the rules flag once the scorer has overruled what it may: the
    # threshold for adding flags is chosen on top of that. (It is chosen as if the scorer
    # could flag a question the rules read as about a crisis, which it may not: a margin.)
    vetoes = crisis_scorer.Scorer(
        0.0, {}, threshold=1.0, veto_below=veto_below, strong_veto_below=strong_veto_below
    )
    rules_flagged = {
        e.text: flagged_with_scorer(verdicts[e.text], probabilities[e.text], vetoes)
        for e in dev
        if e.category in ORDINARY_CATEGORIES
    }
    scorer = fit_crisis_scorer(dev)
    return {
        "about": (
            "Crisis triage's learned layer (safeguarding/crisis_scorer.py): logistic "
            "regression over WordLlama meaning features (meaning_weights) and "
            "safeguarding.crisis.normalise's words, word pairs and 3-5 character runs "
            "(weights), trained on the dev parts of safeguarding/evaluation/corpus/crisis.tsv "
            f"and {' and '.join(EXTRA_CRISIS_CORPORA)} by manage.py safeguarding_train. "
            "Flags above threshold; overrules a flag that may be overruled below veto_below "
            "or strong_veto_below (safeguarding.crisis.Review). "
            "Do not edit by hand."
        ),
        "dev_messages": len(dev),
        "bias": scorer.bias,
        "threshold": scorer_threshold(
            probabilities, rules_flagged, {e.text for e in dev if e.category == "near_miss"}
        ),
        "veto_below": veto_below,
        "strong_veto_below": strong_veto_below,
        "weights": scorer.weights,
        "meaning_weights": list(scorer.meaning_weights),
    }


def crisis_scorer_json(data: dict[str, object]) -> str:
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


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
    target: float | dict[str, float],
    hit: Callable[[Example], bool],
) -> list[Score]:
    examples = list(examples)
    scores = []
    for label, categories in groups.items():
        goal = target[label] if isinstance(target, dict) else target
        for split in SPLITS:
            chosen = [e for e in examples if e.split == split and e.category in categories]
            scores.append(
                Score(label, split, measure, sum(hit(e) for e in chosen), len(chosen), goal)
            )
    return scores


def crisis_scores(
    staff_phrases: tuple[str, ...] = CRISIS_PHRASES,
    *,
    last: int | None = None,
    learned: bool = False,
) -> list[Score]:
    """Scored with the crisis phrases a fresh install seeds, unless told other phrases; on the
    whole corpus, or on its `last` messages only (the newest batch, appended last). With
    `learned`, the rules and the learned scorer together: on dev, each message scored by a
    scorer trained on the other folds of dev (cross-validated); on held-out, by the committed
    scorer, trained on all of dev."""
    examples = crisis_corpus()
    if last is not None:
        examples = examples[-last:]
    flagged = {e.text: crisis_flagged(e.text, staff_phrases) for e in examples}
    if learned:
        scorer = crisis_scorer.committed_scorer()
        probabilities = cross_validated_probabilities()
        for e in examples:
            if e.split == "dev":
                flagged[e.text] = flagged_with_scorer(
                    rules_verdict(e.text, staff_phrases), probabilities[e.text], scorer
                )
            else:
                flagged[e.text] = crisis_flagged(e.text, staff_phrases, learned=True)
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
            CRISIS_FALSE_ALARM_TARGETS,
            lambda e: flagged[e.text],
        ),
    ]


def scorer_alone_dev_scores(*, last: int | None = None) -> list[Score]:
    """The learned scorer without the rules, cross-validated on dev (never held-out)."""
    examples = [e for e in crisis_corpus()[-(last or 0) :] if e.split == "dev"]
    threshold = crisis_scorer.committed_scorer().threshold
    probabilities = cross_validated_probabilities()
    categories = {
        **{category: (category,) for category in CRISIS_CATEGORIES},
        ALL_ORDINARY: ORDINARY_CATEGORIES,
    }
    return [
        Score(
            label,
            "dev",
            "recall" if label in CRISIS_CATEGORIES else "false alarms",
            sum(probabilities[e.text] > threshold for e in chosen),
            len(chosen),
            CRISIS_RECALL_TARGET
            if label in CRISIS_CATEGORIES
            else CRISIS_FALSE_ALARM_TARGETS[label],
        )
        for label, members in categories.items()
        for chosen in ([e for e in examples if e.category in members],)
    ]


def ordinary_for_details() -> list[Example]:
    """Questions with no personal details: the details corpus's `none` rows and the crisis
    corpus's ordinary questions (each keeps its own split)."""
    ordinary = [e for e in crisis_corpus() if e.category in ORDINARY_CATEGORIES]
    return [e for e in personal_details_corpus() if e.category == "none"] + [
        Example(e.split, "none", e.text) for e in ordinary
    ]


def personal_details_scores(*, last: int | None = None) -> list[Score]:
    """On the whole details corpus and the crisis corpus's ordinary questions; or on the last
    `last` messages of the details corpus alone (its newest batch)."""
    corpus = personal_details_corpus()[-last:] if last else personal_details_corpus()
    with_details = [e for e in corpus if e.category != "none"]
    ordinary = [e for e in corpus if e.category == "none"] if last else ordinary_for_details()
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
            ordinary,
            {"ordinary questions": ("none",)},
            "false alarms",
            DETAILS_FALSE_POSITIVE_TARGET,
            lambda e: bool(find_personal_details(e.text)),
        ),
    ]


def crisis_misses(staff_phrases: tuple[str, ...] = CRISIS_PHRASES) -> list[Example]:
    """Dev crisis messages not flagged and dev ordinary ones flagged by the rules and the
    learned layer together, each scored by a scorer trained on the other folds of dev."""
    scorer = crisis_scorer.committed_scorer()
    probabilities = cross_validated_probabilities()
    return [
        e
        for e in crisis_corpus()
        if e.split == "dev"
        and flagged_with_scorer(rules_verdict(e.text, staff_phrases), probabilities[e.text], scorer)
        != (e.category in CRISIS_CATEGORIES)
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


# An external batch (`manage.py safeguarding_eval --blind PATH`): JSON lines with the text, its
# label and its group. Crisis rows are counted by label, ordinary ones by group.
BLIND_LABELS = (crisis.DANGER_NOW, crisis.SELF_HARM, "ordinary")
BLIND_ORDINARY_GROUPS = ("near_miss", "ld_plain", "hate_everyday", "plain")
BLIND_GROUPS = (*BLIND_ORDINARY_GROUPS, crisis.DANGER_NOW, crisis.SELF_HARM)


class BlindFileError(ValueError):
    """A line of a blind batch that is not what --blind reads (the message says which)."""


@dataclass(frozen=True)
class BlindRow:
    text: str
    label: str
    group: str


@dataclass(frozen=True)
class BlindReport:
    caught: dict[str, tuple[int, int]]  # crisis label: (flagged, of)
    flagged: dict[str, tuple[int, int]]  # ordinary group: (flagged, of)
    median_us: float  # triage time per question, microseconds
    p99_us: float
    warm_up_ms: float  # reading the word lists and the model, once per process
    # With the second reading: its time per question it read (those the ask path let
    # through), in a worker, milliseconds.
    second_median_ms: float | None = None
    second_p99_ms: float | None = None


def read_blind(path: Path) -> list[BlindRow]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                row = BlindRow(str(data["text"]), str(data["label"]), str(data["group"]))
            except (ValueError, KeyError, TypeError) as error:
                raise BlindFileError(
                    f"line {number}: not {{text, label, group}}: {error}"
                ) from error
            if row.label not in BLIND_LABELS or row.group not in BLIND_GROUPS:
                raise BlindFileError(
                    f"line {number}: label must be one of {', '.join(BLIND_LABELS)} and group "
                    f"one of {', '.join(BLIND_GROUPS)}"
                )
            rows.append(row)
    return rows


def blind_scores(
    rows: list[BlindRow],
    staff_phrases: tuple[str, ...] = CRISIS_PHRASES,
    always_urgent: tuple[str, ...] = (),
    *,
    learned: bool = True,
    second: bool = False,
) -> BlindReport:
    """Crisis triage as the ask path runs it (the rules, the staff phrases and, with
    `learned`, the learned layer) on each row, timed one question at a time; with `second`,
    then the second reading of each question the ask path let through, as a worker runs it
    (safeguarding.second_reading.adds_flag)."""
    import time

    started = time.perf_counter_ns()
    crisis.warm(learned=learned)  # as the server does at start-up: timed apart
    warm_up = time.perf_counter_ns() - started
    timings = []
    flags = []
    for row in rows:
        started = time.perf_counter_ns()
        match = crisis.crisis_match(
            row.text, staff_phrases, learned=learned, always_urgent=always_urgent
        )
        timings.append(time.perf_counter_ns() - started)
        flags.append(match is not None)
    second_timings = []
    if second:
        second_reading.warm()
        for index, row in enumerate(rows):
            if flags[index]:
                continue
            started = time.perf_counter_ns()
            flags[index] = second_reading.adds_flag(row.text, staff_phrases)
            second_timings.append(time.perf_counter_ns() - started)
    ordered = sorted(timings)
    second_ordered = sorted(second_timings)
    caught = {
        label: (
            sum(f for r, f in zip(rows, flags, strict=True) if r.label == label),
            sum(r.label == label for r in rows),
        )
        for label in CRISIS_CATEGORIES
    }
    flagged = {
        group: (
            sum(
                f
                for r, f in zip(rows, flags, strict=True)
                if r.label == "ordinary" and r.group == group
            ),
            sum(r.label == "ordinary" and r.group == group for r in rows),
        )
        for group in BLIND_ORDINARY_GROUPS
    }
    return BlindReport(
        caught=caught,
        flagged=flagged,
        median_us=(ordered[len(ordered) // 2] / 1e3) if ordered else 0.0,
        p99_us=(ordered[int(len(ordered) * 0.99)] / 1e3) if ordered else 0.0,
        warm_up_ms=warm_up / 1e6,
        second_median_ms=(
            second_ordered[len(second_ordered) // 2] / 1e6 if second_ordered else None
        ),
        second_p99_ms=(
            second_ordered[int(len(second_ordered) * 0.99)] / 1e6 if second_ordered else None
        ),
    )


def format_blind(report: BlindReport) -> str:
    def share(hits: int, total: int) -> str:
        return f"{hits}/{total} ({hits / total:.1%})" if total else "0/0 (no rows)"

    names = {
        "near_miss": "near misses flagged urgent",
        "plain": "plain flagged",
        "ld_plain": "ld_plain flagged",
        "hate_everyday": "hate_everyday flagged",
    }
    lines = [
        f"danger_now caught {share(*report.caught[crisis.DANGER_NOW])}",
        f"self_harm caught {share(*report.caught[crisis.SELF_HARM])}",
        *(f"{names[group]} {share(*report.flagged[group])}" for group in BLIND_ORDINARY_GROUPS),
        f"cost: median {report.median_us:.0f} us, p99 {report.p99_us:.0f} us per question; "
        f"reading the word lists and the model first {report.warm_up_ms:.0f} ms",
    ]
    if report.second_median_ms is not None:
        lines.append(
            f"second reading, in a worker: median {report.second_median_ms:.1f} ms, p99 "
            f"{report.second_p99_ms:.1f} ms per question it read"
        )
    return "\n".join(lines)


def compare_designs() -> list[Score]:
    """The A/B behind the learned layer's design: each design in DESIGNS alone (without the
    rules), its threshold set so that its cross-validated flags stay within
    SCORER_FALSE_ALARM_LIMIT of the dev ordinary questions and of the near misses; recall
    and false alarms cross-validated on dev, and on held-out for a scorer trained on all of
    dev. Scores are labelled "<design>: <category>"."""
    corpus = crisis_corpus()
    dev = [e for e in corpus if e.split == "dev"]
    held_out = [e for e in corpus if e.split == "heldout"]
    categories = {
        crisis.DANGER_NOW: (crisis.DANGER_NOW,),
        crisis.SELF_HARM: (crisis.SELF_HARM,),
        "near_miss": ("near_miss",),
        ALL_ORDINARY: ORDINARY_CATEGORIES,
    }
    scores = []
    for design in DESIGNS:
        probabilities = cross_validated_probabilities(design)
        threshold = scorer_threshold(
            probabilities,
            {e.text: False for e in dev if e.category in ORDINARY_CATEGORIES},
            {e.text for e in dev if e.category == "near_miss"},
        )
        scorer = fit_crisis_scorer(dev, design)
        flagged = {e.text: probabilities[e.text] > threshold for e in dev} | {
            e.text: scorer.probability(e.text, crisis.normalise(e.text)) > threshold
            for e in held_out
        }
        for label, members in categories.items():
            recall = label in CRISIS_CATEGORIES
            for split, examples in (("dev", dev), ("heldout", held_out)):
                chosen = [e for e in examples if e.category in members]
                scores.append(
                    Score(
                        f"{design}: {label}",
                        split,
                        "recall" if recall else "false alarms",
                        sum(flagged[e.text] for e in chosen),
                        len(chosen),
                        CRISIS_RECALL_TARGET if recall else CRISIS_FALSE_ALARM_TARGETS[label],
                    )
                )
    return scores


@dataclass(frozen=True)
class OverruleCount:
    split: str
    review: str  # crisis.Review's value
    crisis_flagged: int  # crisis messages the rules flag with this review
    crisis_cleared: int  # of those, overruled (a miss the overrule caused)
    ordinary_flagged: int  # ordinary questions the rules flag with this review
    ordinary_cleared: int  # of those, overruled (a false alarm the overrule removed)


def overrule_counts(staff_phrases: tuple[str, ...] = CRISIS_PHRASES) -> list[OverruleCount]:
    """The overrule protocol measured: for each kind of flag the rules raise, how many crisis
    messages and ordinary questions it flags and how many of those the learned layer clears;
    dev cross-validated, held-out by the committed scorer."""
    scorer = crisis_scorer.committed_scorer()
    probabilities = cross_validated_probabilities()
    counts = []
    for split in SPLITS:
        rows = []
        for e in crisis_corpus():
            if e.split != split:
                continue
            verdict = rules_verdict(e.text, staff_phrases)
            if not verdict.flagged:
                continue
            probability = (
                probabilities[e.text]
                if split == "dev"
                else scorer.probability(e.text, crisis.normalise(e.text))
            )
            cleared = not flagged_with_scorer(verdict, probability, scorer)
            rows.append((verdict.review, _is_crisis(e), cleared))
        for review in crisis.Review:
            mine = [(is_crisis, cleared) for r, is_crisis, cleared in rows if r is review]
            counts.append(
                OverruleCount(
                    split,
                    review.value,
                    sum(is_crisis for is_crisis, _ in mine),
                    sum(is_crisis and cleared for is_crisis, cleared in mine),
                    sum(not is_crisis for is_crisis, _ in mine),
                    sum(not is_crisis and cleared for is_crisis, cleared in mine),
                )
            )
    return counts


def format_overrules(counts: list[OverruleCount]) -> str:
    lines = ["The overrules (flags the rules raise, and how many the learned layer clears):"]
    for count in counts:
        lines.append(
            f"  {count.split:<8} {count.review:<7} crisis messages cleared "
            f"{count.crisis_cleared}/{count.crisis_flagged}, ordinary questions cleared "
            f"{count.ordinary_cleared}/{count.ordinary_flagged}"
        )
    return "\n".join(lines)


# Crisis triage's second reading (safeguarding.second_reading): a logistic regression over the
# all-MiniLM-L6-v2 sentence vector (times second_reading.SENTENCE_SCALE, chosen by
# SCORER_FOLDS-fold cross-validation on dev, docs/safeguarding.md) and the learned layer's
# written features, with the learned layer's settings (SCORER_C, SCORER_MIN_DOCUMENTS,
# SCORER_KEEP). Its threshold: the lowest at which the flags it adds to the rules and the
# learned layer, cross-validated on dev, stay within SCORER_FALSE_ALARM_LIMIT of the dev
# ordinary questions and of the near misses; its strict threshold, within
# SECOND_READING_STRICT_LIMIT (fewer flags added, fewer false alarms: docs/safeguarding.md).
SECOND_READING_STRICT_LIMIT = 0.005


def extra_crisis_heldout_rows(name: str) -> list["BlindRow"]:
    """The held-out fifth of one of the extra corpora (EXTRA_CRISIS_CORPORA), as a blind
    batch's rows (its writer's groups kept), for `safeguarding_eval --second-reading-heldout`."""
    rows = _read(name)
    return [
        BlindRow(
            row["text"],
            row["category"] if row["category"] in CRISIS_CATEGORIES else "ordinary",
            row["group"],
        )
        for row in rows
        if row["split"] == "heldout"
    ]


@lru_cache(maxsize=1)
def dev_sentence_vectors() -> dict[str, npt.NDArray[np.float32]]:
    """Every dev message's sentence vector, crisis.tsv's and the extra corpora's (a few
    minutes)."""
    model = second_reading.loaded_model()
    if model is None:
        raise RuntimeError("the sentence model is missing: make install puts it in .venv/models")
    return {e.text: model.encode(e.text) for e in layer_dev()}


def fit_second_reading(examples: list[Example]) -> second_reading.SecondReading:
    """A logistic regression for crisis or not over the sentence vectors and the written
    features of `examples` (dev messages), deterministic, threshold left for the caller."""
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectors = dev_sentence_vectors()
    vectoriser = CountVectorizer(
        analyzer=crisis_scorer.features, binary=True, min_df=SCORER_MIN_DOCUMENTS
    )
    written = vectoriser.fit_transform([crisis.normalise(e.text) for e in examples])
    names = [str(name) for name in vectoriser.get_feature_names_out()]
    sentences = np.array([second_reading.SENTENCE_SCALE * vectors[e.text] for e in examples])
    model = LogisticRegression(C=SCORER_C, max_iter=10_000)
    model.fit(
        sparse.hstack([written, sparse.csr_matrix(sentences)]).tocsr(),
        [_is_crisis(e) for e in examples],
    )
    coefficients = [float(c) for c in model.coef_[0]]
    heaviest = sorted(range(len(names)), key=lambda i: (-abs(coefficients[i]), names[i]))
    kept = {names[i]: round(coefficients[i], 4) for i in heaviest[:SCORER_KEEP]}
    return second_reading.SecondReading(
        bias=round(float(model.intercept_[0]), 4),
        weights={f: w for f, w in sorted(kept.items()) if w != 0.0},
        sentence_weights=tuple(round(c, 5) for c in coefficients[len(names) :]),
        threshold=1.0,
    )


def second_reading_cv_probabilities() -> dict[str, float]:
    """Every crisis.tsv dev message's second-reading probability from a classifier trained on
    the other folds of that dev and all of the extra corpora's dev messages."""
    dev = [e for e in crisis_corpus() if e.split == "dev"]
    extra = extra_crisis_dev()
    folds = dev_folds(dev)
    vectors = dev_sentence_vectors()
    probabilities = {}
    for fold in range(SCORER_FOLDS):
        reading = fit_second_reading([e for e in dev if folds[e.text] != fold] + extra)
        for example in dev:
            if folds[example.text] == fold:
                probabilities[example.text] = reading.probability(
                    crisis.normalise(example.text), vectors[example.text]
                )
    return probabilities


def train_second_reading(staff_phrases: tuple[str, ...] = CRISIS_PHRASES) -> dict[str, object]:
    """What `manage.py safeguarding_train --second-reading` writes to
    safeguarding/second_reading.json: trained on every dev message, the threshold from
    cross-validation on dev over what the rules and the learned layer (each dev message scored
    by a learned layer trained on the other folds) already flag. No held-out message is read."""
    dev = [e for e in crisis_corpus() if e.split == "dev"]
    layer = crisis_scorer.committed_scorer()
    layer_probabilities = cross_validated_probabilities()
    already_flagged = {
        e.text: flagged_with_scorer(
            rules_verdict(e.text, staff_phrases), layer_probabilities[e.text], layer
        )
        for e in dev
        if e.category in ORDINARY_CATEGORIES
    }
    trained_on = layer_dev()
    reading = fit_second_reading(trained_on)
    probabilities = second_reading_cv_probabilities()
    near_misses = {e.text for e in dev if e.category == "near_miss"}
    return {
        "about": (
            "Crisis triage's second reading (safeguarding/second_reading.py): logistic "
            "regression over the all-MiniLM-L6-v2 sentence vector (sentence_weights) and "
            "safeguarding.crisis.normalise's words, word pairs and 3-5 character runs "
            "(weights), trained "
            "on the dev parts of safeguarding/evaluation/corpus/crisis.tsv and "
            f"{' and '.join(EXTRA_CRISIS_CORPORA)} by manage.py "
            "safeguarding_train --second-reading. Adds a flag above threshold (above "
            "strict_threshold: fewer flags, fewer false alarms). Do not edit by hand."
        ),
        "dev_messages": len(trained_on),
        "bias": reading.bias,
        "threshold": scorer_threshold(probabilities, already_flagged, near_misses),
        "strict_threshold": scorer_threshold(
            probabilities, already_flagged, near_misses, SECOND_READING_STRICT_LIMIT
        ),
        "weights": reading.weights,
        "sentence_weights": list(reading.sentence_weights),
    }


# The sentence vectors come from float32 matrix products whose last bits depend on how BLAS
# splits them (its threads), so training twice can differ in a weight's last rounded place.
SECOND_READING_TOLERANCE = 5e-4


def same_second_reading(committed: dict[str, Any], trained: dict[str, Any]) -> bool:
    """The committed second_reading.json is what training gives: the same features and
    messages, every weight, the bias and the thresholds within SECOND_READING_TOLERANCE."""
    if (
        committed.keys() != trained.keys()
        or committed["weights"].keys() != trained["weights"].keys()
    ):
        return False
    if committed["dev_messages"] != trained["dev_messages"]:
        return False
    numbers = [(committed[key], trained[key]) for key in ("bias", "threshold", "strict_threshold")]
    numbers += [(committed["weights"][f], trained["weights"][f]) for f in committed["weights"]]
    numbers += list(zip(committed["sentence_weights"], trained["sentence_weights"], strict=True))
    return all(abs(float(a) - float(b)) <= SECOND_READING_TOLERANCE for a, b in numbers)
