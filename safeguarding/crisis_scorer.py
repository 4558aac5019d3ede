"""A small learned scorer for crisis triage, beside the rules in safeguarding.crisis.

A logistic regression over the question as safeguarding.crisis normalises it (so misspellings,
text-speak and l33t read the same way as for the rules): whole words, pairs of words, and
runs of 3 to 5 characters. Its weights are in crisis_scorer.json, written by `manage.py
safeguarding_train` from the dev part of the corpus only (safeguarding.evaluation.scoring holds the
training and the cross-validation that chose the threshold); nothing is downloaded, and the
file is read once per process, on first use. It adds a flag the rules did not raise, and
overrules a flag only the weaker rules raised when it is confident the question is not a
crisis (safeguarding.crisis.crisis_match); docs/safeguarding.md has the protocol and the figures.
"""

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_scorer.json"
CHAR_NGRAMS = (3, 4, 5)


@dataclass(frozen=True)
class Scorer:
    bias: float
    weights: dict[str, float]
    threshold: float  # flag when the probability is above this
    # Overrule a flag from the weaker rules (safeguarding.crisis.OVERRULABLE_RULES) when the
    # probability is below this; 0.0 never overrules.
    veto_below: float = 0.0

    def probability(self, normalised: str) -> float:
        return sigmoid(
            self.bias + sum(self.weights.get(feature, 0.0) for feature in features(normalised))
        )


def sigmoid(score: float) -> float:
    """The logistic function, its argument clamped so exp() cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))


def features(normalised: str) -> set[str]:
    """What the scorer reads in a question normalised by safeguarding.crisis.normalise (" words with
    a space at each end "): present or not, never counted."""
    words = normalised.split()
    found = {f"w:{word}" for word in words}
    found.update(f"b:{first} {second}" for first, second in itertools.pairwise(words))
    for size in CHAR_NGRAMS:
        found.update(f"c:{normalised[i : i + size]}" for i in range(len(normalised) - size + 1))
    return found


def scorer_from_data(data: dict[str, Any]) -> Scorer:
    return Scorer(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        veto_below=float(data["veto_below"]),
    )


@lru_cache(maxsize=1)
def committed_scorer() -> Scorer:
    """The scorer in crisis_scorer.json, read on first use and kept for the process."""
    with WEIGHTS_PATH.open(encoding="utf-8") as weights:
        return scorer_from_data(json.load(weights))
