"""The detectors against the held-out fifth of the corpus (messages no rule was written
against): issue 15's targets where they are met, today's floor where they are not (crisis
recall), and `manage.py safeguarding_eval` prints the tables."""

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from safeguarding import crisis_scorer
from safeguarding.crisis import Review
from safeguarding.detection import CRISIS_PHRASES
from safeguarding.evaluation import scoring as safeguarding_eval


def _held_out_crisis_scores() -> dict[str, safeguarding_eval.Score]:
    return {s.category: s for s in safeguarding_eval.crisis_scores() if s.split == "heldout"}


def test_crisis_triage_rules_alone_false_alarms_do_not_rise_above_today() -> None:
    # The rules alone flag 6.2% of held-out ordinary questions (8/129, all near misses;
    # 2026-12-07, ten batches). The ceiling is that rounded up to a whole 5%; plain questions
    # must stay at issue 29's target, none.
    held_out = _held_out_crisis_scores()

    assert held_out["all ordinary"].rate <= 0.10
    assert held_out["ordinary"].hits == 0


def test_crisis_triage_recall_on_the_held_out_messages_does_not_fall_below_today() -> None:
    # The rules alone catch 79.1% danger now and 82.1% self-harm held-out (2026-12-07, ten
    # batches, docs/safeguarding.md): lower than the 85% of eight batches because the ninth
    # and tenth were written in the wordings rules do not reach (danger implied by place and
    # state, farewells), which issue 29 leaves to the learned layer rather than to more rule
    # data. This holds the line at that rounded down to a whole 5% so that a change that
    # loses recall fails; raise it as the figures improve.
    held_out = _held_out_crisis_scores()

    assert held_out["danger_now"].rate >= 0.75
    assert held_out["self_harm"].rate >= 0.80


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
    extra = [
        e if e.split == "dev" else safeguarding_eval.Example(e.split, "ordinary", e.text[::-1])
        for e in safeguarding_eval.extra_crisis_corpus()
    ]
    monkeypatch.setattr(safeguarding_eval, "extra_crisis_corpus", lambda: extra)
    safeguarding_eval.cross_validated_probabilities.cache_clear()
    try:
        data = safeguarding_eval.train_crisis_scorer()
    finally:
        safeguarding_eval.cross_validated_probabilities.cache_clear()

    assert crisis_scorer.scorer_from_data(data) == crisis_scorer.committed_scorer()


def test_learned_scorer_with_the_rules_holds_its_held_out_recall() -> None:
    # 97.7% danger now, 97.4% self-harm on 2026-12-07 (docs/safeguarding.md): issue 29's
    # target, 97%, is the floor.
    held_out = _held_out_scores_with_the_learned_scorer()

    assert held_out["danger_now"].rate >= safeguarding_eval.CRISIS_RECALL_TARGET
    assert held_out["self_harm"].rate >= safeguarding_eval.CRISIS_RECALL_TARGET


def test_learned_scorer_with_the_rules_flags_no_plain_question_and_no_more_near_misses() -> None:
    # On by default. With the rules, held-out: 0 of 55 plain questions flagged (issue 29's
    # target, none), and 6 of 74 near misses, 8.1% (2026-12-07): over issue 29's 3%. The
    # near-miss ceiling is today's rounded up to a whole 5%, so that more false alarms fail;
    # lower it as the figures improve.
    held_out = _held_out_scores_with_the_learned_scorer()

    assert settings.SAFEGUARDING_LEARNED_SCORER is True
    assert held_out["ordinary"].hits == 0
    assert held_out["near_miss"].rate <= 0.10


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


def test_overrule_clears_at_most_one_crisis_message_and_most_false_alarms_held_out() -> None:
    # Of the rules' flags on held-out messages, the learned layer cleared no crisis message and
    # 4 of 8 false alarms (2026-12-07); trained with the extra corpora (the sixth round), 1 of
    # 132 crisis messages (a weak flag) and 5 of 8 false alarms (docs/safeguarding.md,
    # "Overrules"). Pinned there: no more crisis messages cleared, no fewer false alarms.
    held_out = [c for c in safeguarding_eval.overrule_counts() if c.split == "heldout"]

    assert sum(c.crisis_flagged for c in held_out) == 132
    assert sum(c.crisis_cleared for c in held_out) <= 1
    assert sum(c.ordinary_cleared for c in held_out) >= 5


def test_personal_details_meet_their_targets_on_the_held_out_messages() -> None:
    held_out = {
        s.category: s for s in safeguarding_eval.personal_details_scores() if s.split == "heldout"
    }

    assert held_out["all details"].rate >= 0.95
    assert held_out["ordinary questions"].rate <= 0.01


def test_corpus_is_large_enough_and_a_fifth_of_each_category_is_held_out() -> None:
    examples = safeguarding_eval.crisis_corpus()
    splits = Counter((e.category, e.split) for e in examples)

    assert len(examples) >= 300
    assert len({e.text for e in examples}) == len(examples)
    for category in ("danger_now", "self_harm", "ordinary", "near_miss"):
        total = splits[(category, "dev")] + splits[(category, "heldout")]
        # A fifth of each batch (nine so far), so within one message per batch of a fifth.
        assert abs(splits[(category, "heldout")] - total / 5) <= 9
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
    for count in safeguarding_eval.overrule_counts():
        assert (
            f"  {count.split:<8} {count.review:<7} crisis messages cleared "
            f"{count.crisis_cleared}/{count.crisis_flagged}, ordinary questions cleared "
            f"{count.ordinary_cleared}/{count.ordinary_flagged}"
        ) in printed
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


def _write_batch(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"text": text, "label": label, "group": group}) + "\n"
            for text, label, group in rows
        ),
        encoding="utf-8",
    )
    return path


def test_command_scores_an_external_batch_by_label_and_group(tmp_path: Path) -> None:
    batch = _write_batch(
        tmp_path / "batch.jsonl",
        [
            ("he is outside my door with a knife", "danger_now", "danger_now"),
            ("hes hitting me right now", "danger_now", "danger_now"),
            ("i am going to kill myself tonight", "self_harm", "self_harm"),
            ("How do I kill time while waiting for the panel?", "ordinary", "near_miss"),
            # mislabelled on purpose: an ordinary row that is flagged is counted as flagged
            ("he has locked me in the bedroom", "ordinary", "near_miss"),
            ("What time does the chat start?", "ordinary", "plain"),
            ("I am Jo. I have a learning disability. Where do I sit?", "ordinary", "ld_plain"),
            (
                "People keep calling me names because I have a learning disability",
                "ordinary",
                "hate_everyday",
            ),
        ],
    )
    out = io.StringIO()

    call_command("safeguarding_eval", "--blind", str(batch), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Crisis triage on batch.jsonl (8 messages), with the 18 default staff phrases, "
        "learned layer on:"
    )
    assert lines[1:7] == [
        "danger_now caught 2/2 (100.0%)",
        "self_harm caught 1/1 (100.0%)",
        "near misses flagged urgent 1/2 (50.0%)",
        "ld_plain flagged 0/1 (0.0%)",
        "hate_everyday flagged 0/1 (0.0%)",
        "plain flagged 0/1 (0.0%)",
    ]
    assert lines[7].startswith("cost: median ")
    assert "Personal details" not in out.getvalue()


def test_command_refuses_a_batch_line_it_cannot_read(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"text": "hello", "label": "ordinary", "group": "plain"}\n'
        '{"text": "hello", "label": "urgent", "group": "plain"}\n',
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="line 2: label must be one of"):
        call_command("safeguarding_eval", "--blind", str(batch), stdout=io.StringIO())
