"""The detectors against the held-out fifth of the corpus (messages no rule was written
against): issue 15's targets where they are met, today's floor where they are not (crisis
recall), and `manage.py safeguarding_eval` prints the tables."""

import io
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from safeguarding import crisis_scorer
from safeguarding.crisis import Review
from safeguarding.detection import CRISIS_PHRASES
from safeguarding.evaluation import scoring as safeguarding_eval


def _held_out_crisis_scores() -> dict[str, safeguarding_eval.Score]:
    return {s.category: s for s in safeguarding_eval.crisis_scores() if s.split == "heldout"}


def test_crisis_triage_rules_alone_false_alarms_do_not_rise_above_today() -> None:
    # The rules alone flag 6.7% of held-out ordinary questions (7/104, all near misses;
    # third round, 2026-11-26), over the 5% target that the rules and the learned scorer
    # together meet (below). The ceiling is that rounded up to a whole 5%; plain questions
    # must stay within the target.
    held_out = _held_out_crisis_scores()

    assert held_out["all ordinary"].rate <= 0.10
    assert held_out["ordinary"].rate <= safeguarding_eval.CRISIS_FALSE_ALARM_TARGET


def test_crisis_triage_recall_on_the_held_out_messages_does_not_fall_below_today() -> None:
    # Issue 15's target is 95%; the rules' held-out recall is below it (85.5% danger now,
    # 86.8% self-harm on 2026-11-26 with eight batches, docs/safeguarding.md). This holds the
    # line at that rounded down to a whole 5% (it was 80% while the figures were below 85%)
    # so that a change that loses recall fails; raise it as the figures improve.
    held_out = _held_out_crisis_scores()

    assert held_out["danger_now"].rate >= 0.85
    assert held_out["self_harm"].rate >= 0.85


def _held_out_scores_with_the_learned_scorer() -> dict[str, safeguarding_eval.Score]:
    return {
        s.category: s for s in safeguarding_eval.crisis_scores(learned=True) if s.split == "heldout"
    }


def test_committed_learned_scorer_is_what_training_on_the_dev_messages_gives() -> None:
    # So the weights cannot drift from the corpus: change the corpus or the training and
    # this fails until `manage.py safeguarding_train` is run again.
    trained = safeguarding_eval.crisis_scorer_json(safeguarding_eval.train_crisis_scorer())

    assert crisis_scorer.WEIGHTS_PATH.read_text(encoding="utf-8") == trained


def test_learned_scorer_is_trained_without_reading_a_held_out_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = safeguarding_eval.crisis_corpus()
    # Held-out rows given nonsense labels: training must come out the same.
    scrambled = [
        e if e.split == "dev" else safeguarding_eval.Example(e.split, "ordinary", e.text[::-1])
        for e in corpus
    ]
    monkeypatch.setattr(safeguarding_eval, "crisis_corpus", lambda: scrambled)
    safeguarding_eval.cross_validated_probabilities.cache_clear()
    try:
        data = safeguarding_eval.train_crisis_scorer()
    finally:
        safeguarding_eval.cross_validated_probabilities.cache_clear()

    assert crisis_scorer.scorer_from_data(data) == crisis_scorer.committed_scorer()


def test_learned_scorer_with_the_rules_holds_its_held_out_recall() -> None:
    # 98.7% danger now, 95.6% self-harm on 2026-11-26, third round (docs/safeguarding.md);
    # the floor is that rounded down to a whole 5%, which is issue 15's target.
    held_out = _held_out_scores_with_the_learned_scorer()

    assert held_out["danger_now"].rate >= 0.95
    assert held_out["self_harm"].rate >= 0.95


def test_learned_scorer_with_the_rules_meets_the_false_alarm_target() -> None:
    # On by default. With the rules, held-out false alarms were 3.8% of ordinary questions
    # (4/104, all near misses; 0 of 39 plain ones) on 2026-11-26, third round (7.0% in the
    # second, 11.8% in the first): within issue 15's 5% target.
    held_out = _held_out_scores_with_the_learned_scorer()

    assert settings.SAFEGUARDING_LEARNED_SCORER is True
    assert held_out["ordinary"].rate <= safeguarding_eval.CRISIS_FALSE_ALARM_TARGET
    assert held_out["all ordinary"].rate <= safeguarding_eval.CRISIS_FALSE_ALARM_TARGET


