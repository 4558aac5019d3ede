from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding import crisis_scorer, selectors
from safeguarding import detection as safeguarding
from safeguarding.evaluation import scoring as safeguarding_eval
from safeguarding.evaluation.blind_details import blind_details_report, corpus_details_left


class Command(BaseCommand):
    help = (
        "Score crisis triage and the personal-details finder against the labelled corpus in "
        "safeguarding/evaluation/corpus/: recall on crisis messages and messages with details, "
        "false alarms on ordinary questions, for the dev and held-out splits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--staff-phrases",
            action="store_true",
            help=(
                "Use the crisis phrases staff keep in the admin (needs the database) instead "
                "of the defaults a fresh install seeds."
            ),
        )
        parser.add_argument(
            "--last",
            type=int,
            metavar="N",
            help=(
                "Score crisis triage on the last N messages of crisis.tsv only: a new batch "
                "alone, since each batch is appended at the end."
            ),
        )
        parser.add_argument(
            "--blind",
            type=Path,
            metavar="PATH",
            help=(
                "Score crisis triage, as the ask path runs it with the default settings, on an "
                'external batch instead: JSON lines {"text", "label": danger_now|self_harm|'
                'ordinary, "group": near_miss|ld_plain|hate_everyday|plain|danger_now|'
                "self_harm}. Prints the figures and the cost per question, never a message."
            ),
        )
        parser.add_argument(
            "--second-reading-heldout",
            action="store_true",
            help=(
                "Score crisis triage as --blind does on the held-out fifth of each extra "
                "corpus both learned layers train on (corpus/crisis_second_reading_*.tsv, "
                "corpus/crisis_extra_*.tsv); nothing trains on those fifths."
            ),
        )
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="List the dev messages each detector gets wrong (never the held-out ones).",
        )

        parser.add_argument(
            "--details-last",
            type=int,
            metavar="N",
            help=(
                "Score the personal-details finder on the last N messages of "
                "personal_details.tsv only (its clean ones as the ordinary questions)."
            ),
        )
        parser.add_argument(
            "--blind-details",
            type=Path,
            metavar="PATH",
            help=(
                "Score only the personal-details finder on a batch written blind: JSON lines "
                '{"text", "details": [{"kind", "text"}]}; prints each kind masked, whether '
                "anything of a detail is left in the masked text, and clean messages flagged."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["blind_details"]:
            self.stdout.write(blind_details_report(options["blind_details"]))
            if not options["blind"]:
                return
        if options["blind"]:
            self.score_blind(options["blind"], staff_phrases=options["staff_phrases"])
            return
        if options["second_reading_heldout"]:
            for corpus in safeguarding_eval.EXTRA_CRISIS_CORPORA:
                rows = safeguarding_eval.extra_crisis_heldout_rows(corpus)
                name = f"{corpus}'s held-out fifth"
                self.score_rows(rows, name, staff_phrases=options["staff_phrases"])
            return
        if options["staff_phrases"]:
            staff_phrases = safeguarding.active_phrases("crisis")
            source = f"the {len(staff_phrases)} active staff phrases in the admin"
        else:
            staff_phrases = safeguarding.CRISIS_PHRASES
            source = f"the {len(staff_phrases)} default staff phrases"
        crisis_title = f"Crisis triage (danger now, suicide and self-harm), with {source}"
        if options["last"]:
            crisis_title += f", on the last {options['last']} messages only"
        self.stdout.write(
            safeguarding_eval.format_table(
                f"{crisis_title}: the rules alone",
                safeguarding_eval.crisis_scores(staff_phrases, last=options["last"]),
            )
        )
        self.stdout.write("")
        scorer = crisis_scorer.committed_scorer()
        self.stdout.write(
            safeguarding_eval.format_table(
                f"{crisis_title}: the rules and the learned scorer together\n"
                f"(flagged when the rules flag it or the scorer's probability is above "
                f"{scorer.threshold}, unless only the weaker rules or staff phrases flag it and "
                f"the probability is below {scorer.veto_below}, or only rules that state the "
                f"danger outright and it is below {scorer.strong_veto_below}; dev: each message "
                "scored by a scorer trained on the other "
                f"{safeguarding_eval.SCORER_FOLDS - 1} folds of dev; held-out: the committed "
                "scorer, trained on all of dev)",
                safeguarding_eval.crisis_scores(staff_phrases, last=options["last"], learned=True),
            )
        )
        self.stdout.write(
            safeguarding_eval.format_overrules(safeguarding_eval.overrule_counts(staff_phrases))
        )
        self.stdout.write(
            "The learned scorer alone, cross-validated on dev: "
            + ", ".join(
                f"{s.category} {s.hits}/{s.total} {s.rate:.1%}"
                for s in safeguarding_eval.scorer_alone_dev_scores(last=options["last"])
            )
        )
        self.stdout.write("")
        self.stdout.write(
            safeguarding_eval.format_table(
                "Personal details (found and fully covered by a masking span)"
                + (
                    f", on the last {options['details_last']} messages of personal_details.tsv"
                    if options["details_last"]
                    else ""
                ),
                safeguarding_eval.personal_details_scores(last=options["details_last"]),
            )
        )
        left = corpus_details_left()
        details = sum(len(e.details) for e in safeguarding_eval.personal_details_corpus())
        self.stdout.write(
            "Nothing of a detail left in the masked text (whole details corpus): "
            f"{'yes' if not left else 'no'}, "
            f"{len(left)}/{details} details left their text or a run of 3+ digits"
        )
        if options["show_misses"]:
            self.stdout.write(
                "\nCrisis triage, dev messages the rules and the learned layer get wrong "
                "(cross-validated):"
            )
            for example in safeguarding_eval.crisis_misses(staff_phrases):
                self.stdout.write(f"  {example.category:<11} {example.text}")
            self.stdout.write("\nPersonal details, dev messages it gets wrong:")
            for example in safeguarding_eval.personal_details_misses("dev"):
                found = safeguarding.find_personal_details(example.text)
                self.stdout.write(
                    f"  {example.category:<11} {example.text}  -> "
                    f"{[(f.kind, f.text) for f in found]}"
                )

    def score_blind(self, path: Path, *, staff_phrases: bool) -> None:
        try:
            rows = safeguarding_eval.read_blind(path)
        except (OSError, safeguarding_eval.BlindFileError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.score_rows(rows, path.name, staff_phrases=staff_phrases)

    def score_rows(
        self, rows: list[safeguarding_eval.BlindRow], name: str, *, staff_phrases: bool
    ) -> None:
        if staff_phrases:
            phrases = selectors.crisis_phrases()
            source = f"the {len(phrases.phrases)} active staff phrases in the admin"
        else:
            phrases = selectors.CrisisPhrases(safeguarding.CRISIS_PHRASES, ())
            source = f"the {len(phrases.phrases)} default staff phrases"
        learned = settings.SAFEGUARDING_LEARNED_SCORER
        self.stdout.write(
            f"Crisis triage on {name} ({len(rows)} messages), with {source}, "
            f"learned layer {'on' if learned else 'off'}:"
        )
        report = safeguarding_eval.blind_scores(
            rows, phrases.phrases, phrases.always_urgent, learned=learned
        )
        self.stdout.write(safeguarding_eval.format_blind(report))
        if not selectors.second_reading_on():
            self.stdout.write("(the second reading is off, or its model is not installed)")
            return
        self.stdout.write(
            "With the second reading (a worker reads again what the ask path let through):"
        )
        report = safeguarding_eval.blind_scores(
            rows, phrases.phrases, phrases.always_urgent, learned=learned, second=True
        )
        self.stdout.write(safeguarding_eval.format_blind(report))
