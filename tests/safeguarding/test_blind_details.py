"""`manage.py safeguarding_eval --blind-details PATH` scores a batch written by someone else."""

import io
import json
from pathlib import Path

from django.core.management import call_command


def _write_batch(path: Path, messages: list[dict[str, object]]) -> None:
    path.write_text("\n".join(json.dumps(m) for m in messages) + "\n", encoding="utf-8")


def test_blind_details_prints_each_kind_masked_what_is_left_and_clean_questions_flagged(
    tmp_path: Path,
) -> None:
    batch = tmp_path / "batch.jsonl"
    _write_batch(
        batch,
        [
            {
                "text": "ring me on 07700 900123 or at home",
                "details": [{"kind": "phone", "text": "07700 900123"}],
            },
            {
                "text": "my sort code is 20-45-77 and he has it",
                "details": [{"kind": "bank", "text": "20-45-77"}],
            },
            # A detail the finder cannot know: masked 0/1, and its text is left.
            {
                "text": "it was the bloke with the red hat, Dazza",
                "details": [{"kind": "name", "text": "Dazza"}],
            },
            {"text": "Can I ring 101 about it?", "details": []},
            {"text": "My account number is 41598722, is that safe?", "details": []},
        ],
    )
    out = io.StringIO()

    call_command("safeguarding_eval", "--blind-details", str(batch), stdout=out)

    assert out.getvalue().splitlines() == [
        f"Personal details, blind batch {batch}",
        "bank                         masked   1/1   (100.0%)",
        "name                         masked   0/1   (0.0%)",
        "phone                        masked   1/1   (100.0%)",
        "all details                  masked   2/3   (66.7%)",
        "nothing of a detail left: no, 1/3 details left their text or a run of 3+ digits in "
        "the masked text",
        "clean messages flagged 1/2 (50.0%)",
    ]


def test_a_detail_masked_but_for_a_run_of_its_digits_counts_as_left() -> None:
    from safeguarding.evaluation.blind_details import left_in

    assert left_in("call [phone removed] 123", "07700 900 123")
    assert not left_in("call [phone removed] 12", "07700 900 123")
    assert not left_in("call [phone removed]", "07700 900 123")


def test_the_newest_details_batch_can_be_scored_alone() -> None:
    from safeguarding.evaluation import scoring as safeguarding_eval

    newest = safeguarding_eval.personal_details_scores(last=62)

    totals = {s.category: 0 for s in newest}
    for score in newest:
        totals[score.category] += score.total
    assert totals["all details"] == 42
    assert totals["ordinary questions"] == 20