def test_learned_scorer_overrules_no_dev_crisis_message_the_rules_flag() -> None:
    # veto_below and strong_veto_below are chosen so that the overrule costs no dev recall:
    # each dev crisis message the rules flag, with its cross-validated probability, is still
    # flagged, and both kinds of flag are open to review.
    scorer = crisis_scorer.committed_scorer()
    probabilities = safeguarding_eval.cross_validated_probabilities()
    flagged_by_rules = [
        (e.text, verdict)
        for e in safeguarding_eval.crisis_corpus()
        if e.split == "dev" and e.category in safeguarding_eval.CRISIS_CATEGORIES
        for verdict in (safeguarding_eval.rules_verdict(e.text, CRISIS_PHRASES),)
        if verdict.flagged
    ]

    assert scorer.veto_below > scorer.strong_veto_below > 0.0
    assert sum(verdict.review is Review.WEAK for _, verdict in flagged_by_rules) > 100
    assert sum(verdict.review is Review.STRONG for _, verdict in flagged_by_rules) > 100
    for text, verdict in flagged_by_rules:
        assert safeguarding_eval.flagged_with_scorer(verdict, probabilities[text], scorer), text


def test_personal_details_meet_their_targets_on_the_held_out_messages() -> None:
    held_out = {
        s.category: s for s in safeguarding_eval.personal_details_scores() if s.split == "heldout"
    }

    assert held_out["all details"].rate >= 0.90
    assert held_out["ordinary questions"].rate <= 0.02


def test_corpus_is_large_enough_and_a_fifth_of_each_category_is_held_out() -> None:
    examples = safeguarding_eval.crisis_corpus()
    splits = Counter((e.category, e.split) for e in examples)

    assert len(examples) >= 300
    assert len({e.text for e in examples}) == len(examples)
    for category in ("danger_now", "self_harm", "ordinary", "near_miss"):
        total = splits[(category, "dev")] + splits[(category, "heldout")]
        # A fifth of each batch (eight so far), so within one message per batch of a fifth.
        assert abs(splits[(category, "heldout")] - total / 5) <= 8
    for example in safeguarding_eval.personal_details_corpus():
        assert all(detail in example.text for detail in example.details)


def test_every_detail_must_be_covered_for_a_message_to_count_as_caught() -> None:
    from safeguarding.detection import Finding

    example = safeguarding_eval.Example("dev", "phone", "ring 07700 900123", ("07700 900123",))

    assert safeguarding_eval.details_caught(example, [Finding("phone", 5, 17, "07700 900123")])
    assert not safeguarding_eval.details_caught(example, [Finding("phone", 5, 10, "07700")])


def test_command_prints_both_tables_with_dev_and_held_out_figures() -> None:
    out = io.StringIO()

    call_command("safeguarding_eval", stdout=out)

    printed = out.getvalue()
    assert "Crisis triage (danger now, suicide and self-harm)" in printed
    assert "the rules alone" in printed
    assert "the rules and the learned scorer together" in printed
    combined = _held_out_scores_with_the_learned_scorer()["all ordinary"]
    assert f"{combined.hits:>3}/{combined.total:<3}" in printed
    assert "The learned scorer alone, cross-validated on dev: danger_now" in printed
    assert "Personal details" in printed
    for row in ("danger_now", "self_harm", "near_miss", "all ordinary", "all details"):
        assert f"\n{row} " in printed
    assert "held-out" in printed
    danger = next(s for s in safeguarding_eval.crisis_scores() if s.split == "heldout")
    assert f"{danger.hits:>3}/{danger.total:<3}" in printed


def test_command_scores_the_newest_batch_alone_when_asked() -> None:
    out = io.StringIO()

    call_command("safeguarding_eval", "--last", "160", stdout=out)

    printed = out.getvalue()
    assert "on the last 160 messages only" in printed
    newest = safeguarding_eval.crisis_scores(last=160)
    categories = ("danger_now", "self_harm", "ordinary", "near_miss")
    assert sum(s.total for s in newest if s.category in categories) == 160
    for score in newest:
        assert f"{score.hits:>3}/{score.total:<3}" in printed
