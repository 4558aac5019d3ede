"""The grouping's precision on the labelled pairs (similar/evaluation/pairs.jsonl), the
command that prints it, and the committed weights being what training gives."""

import json
import math
from io import StringIO
from typing import Any

from django.core.management import call_command

from similar import evaluation, matching


def test_the_labelled_set_is_varied_and_split_by_topic() -> None:
    pairs = evaluation.load_pairs()
    assert len(pairs) >= 300
    for split in evaluation.SPLITS:
        half = [pair for pair in pairs if pair.split == split]
        assert sum(pair.same for pair in half) >= 60  # paraphrases
        assert sum(not pair.same for pair in half) >= 100  # same subject, another question
    dev_topics = {pair.topic for pair in pairs if pair.split == "dev"}
    held_out_topics = {pair.topic for pair in pairs if pair.split == "held_out"}
    assert dev_topics.isdisjoint(held_out_topics)


def test_precision_is_at_least_95_percent_on_each_half() -> None:
    scores = {score.split: score for score in evaluation.score()}

    for split in evaluation.SPLITS:
        assert scores[split].precision >= 0.95, scores[split]
        # It groups something: a threshold no pair reaches would be 100% precise too.
        assert scores[split].recall >= 0.2, scores[split]


def test_the_command_prints_precision_and_recall_for_each_half() -> None:
    out = StringIO()
    call_command("similar_eval", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1].split() == ["split", "pairs", "same", "grouped", "wrong", "precision", "recall"]
    for line, score in zip(lines[2:4], evaluation.score(), strict=True):
        assert line.split() == [
            score.split,
            str(score.pairs),
            str(score.paraphrases),
            str(score.grouped),
            str(score.wrongly_grouped),
            f"{score.precision:.1%}",
            f"{score.recall:.1%}",
        ]
    assert lines[4].startswith("Cost (model in memory): ")


def _same_within(committed: Any, trained: Any, tolerance: float) -> bool:
    """The same structure, and numbers equal to within `tolerance`: a weight's last written
    digit can differ from one machine's CPU to another's (the order of its float sums)."""
    if isinstance(committed, dict):
        return committed.keys() == trained.keys() and all(
            _same_within(committed[key], trained[key], tolerance) for key in committed
        )
    if isinstance(committed, list):
        return len(committed) == len(trained) and all(
            _same_within(a, b, tolerance) for a, b in zip(committed, trained, strict=True)
        )
    if isinstance(committed, float) or isinstance(trained, float):
        return math.isclose(committed, trained, rel_tol=0, abs_tol=tolerance)
    return bool(committed == trained)


def test_the_committed_weights_are_what_training_on_dev_gives() -> None:
    committed = json.loads(matching.WEIGHTS_PATH.read_text(encoding="utf-8"))
    trained = json.loads(evaluation.weights_json(evaluation.train()))
    assert _same_within(committed, trained, 1e-5)
    # A real change (a weight moved by more than rounding) still fails.
    assert not _same_within(committed, {**trained, "bias": trained["bias"] + 1e-3}, 1e-5)


def test_a_paraphrase_is_the_same_question_and_the_same_subject_is_not() -> None:
    model = matching.committed_model()
    asked = matching.read("How long does a non-molestation order last?")

    assert model.same_question(asked, matching.read("how long will a non molestation order last"))
    assert not model.same_question(
        asked, matching.read("Can I get a non-molestation order without a solicitor?")
    )
    assert not model.same_question(asked, matching.read(""))
