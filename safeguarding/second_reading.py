"""Crisis triage's second reading: a logistic regression over the question's all-MiniLM-L6-v2
sentence vector (safeguarding.sentence_model) and how it is written (the learned layer's
words, word pairs and 3-5 character runs: crisis_scorer.features), beside the learned layer.

It reads whole sentences, where the learned layer pools word vectors, and catches more of the
self-harm written blind; but it is too slow for the ask path (about 14 ms a question:
docs/safeguarding.md, "The second reading"), so nothing calls it there: it gives a
probability, and `adds_flag` says whether it would add a flag to a question the rules let
through.

The weights are in second_reading.json, written by `manage.py safeguarding_train
--second-reading` from the dev part of the corpus; the threshold is chosen there by the learned
layer's rule (its flags, cross-validated on dev, add at most 2% false alarms to the dev ordinary
questions and to the near misses). On unless SAFEGUARDING_SENTENCE_MODEL is off; the model is
read from SAFEGUARDING_SENTENCE_MODEL_DIR once per process. Without the model (not installed,
or not the model expected) it logs one line and gives no reading: triage goes on without it.
"""

import json
import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from safeguarding import crisis, crisis_scorer, sentence_model

logger = logging.getLogger(__name__)

WEIGHTS_PATH = Path(__file__).resolve().parent / "second_reading.json"
# The sentence vector (length 1) is multiplied by this before the regression sees it, so that
# the same regularisation weighs 384 dense values against some 20,000 sparse ones (chosen by
# cross-validation on dev: docs/safeguarding.md, "The second reading").
SENTENCE_SCALE = 10.0
# A sentence model needs a sentence. A greeting or a one- or two-word reply ("ok", "thanks",
# "hello", "first") reads as a crisis to it: the corpus it learned from has no ordinary
# questions that short. The short crisis messages there ("suicidal", "kill myself", "kms")
# are all the rules' to catch, on the ask path.
MIN_WORDS = 3
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SecondReading:
    bias: float
    weights: dict[str, float]  # how it is written: one weight per feature
    sentence_weights: tuple[float, ...]  # one per dimension of the sentence vector
    threshold: float  # adds a flag when the probability is above this
    # The same rule with 0.5% false alarms allowed instead of 2%: fewer flags added
    strict_threshold: float = 1.0

    def probability(self, normalised: str, vector: npt.NDArray[np.float32]) -> float:
        """From the question as safeguarding.crisis normalises it and its sentence vector."""
        score = self.bias + sum(
            self.weights.get(f, 0.0) for f in crisis_scorer.features(normalised)
        )
        score += float(np.dot(self._weights, SENTENCE_SCALE * vector))
        return crisis_scorer.sigmoid(score)

    @cached_property
    def _weights(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.sentence_weights, dtype=np.float64)


def reading_from_data(data: dict[str, Any]) -> SecondReading:
    return SecondReading(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        sentence_weights=tuple(float(w) for w in data["sentence_weights"]),
        threshold=float(data["threshold"]),
        strict_threshold=float(data["strict_threshold"]),
    )


@lru_cache(maxsize=1)
def committed_reading() -> SecondReading:
    """The classifier in second_reading.json, read on first use and kept for the process."""
    with WEIGHTS_PATH.open(encoding="utf-8") as weights:
        return reading_from_data(json.load(weights))


@lru_cache(maxsize=1)
def loaded_model() -> sentence_model.SentenceModel | None:
    """The sentence model from SAFEGUARDING_SENTENCE_MODEL_DIR, read once per process; None,
    with one log line, when it is missing or not the model expected."""
    model_dir = Path(settings.SAFEGUARDING_SENTENCE_MODEL_DIR)
    try:
        return sentence_model.load(model_dir)
    except (OSError, ValueError, sentence_model.ModelError) as error:
        logger.error(
            "Crisis triage's second reading is off: the sentence model could not be read "
            "from SAFEGUARDING_SENTENCE_MODEL_DIR (%s; make install puts it there): %s",
            model_dir,
            error,
        )
        return None


def model_installed() -> bool:
    """The model's files are where SAFEGUARDING_SENTENCE_MODEL_DIR says (not read: a web
    process asks this, and only a worker loads the model)."""
    return (Path(settings.SAFEGUARDING_SENTENCE_MODEL_DIR) / "model.safetensors").is_file()


def is_on() -> bool:
    """SAFEGUARDING_SENTENCE_MODEL is on and the model could be read."""
    return settings.SAFEGUARDING_SENTENCE_MODEL and loaded_model() is not None


def second_reading_probability(text: str) -> float | None:
    """The second reading's probability that the question is a crisis (danger now, suicide or
    self-harm); None when it is off (SAFEGUARDING_SENTENCE_MODEL) or the model is missing."""
    if not settings.SAFEGUARDING_SENTENCE_MODEL:
        return None
    model = loaded_model()
    if model is None:
        return None
    return committed_reading().probability(crisis.normalise(text), model.encode(text))


def adds_flag(text: str, staff_phrases: tuple[str, ...] = (), *, strict: bool = False) -> bool:
    """The second reading would flag a question that the rules (with `staff_phrases`) do not
    flag and do not read as a figure of speech, a what-if, talk about a subject or an account
    of the past, of at least MIN_WORDS words, its probability above the threshold (`strict`:
    the strict threshold): the rule the A/B measured (docs/safeguarding.md). The caller
    decides what a flag does; the learned layer's own verdict is not consulted here."""
    normalised = crisis.normalise(text)
    if len(WORD.findall(normalised)) < MIN_WORDS:
        return False
    verdict = crisis.rules_verdict(normalised, staff_phrases)
    if verdict.flagged or verdict.about_a_crisis:
        return False
    probability = second_reading_probability(text)
    reading = committed_reading()
    threshold = reading.strict_threshold if strict else reading.threshold
    return probability is not None and probability > threshold


def warm() -> None:
    """Read the weights and the model now rather than on the first question."""
    committed_reading()
    if settings.SAFEGUARDING_SENTENCE_MODEL:
        loaded_model()
