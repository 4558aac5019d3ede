"""The blind batch of 2026-12-07 (safeguarding/evaluation/blind/README.md): written by someone
who read none of the rules, scored once. Nothing may make its figures worse than they were
then; these are floors and ceilings from that single scoring, not targets tuned to."""

from pathlib import Path

import pytest

from safeguarding.detection import CRISIS_PHRASES
from safeguarding.evaluation import scoring
from safeguarding.evaluation.blind_details import score_blind_details

BLIND = Path(scoring.__file__).resolve().parent / "blind"

# Scored once, 2026-12-07 (docs/safeguarding.md, "Blind batch figures").
CAUGHT_AT_LEAST = {"danger_now": 104, "self_harm": 84}
FLAGGED_AT_MOST = {"near_miss": 4, "ld_plain": 0, "hate_everyday": 4, "plain": 0}
DETAILS_MASKED_AT_LEAST = {
    "account_number": 9,
    "address": 19,
    "card_number": 10,
    "date_of_birth": 14,
    "email": 9,
    "iban": 9,
    "national_insurance_number": 10,
    "phone": 22,
    "postcode": 16,
    "private_name": 19,
    "sort_code": 9,
    "vehicle": 13,
}


@pytest.mark.django_db
def test_crisis_triage_on_the_blind_batch_is_no_worse_than_when_first_scored() -> None:
    rows = scoring.read_blind(BLIND / "2026-12-07-triage.jsonl")
    report = scoring.blind_scores(rows, CRISIS_PHRASES, learned=True)
    assert {label: total for label, (_, total) in report.caught.items()} == {
        "danger_now": 108,
        "self_harm": 110,
    }
    for label, floor in CAUGHT_AT_LEAST.items():
        assert report.caught[label][0] >= floor, (label, report.caught[label])
    for group, ceiling in FLAGGED_AT_MOST.items():
        assert report.flagged[group][0] <= ceiling, (group, report.flagged[group])


def test_personal_details_on_the_blind_batch_are_no_worse_than_when_first_scored() -> None:
    lines = (BLIND / "2026-12-07-details.jsonl").read_text(encoding="utf-8").splitlines()
    scores = score_blind_details(lines)
    for kind, floor in DETAILS_MASKED_AT_LEAST.items():
        assert scores.kinds[kind].masked >= floor, (kind, scores.kinds[kind])
    assert scores.clean_total == 65
    assert scores.clean_flagged <= 1
    assert len(scores.left) <= 10
