from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from similar import evaluation, matching


class Command(BaseCommand):
    help = (
        "Train the comparison of similar questions on the dev half of "
        "similar/evaluation/pairs.jsonl (threshold from out-of-fold precision on dev; no "
        "held-out pair is read) and write similar/matching.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed file is not what training gives.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = evaluation.weights_json(evaluation.train())
        path = matching.WEIGHTS_PATH
        if options["check"]:
            if path.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{path.name} is not what similar_train gives; run it.")
            self.stdout.write(f"{path.name} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        matching.committed_model.cache_clear()
        self.stdout.write(f"Wrote {path}.")
