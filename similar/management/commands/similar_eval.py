from typing import Any

from django.core.management.base import BaseCommand

from similar import evaluation


class Command(BaseCommand):
    help = (
        "Score the grouping of similar questions on the labelled pairs in "
        "similar/evaluation/pairs.jsonl: precision and recall on the dev and held-out halves, "
        "and what reading and comparing a question costs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Similar questions: the same question, or the same subject only")
        self.stdout.write(
            f"{'split':<9} {'pairs':>5} {'same':>5} {'grouped':>7} {'wrong':>5} "
            f"{'precision':>9} {'recall':>6}"
        )
        for each in evaluation.score():
            self.stdout.write(
                f"{each.split:<9} {each.pairs:>5} {each.paraphrases:>5} {each.grouped:>7} "
                f"{each.wrongly_grouped:>5} {each.precision:>9.1%} {each.recall:>6.1%}"
            )
        texts = sorted({text for pair in evaluation.load_pairs() for text in (pair.a, pair.b)})
        read_ms, compare_ms = evaluation.cost_per_question(texts)
        self.stdout.write(
            f"Cost (model in memory): {read_ms:.2f} ms to read a question, {compare_ms:.3f} ms "
            f"to compare two; {len(texts)} questions."
        )
