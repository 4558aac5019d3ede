"""The blind batches (safeguarding/evaluation/blind/README.md): each written by someone who read
none of the rules, scored once. Nothing may make their figures worse than they were then;
these are floors and ceilings from that single scoring, not targets tuned to."""

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safeguarding.detection import CRISIS_PHRASES
from safeguarding.evaluation import scoring
from safeguarding.evaluation.blind_details import score_blind_details

BLIND = Path(scoring.__file__).resolve().parent / "blind"


@dataclass(frozen=True)
class TriagePins:
    """A triage batch's figures when it was scored once: each crisis label's total and the
    fewest caught, each ordinary group's most flagged."""

    totals: dict[str, int]
    caught_at_least: dict[str, int]
    flagged_at_most: dict[str, int]


@dataclass(frozen=True)
class DetailsPins:
    masked_at_least: dict[str, int]  # by kind
    clean_total: int
    clean_flagged_at_most: int
    left_at_most: int  # details with something left in the masked text


# Scored once each (docs/safeguarding.md, "Blind batch figures"). Moved on 2026-12-07 (the
# sixth round), when the learned layer also learned from the 1,440 + 2,964 messages of the
# extra corpora (docs/safeguarding.md, "The sixth round"): on the ask path danger now
# 104/120/113/123 -> 107/124/121/131 and self-harm 84/99/89/85 -> 95/111/108/102 on the four
# batches; near misses 4/11/4/7 -> 2/11/7/9, everyday hate crime 4/8/1/5 -> 3/4/4/2, plain
# English 0/1/1/2 -> 0/0/0/1, and one plain question on the third batch where there was none.
TRIAGE_PINS = {
    "2026-12-07-triage.jsonl": TriagePins(
        totals={"danger_now": 108, "self_harm": 110},
        caught_at_least={"danger_now": 107, "self_harm": 95},
        flagged_at_most={"near_miss": 2, "ld_plain": 0, "hate_everyday": 3, "plain": 0},
    ),
    "2026-12-07b-triage.jsonl": TriagePins(
        totals={"danger_now": 126, "self_harm": 126},
        caught_at_least={"danger_now": 124, "self_harm": 111},
        flagged_at_most={"near_miss": 11, "ld_plain": 0, "hate_everyday": 4, "plain": 0},
    ),
    "2026-12-07c-triage.jsonl": TriagePins(
        totals={"danger_now": 130, "self_harm": 130},
        caught_at_least={"danger_now": 121, "self_harm": 108},
        flagged_at_most={"near_miss": 7, "ld_plain": 0, "hate_everyday": 4, "plain": 1},
    ),
    "2026-12-07d-triage.jsonl": TriagePins(
        totals={"danger_now": 140, "self_harm": 140},
        caught_at_least={"danger_now": 131, "self_harm": 102},
        flagged_at_most={"near_miss": 9, "ld_plain": 1, "hate_everyday": 2, "plain": 0},
    ),
    # The sixth round's batch, scored once at 14448a8 (at the round's start, 2931207: danger
    # now 129, self-harm 113, near misses 3, plain English 1, hate 2, plain 0; at 14448a8
    # 130, 123; 2, 1, 3, 1), and again after the layers learned from corpus h (pinned).
    "2026-12-07f-triage.jsonl": TriagePins(
        totals={"danger_now": 140, "self_harm": 140},
        caught_at_least={"danger_now": 132, "self_harm": 126},
        flagged_at_most={"near_miss": 2, "ld_plain": 1, "hate_everyday": 3, "plain": 0},
    ),
}
# With the second reading after the ask path (what moderators and askers see a moment later);
# the third batch was scored once with it, the first two when it was chosen (the A/B).
# Raised on 2026-12-07, when the second reading also learned from the fourth round's 1,440
# messages (docs/safeguarding.md, "The second reading"): self-harm 98 -> 100, 115 -> 120 and
# 98 -> 106 on the three batches, danger now 123 -> 124 on the third; near misses one or two
# more on each (4 -> 5, 13 -> 14, 4 -> 6), everyday hate crime 6 -> 4 and 11 -> 8 fewer on the
# first two and 1 -> 2 on the third, plain English 1 -> 0, 2 -> 1 and 1 -> 2: 42 ordinary
# questions flagged in all where there were 43.
# Moved again in the sixth round (both layers trained with the extra corpora): caught
# 107+100, 124+120, 125+112, 132+115 (1,035 where there were 1,028), ordinary questions
# flagged 6, 15, 14, 13 (48 where there were 61); near misses 5/14/6/8 -> 2/11/8/10.
SECOND_READING_PINS = {
    "2026-12-07-triage.jsonl": TriagePins(
        totals={"danger_now": 108, "self_harm": 110},
        caught_at_least={"danger_now": 107, "self_harm": 100},
        flagged_at_most={"near_miss": 2, "ld_plain": 0, "hate_everyday": 4, "plain": 0},
    ),
    "2026-12-07b-triage.jsonl": TriagePins(
        totals={"danger_now": 126, "self_harm": 126},
        caught_at_least={"danger_now": 124, "self_harm": 120},
        flagged_at_most={"near_miss": 11, "ld_plain": 0, "hate_everyday": 4, "plain": 0},
    ),
    "2026-12-07c-triage.jsonl": TriagePins(
        totals={"danger_now": 130, "self_harm": 130},
        caught_at_least={"danger_now": 125, "self_harm": 112},
        flagged_at_most={"near_miss": 8, "ld_plain": 1, "hate_everyday": 4, "plain": 1},
    ),
    "2026-12-07d-triage.jsonl": TriagePins(
        totals={"danger_now": 140, "self_harm": 140},
        caught_at_least={"danger_now": 132, "self_harm": 115},
        flagged_at_most={"near_miss": 10, "ld_plain": 1, "hate_everyday": 2, "plain": 0},
    ),
    # At the round's start: 133, 128; 3, 1, 2, 0. At 14448a8: 135, 128; 2, 1, 3, 1.
    "2026-12-07f-triage.jsonl": TriagePins(
        totals={"danger_now": 140, "self_harm": 140},
        caught_at_least={"danger_now": 134, "self_harm": 133},
        flagged_at_most={"near_miss": 2, "ld_plain": 1, "hate_everyday": 4, "plain": 0},
    ),
}
# The details pins were raised on 2026-12-07 (docs/safeguarding.md, "Personal details, fourth
# round"): every batch masks more, and fewer details leave anything behind; batch a's clean
# messages flagged went from 1 to 2 while batch b's went from 2 to 1 (the same 6 of 204 in all).
# Raised again by the fifth round's first names (docs/safeguarding.md): names 34 -> 37 and
# 32 -> 35 on batches b and c, nothing more flagged.
# Raised by the sixth round's details finder on batches d and e (addresses 38 -> 43 and
# 42 -> 45, names 54 -> 58 and 56 -> 61, dates of birth 26 -> 27 on d; clean flagged 3 -> 2
# and 6 -> 5; left 17 -> 11 and 10 -> 5).
DETAILS_PINS = {
    "2026-12-07-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 9,
            "address": 21,
            "card_number": 10,
            "date_of_birth": 14,
            "email": 9,
            "iban": 9,
            "national_insurance_number": 10,
            "phone": 22,
            "postcode": 16,
            "private_name": 21,
            "sort_code": 9,
            "vehicle": 13,
        },
        clean_total=65,
        clean_flagged_at_most=2,
        left_at_most=6,
    ),
    "2026-12-07b-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 10,
            "address": 32,
            "card_number": 14,
            "date_of_birth": 19,
            "email": 17,
            "iban": 11,
            "national_insurance_number": 13,
            "phone": 31,
            "postcode": 25,
            "private_name": 37,
            "sort_code": 11,
            "vehicle": 16,
        },
        clean_total=69,
        clean_flagged_at_most=1,
        left_at_most=10,
    ),
    # Its writer named the National Insurance number's kind ni_number.
    "2026-12-07c-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 17,
            "address": 21,
            "card_number": 15,
            "date_of_birth": 22,
            "email": 17,
            "iban": 16,
            "ni_number": 16,
            "phone": 24,
            "postcode": 21,
            "private_name": 35,
            "sort_code": 14,
            "vehicle": 17,
        },
        clean_total=70,
        clean_flagged_at_most=3,
        left_at_most=6,
    ),
    "2026-12-07d-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 10,
            "address": 43,
            "card_number": 11,
            "date_of_birth": 27,
            "email": 17,
            "iban": 8,
            "ni_number": 11,
            "phone": 36,
            "postcode": 31,
            "private_name": 58,
            "sort_code": 11,
            "vehicle": 14,
        },
        clean_total=70,
        clean_flagged_at_most=2,
        left_at_most=11,
    ),
    "2026-12-07e-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 12,
            "address": 45,
            "card_number": 12,
            "date_of_birth": 34,
            "email": 12,
            "iban": 12,
            "ni_number": 12,
            "phone": 30,
            "postcode": 26,
            "private_name": 61,
            "sort_code": 12,
            "vehicle": 14,
        },
        clean_total=70,
        clean_flagged_at_most=5,
        left_at_most=5,
    ),
    # The sixth round's batch, scored once at e2504ef (at the round's start, 2931207: 277/298,
    # addresses 43, names 55, dates of birth 33, postcode 26; 14 left; clean 4/70).
    "2026-12-07f-details.jsonl": DetailsPins(
        masked_at_least={
            "account_number": 12,
            "address": 46,
            "card_number": 12,
            "date_of_birth": 33,
            "email": 14,
            "iban": 12,
            "ni_number": 13,
            "phone": 31,
            "postcode": 26,
            "private_name": 61,
            "sort_code": 12,
            "vehicle": 14,
        },
        clean_total=70,
        clean_flagged_at_most=4,
        left_at_most=9,
    ),
}


