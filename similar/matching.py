"""Whether two questions ask the same thing: pure text analysis, no database.

A question is read once, as it arrives (`read`), into what the comparison needs:

- its meaning: the mean of its tokens' WordLlama vectors, scaled to length 1 (the local
  model crisis triage reads: safeguarding.embedding);
- its content words (no function words, plural and tense endings cut), each with its own
  vector, so "bike" finds "bicycle" in the other question;
- what it asks for: how long, why, what happens, who, how to, what something is, how it
  works, whether one may, or a plain yes or no (`intent`), from its question words.

Two readings are compared by `resemblance`: a logistic regression over six measures (the
meaning's cosine, how well each side's content words find a counterpart, the worst-matched
ones, the share of words in common, the same intent, words left without a counterpart),
whose weights and threshold are in matching.json, chosen on the dev half of the labelled
pairs by `manage.py similar_train` for precision first (docs/similar.md). Same topic is not
the same question: "How long does a non-molestation order last?" and "Can I get a
non-molestation order without a solicitor?" share their subject and must stay apart.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding import embedding

WEIGHTS_PATH = Path(__file__).resolve().parent / "matching.json"
Vector = npt.NDArray[np.float32]

# Words that say nothing of what is asked about (what is asked *for* is `intent`).
FUNCTION_WORDS = frozenset(
    """a an the i im i'm me my mine myself we us our you your yours he him his she her hers
    it its they them their theirs is are was were be been being am do does did doing done
    have has had having will would shall should can could may might must to of in on at by
    for with from about as into onto than then so if or and but not no nor yes what whats
    how why when where who whom whose which that this these those there here any some all
    just please get gets got go goes going gone there's it's can't cant dont don't doesnt
    wont won't isnt aren't arent also very really still ever anyone someone somebody
    something anything thing things way ok okay like tell know let""".split()  # noqa: SIM905
)
ENDINGS = ("ing", "ed", "es", "s")
# A content word counts as found in the other question when one of its words is this close.
COUNTERPART = 0.6

# What a question asks for: the first pattern that matches, in this order ("how long"
# before "how", "what happens" before "what is", a relative "who" is not a question word).
INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("how_long", r"\bhow (long|soon|quickly)\b|\b(until|till|wait for|the usual wait)\b"),
        ("why", r"\bwhy\b|\bhow come\b|\bthe reason\b"),
        (
            "what_happens",
            r"\bwhat (happens|will happen|would happen|if)\b|\bhappens (next|after)\b",
        ),
        (
            "who",
            r"^who\b|[,.?!] *who\b|\bwho (do|does|did|should|can|could|will|decides?|"
            r"investigates?|gets?)\b",
        ),
        (
            "how_to",
            r"\bhow (do|can|should|would) (i|we|you|parents)\b|\bhow to\b"
            r"|\bwhere (can|do|should|would) (i|we|you)\b|\bwhat (should|can|do) (i|we) do\b"
            r"|\bwhat to do\b|\bsteps?\b|\bprocess\b|\bway to\b|\bmy options\b",
        ),
        (
            "what_is",
            r"^(can you )?(please )?(explain|tell me what)\b|\bwhat (is|are|'s|does)\b"
            r"|\bwhats\b|\bmean(s|ing)?\b",
        ),
        ("how_it_works", r"\bhow (do|does|is|are|did)\b"),
        (
            "may",
            r"\b(can|could|may) (i|we|my|you|someone|somebody|the|a|police|parents)\b"
            r"|\ballowed\b|\bpossible\b|\b(legal|illegal|against the law|a crime)\b"
            r"|\bdo i (need|have) to\b|\btoo late\b|\bavailable\b",
        ),
        ("will", r"\b(will|would|going to|does|do|did|is|are|was)\b"),
    )
)


def intent(text: str) -> str:
    lowered = text.lower()
    for name, pattern in INTENTS:
        if pattern.search(lowered):
            return name
    return "other"


def _stem(word: str) -> str:
    for ending in ENDINGS:
        if len(word) > 4 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    return [_stem(word) for word in words if word not in FUNCTION_WORDS]


@dataclass(frozen=True)
class Reading:
    """What the comparison needs of one question, read once (a few hundred microseconds)."""

    meaning: Vector  # length 1, or zeros
    words: tuple[str, ...]
    word_vectors: Vector  # one row of length 1 per content word
    intent: str

    def as_data(self) -> dict[str, Any]:
        return {"words": list(self.words), "intent": self.intent}


def _unit(vectors: npt.NDArray[Any]) -> Vector:
    lengths = np.linalg.norm(vectors, axis=-1, keepdims=True)
    lengths[lengths == 0] = 1.0
    return (vectors / lengths).astype(np.float32)


def read(text: str) -> Reading:
    tokens = embedding.token_vectors(text)
    meaning = _unit(tokens.mean(axis=0)) if len(tokens) else np.zeros(embedding.DIMENSIONS)
    words = tuple(dict.fromkeys(content_words(text)))
    vectors = [embedding.token_vectors(" " + word).mean(axis=0) for word in words]
    word_vectors = (
        _unit(np.array(vectors)) if vectors else np.zeros((0, embedding.DIMENSIONS), np.float32)
    )
    return Reading(
        meaning=np.asarray(meaning, dtype=np.float32),
        words=words,
        word_vectors=word_vectors,
        intent=intent(text),
    )


# Of a queue's questions, the closest in meaning to a new one (one product of matrices) are
# compared with it in full: the others have no chance of reaching the threshold.
SHORTLIST = 40


def nearest(reading: Reading, others: dict[int, Reading], count: int) -> list[int]:
    """The keys of the `count` readings closest in meaning to `reading`, closest first."""
    if not others:
        return []
    keys = list(others)
    cosines = np.stack([others[key].meaning for key in keys]) @ reading.meaning
    order = np.argsort(-cosines, kind="stable")[:count]
    return [keys[index] for index in order]


MEASURES = ("meaning", "found", "worst_found", "shared", "same_intent", "left_over")


def measures(a: Reading, b: Reading) -> tuple[float, ...]:
    """The six measures of `MEASURES`, for the regression."""
    cosine = float(np.dot(a.meaning, b.meaning))
    if not a.words or not b.words:
        return (cosine, 0.0, 0.0, 0.0, float(a.intent == b.intent), 1.0)
    closeness = a.word_vectors @ b.word_vectors.T
    # The same word (after its ending is cut) is a perfect counterpart.
    closeness[np.asarray(a.words)[:, None] == np.asarray(b.words)[None, :]] = 1.0
    best_a, best_b = closeness.max(axis=1), closeness.max(axis=0)
    found = float((best_a.mean() + best_b.mean()) / 2)
    worst = float((np.sort(best_a)[:2].mean() + np.sort(best_b)[:2].mean()) / 2)
    shared = len(set(a.words) & set(b.words)) / min(len(a.words), len(b.words))
    left = int((best_a < COUNTERPART).sum() + (best_b < COUNTERPART).sum())
    left_over = left / (len(a.words) + len(b.words))
    return (cosine, found, worst, shared, float(a.intent == b.intent), left_over)


@dataclass(frozen=True)
class Model:
    bias: float
    weights: tuple[float, ...]  # one per measure, in MEASURES' order
    threshold: float  # the same question when the probability is at least this

    def probability(self, a: Reading, b: Reading) -> float:
        return self.probability_of(measures(a, b))

    def probability_of(self, measured: Any) -> float:
        score = self.bias + sum(w * float(m) for w, m in zip(self.weights, measured, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    def same_question(self, a: Reading, b: Reading) -> bool:
        return self.probability(a, b) >= self.threshold


def model_from_data(data: dict[str, Any]) -> Model:
    return Model(
        bias=float(data["bias"]),
        weights=tuple(float(data["weights"][name]) for name in MEASURES),
        threshold=float(data["threshold"]),
    )


@lru_cache(maxsize=1)
def committed_model() -> Model:
    with WEIGHTS_PATH.open(encoding="utf-8") as weights:
        return model_from_data(json.load(weights))


def resemblance(a: Reading, b: Reading) -> float:
    """How likely the two ask the same question (0 to 1)."""
    return committed_model().probability(a, b)
