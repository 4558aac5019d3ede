"""Crisis triage's learned layer, beside the rules in safeguarding.crisis.

A logistic regression over two readings of a question:

- what it means: the question's tokens looked up in WordLlama's token embeddings (the
  `wordllama` package ships them in its wheel, 256 dimensions; nothing is downloaded), pooled
  two ways (the mean and the per-dimension maximum, each scaled to length 1), so that "i
  won't be around for your birthday" lands near other farewells whatever its spelling;
- how it is written: the question as safeguarding.crisis normalises it, as whole words, pairs
  of words and runs of 3 to 5 characters (present or not).

The weights are in crisis_scorer.json, written by `manage.py safeguarding_train` (scikit-learn,
a dev and test dependency only) from the dev part of the corpus; the threshold and the
overrule limit are chosen there by cross-validation on dev. At run time it needs numpy and
wordllama: the model and the weights are read once per process, on first use (`warm` reads
them at start-up). docs/safeguarding.md has the protocol, the A/B that chose this design, and
its cost per question and in memory.
"""

import itertools
import json
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding import embedding

WEIGHTS_PATH = Path(__file__).resolve().parent / "crisis_scorer.json"
CHAR_NGRAMS = (3, 4, 5)
# The meaning features are multiplied by this before the regression sees them, so that the
# same regularisation weighs 512 dense values against some 20,000 sparse ones (chosen by
# cross-validation on dev with the rest of the settings: docs/safeguarding.md).
MEANING_SCALE = 3.0
MEANING_DIMENSIONS = 512  # mean and maximum of 256-dimensional token vectors

Vector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Scorer:
    bias: float
    weights: dict[str, float]  # how it is written: one weight per feature
    threshold: float  # flag when the probability is above this
    # Overrule a flag from the weaker rules or a staff phrase (safeguarding.crisis.Review.WEAK)
    # when the probability is below this, one from the other rules below strong_veto_below;
    # 0.0 never overrules.
    veto_below: float = 0.0
    strong_veto_below: float = 0.0
    # what it means: one weight per meaning dimension (none: the meaning is not read)
    meaning_weights: tuple[float, ...] = field(default=())

    def probability(self, text: str, normalised: str) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in features(normalised))
        if self.meaning_weights:
            score += float(np.dot(self._meaning_weights, meaning(text)))
        return sigmoid(score)

    @cached_property
    def _meaning_weights(self) -> Vector:
        return np.asarray(self.meaning_weights, dtype=np.float64)


def sigmoid(score: float) -> float:
    """The logistic function, its argument clamped so exp() cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))


def features(normalised: str) -> set[str]:
    """What the scorer reads of how a question is written, from safeguarding.crisis.normalise
    (" words with a space at each end "): present or not, never counted."""
    words = normalised.split()
    found = {f"w:{word}" for word in words}
    found.update(f"b:{first} {second}" for first, second in itertools.pairwise(words))
    for size in CHAR_NGRAMS:
        found.update(f"c:{normalised[i : i + size]}" for i in range(len(normalised) - size + 1))
    return found


def meaning(text: str) -> Vector:
    """The question's meaning features: the mean and the maximum of its tokens' WordLlama
    vectors, each scaled to length 1, times MEANING_SCALE (zeros for a question with no
    token)."""
    vectors = embedding.token_vectors(text)
    if not len(vectors):
        return np.zeros(MEANING_DIMENSIONS)
    pooled = []
    for vector in (vectors.mean(axis=0), vectors.max(axis=0)):
        length = float(np.linalg.norm(vector))
        pooled.append(vector / length if length else vector)
    return MEANING_SCALE * np.concatenate(pooled)


def scorer_from_data(data: dict[str, Any]) -> Scorer:
    return Scorer(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        veto_below=float(data["veto_below"]),
        strong_veto_below=float(data.get("strong_veto_below", 0.0)),
        meaning_weights=tuple(float(w) for w in data.get("meaning_weights", ())),
    )


@lru_cache(maxsize=1)
def committed_scorer() -> Scorer:
    """The scorer in crisis_scorer.json, read on first use and kept for the process."""
    with WEIGHTS_PATH.open(encoding="utf-8") as weights:
        return scorer_from_data(json.load(weights))


def warm() -> None:
    """Read the weights and the embedding model now rather than on the first question."""
    committed_scorer()
    meaning("warm")


def is_warm() -> bool:
    """The weights and the embedding model are in memory (read by `warm` or a first use)."""
    return committed_scorer.cache_info().currsize == 1 and embedding.is_loaded()
