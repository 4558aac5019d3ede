"""How well similar questions are found: the labelled pairs (pairs.jsonl), training the
comparison's weights on their dev half, and scoring both halves (docs/similar.md).

pairs.jsonl holds one pair a line: {"a", "b", "same": true when b asks what a asks (a
paraphrase), false when it is the same subject but another question (the hard case),
"topic", "split": dev | held_out}. The split is by topic, so no question is in both halves.
Training reads the dev half only; the threshold is chosen from out-of-fold probabilities
(folds by topic), so it is set for questions the weights have not seen.
"""

import itertools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from similar import matching

PAIRS_PATH = Path(__file__).resolve().parent / "pairs.jsonl"
SPLITS = ("dev", "held_out")
# The threshold is the lowest at which the out-of-fold precision on dev is at least this
# (with at least a tenth of the paraphrases found): a wrong grouping is the costly mistake.
PRECISION_TARGET = 0.98
MIN_RECALL = 0.1
# The regression's regularisation (scikit-learn's C), chosen by the same cross-validation.
REGULARISATION = 0.3
FOLDS = 5


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    topic: str
    split: str


def load_pairs(path: Path = PAIRS_PATH) -> list[Pair]:
    pairs = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["split"] not in SPLITS:
                raise ValueError(f"{path.name} line {number}: unknown split {row['split']!r}")
            pairs.append(Pair(row["a"], row["b"], bool(row["same"]), row["topic"], row["split"]))
    return pairs


def measure_all(pairs: Iterable[Pair]) -> np.ndarray[Any, np.dtype[np.float64]]:
    readings: dict[str, matching.Reading] = {}

    def reading(text: str) -> matching.Reading:
        if text not in readings:
            readings[text] = matching.read(text)
        return readings[text]

    return np.array([matching.measures(reading(p.a), reading(p.b)) for p in pairs])


def _precision_recall(predicted: Any, truth: Any) -> tuple[float, float]:
    found = int((predicted & truth).sum())
    claimed = int(predicted.sum())
    return (found / claimed if claimed else 1.0), found / max(1, int(truth.sum()))


def train() -> dict[str, Any]:
    """The weights and threshold for matching.json, from the dev pairs only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    dev = [pair for pair in load_pairs() if pair.split == "dev"]
    features = measure_all(dev)
    truth = np.array([pair.same for pair in dev])
    topics = np.array([pair.topic for pair in dev])
    out_of_fold = np.zeros(len(dev))
    for fit_rows, score_rows in GroupKFold(FOLDS).split(features, groups=topics):
        fold = LogisticRegression(C=REGULARISATION, max_iter=2000)
        fold.fit(features[fit_rows], truth[fit_rows])
        out_of_fold[score_rows] = fold.predict_proba(features[score_rows])[:, 1]
    threshold = 1.0
    for candidate in sorted(set(out_of_fold.tolist()), reverse=True):
        precision, recall = _precision_recall(out_of_fold >= candidate, truth)
        if precision >= PRECISION_TARGET and recall >= MIN_RECALL:
            threshold = candidate
    model = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(features, truth)
    return {
        "bias": round(float(model.intercept_[0]), 6),
        "weights": {
            name: round(float(weight), 6)
            for name, weight in zip(matching.MEASURES, model.coef_[0], strict=True)
        },
        "threshold": round(threshold, 6),
        "trained_on": f"{PAIRS_PATH.name}, dev: {len(dev)} pairs",
    }


def weights_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Score:
    split: str
    pairs: int
    paraphrases: int
    grouped: int
    wrongly_grouped: int
    precision: float
    recall: float


def score(model: matching.Model | None = None) -> list[Score]:
    """Precision and recall of `same_question` (the committed model unless given) on each
    half of the labelled pairs."""
    model = model or matching.committed_model()
    pairs = load_pairs()
    features = measure_all(pairs)
    scores = []
    for split in SPLITS:
        rows = [i for i, pair in enumerate(pairs) if pair.split == split]
        truth = np.array([pairs[i].same for i in rows])
        predicted = np.array([model.probability_of(features[i]) >= model.threshold for i in rows])
        precision, recall = _precision_recall(predicted, truth)
        scores.append(
            Score(
                split=split,
                pairs=len(rows),
                paraphrases=int(truth.sum()),
                grouped=int(predicted.sum()),
                wrongly_grouped=int((predicted & ~truth).sum()),
                precision=precision,
                recall=recall,
            )
        )
    return scores


def cost_per_question(texts: list[str], *, repeats: int = 3) -> tuple[float, float]:
    """Milliseconds to read one question, and to compare two readings (the median of
    `repeats` runs over `texts`), with the model already in memory."""
    matching.read("warm")
    reads, compares = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        readings = [matching.read(text) for text in texts]
        reads.append((time.perf_counter() - started) * 1000 / len(texts))
        started = time.perf_counter()
        model = matching.committed_model()
        for first, second in itertools.pairwise(readings):
            model.probability(first, second)
        compares.append((time.perf_counter() - started) * 1000 / max(1, len(readings) - 1))
    return float(np.median(reads)), float(np.median(compares))