def assert_no_worse(report: scoring.BlindReport, pins: TriagePins) -> None:
    assert {label: total for label, (_, total) in report.caught.items()} == pins.totals
    for label, floor in pins.caught_at_least.items():
        assert report.caught[label][0] >= floor, (label, report.caught[label])
    for group, ceiling in pins.flagged_at_most.items():
        assert report.flagged[group][0] <= ceiling, (group, report.flagged[group])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TRIAGE_PINS))
def test_crisis_triage_on_a_blind_batch_is_no_worse_than_when_first_scored(name: str) -> None:
    rows = scoring.read_blind(BLIND / name)
    assert_no_worse(scoring.blind_scores(rows, CRISIS_PHRASES, learned=True), TRIAGE_PINS[name])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SECOND_READING_PINS))
def test_with_the_second_reading_a_blind_batch_is_no_worse_than_when_first_scored(
    name: str,
) -> None:
    rows = scoring.read_blind(BLIND / name)
    report = scoring.blind_scores(rows, CRISIS_PHRASES, learned=True, second=True)
    assert_no_worse(report, SECOND_READING_PINS[name])


@pytest.mark.parametrize("name", sorted(DETAILS_PINS))
def test_personal_details_on_a_blind_batch_are_no_worse_than_when_first_scored(name: str) -> None:
    pins = DETAILS_PINS[name]
    scores = score_blind_details((BLIND / name).read_text(encoding="utf-8").splitlines())
    # Counts only in what a failure prints: a blind batch's messages are not to be read.
    masked = {kind: score.masked for kind, score in scores.kinds.items()}
    for kind, floor in pins.masked_at_least.items():
        assert masked[kind] >= floor, (kind, masked[kind], floor)
    assert scores.clean_total == pins.clean_total
    flagged, left = scores.clean_flagged, len(scores.left)
    assert flagged <= pins.clean_flagged_at_most, (flagged, pins.clean_flagged_at_most)
    assert left <= pins.left_at_most, (left, pins.left_at_most)


