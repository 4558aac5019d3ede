import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeguarding import crisis_scorer, second_reading
from safeguarding.evaluation import scoring as safeguarding_eval


class Command(BaseCommand):
    help = (
        "Train crisis triage's learned scorer on the dev part of "
        "safeguarding/evaluation/corpus/crisis.tsv (threshold by cross-validation on dev; no "
        "held-out message is read) and write safeguarding/crisis_scorer.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed file is not what training gives.",
        )
        parser.add_argument(
            "--compare",
            action="store_true",
            help=(
                "Write nothing; print the A/B between the designs (how a question is written, "
                "what it means, both), each without the rules: cross-validated on dev, and on "
                "held-out for a scorer trained on dev."
            ),
        )
        parser.add_argument(
            "--second-reading",
            action="store_true",
            help=(
                "Train the second reading (the all-MiniLM-L6-v2 classifier, "
                "safeguarding/second_reading.py) instead and write "
                "safeguarding/second_reading.json (with --check: compare only). Needs the "
                "sentence model (make install); about a minute."
            ),
        )

        parser.add_argument(
            "--first-names",
            action="store_true",
            help=(
                "Write safeguarding/first_names.txt, the first names the personal-details "
                "finder knows, from Faker's person providers (with --check: compare only)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["compare"]:
            self.stdout.write(
                safeguarding_eval.format_table(
                    "The learned layer's designs, each alone, its threshold at "
                    f"{safeguarding_eval.SCORER_FALSE_ALARM_LIMIT:.0%} cross-validated false "
                    "alarms on dev",
                    safeguarding_eval.compare_designs(),
                )
            )
            return
        if options["first_names"]:
            from safeguarding import private_names
            from safeguarding.evaluation.first_names import first_names_text

            text = first_names_text()
            path = private_names.FIRST_NAMES_PATH
        elif options["second_reading"]:
            trained = safeguarding_eval.train_second_reading()
            text = safeguarding_eval.crisis_scorer_json(trained)
            path = second_reading.WEIGHTS_PATH
            if options["check"]:
                committed = json.loads(path.read_text(encoding="utf-8"))
                if not safeguarding_eval.same_second_reading(committed, trained):
                    raise SystemExit(f"{path.name} is not what safeguarding_train gives; run it.")
                self.stdout.write(f"{path.name} is up to date.")
                return
        else:
            text = safeguarding_eval.crisis_scorer_json(safeguarding_eval.train_crisis_scorer())
            path = crisis_scorer.WEIGHTS_PATH
        if options["check"]:
            if path.read_text(encoding="utf-8") != text:
                raise SystemExit(f"{path.name} is not what safeguarding_train gives; run it.")
            self.stdout.write(f"{path.name} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({len(text.encode('utf-8')):,} bytes).")