# The held-out fifths of the extra corpora (nothing trains on them), with the second reading:
# e's first scored when the second reading learned from its batch (danger 69, self-harm 58,
# near misses 4, plain English 3, hate 2), moved in the sixth round when both layers learned
# from g's batch too (and h's: hostile messages and complaints at the panel, all ordinary);
# g's and h's scored then.
EXTRA_HELD_OUT_PINS = {
    "crisis_second_reading_2026-12-07e.tsv": TriagePins(
        totals={"danger_now": 70, "self_harm": 70},
        caught_at_least={"danger_now": 68, "self_harm": 62},
        flagged_at_most={"near_miss": 8, "ld_plain": 1, "hate_everyday": 1, "plain": 0},
    ),
    "crisis_extra_2026-12-07g.tsv": TriagePins(
        totals={"danger_now": 118, "self_harm": 147},
        caught_at_least={"danger_now": 111, "self_harm": 142},
        flagged_at_most={"near_miss": 14, "ld_plain": 2, "hate_everyday": 6, "plain": 0},
    ),
    "crisis_extra_2026-12-07h.tsv": TriagePins(
        totals={"danger_now": 0, "self_harm": 0},
        caught_at_least={"danger_now": 0, "self_harm": 0},
        flagged_at_most={"near_miss": 6, "ld_plain": 0, "hate_everyday": 0, "plain": 1},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXTRA_HELD_OUT_PINS))
def test_the_extra_corpora_held_out_fifths_are_no_worse_than_when_first_scored(name: str) -> None:
    assert tuple(EXTRA_HELD_OUT_PINS) == scoring.EXTRA_CRISIS_CORPORA
    rows = scoring.extra_crisis_heldout_rows(name)
    report = scoring.blind_scores(rows, CRISIS_PHRASES, learned=True, second=True)
    assert_no_worse(report, EXTRA_HELD_OUT_PINS[name])


def test_safeguarding_eval_scores_the_second_readings_held_out_fifth() -> None:
    out = StringIO()
    call_command("safeguarding_eval", "--second-reading-heldout", stdout=out)
    assert "crisis_second_reading_2026-12-07e.tsv's held-out fifth (288 messages)" in out.getvalue()
    assert "crisis_extra_2026-12-07g.tsv's held-out fifth (586 messages)" in out.getvalue()
    assert "crisis_extra_2026-12-07h.tsv's held-out fifth (80 messages)" in out.getvalue()
    assert "With the second reading" in out.getvalue()
