"""Time the safeguarding checks that run on every question, over the labelled corpus.

    .venv/bin/python bench/safeguarding_bench.py [--runs 5]

Runs crisis triage (with the default staff phrases: the rules alone, then as the ask path runs
it with the learned layer on, SAFEGUARDING_LEARNED_SCORER's default) and the personal-details
finder on each message of safeguarding/evaluation/corpus/, with no database. Prints the
median and 99th percentile time per message: for the first run, in which every word is new
to the process (its spelling is looked up), and over all runs. Also the time and the memory
(resident set size) that reading the word lists and the learned layer's model costs, once
per process. Figures, not assertions: see docs/safeguarding.md.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def resident_mb() -> float:
    """This process's resident set size now, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(
    check: Callable[[str], object], texts: list[str], runs: int
) -> tuple[list[int], list[int]]:
    """Nanoseconds per call: the first run's, and all runs'."""
    timings = []
    for _ in range(runs):
        for text in texts:
            start = time.perf_counter_ns()
            check(text)
            timings.append(time.perf_counter_ns() - start)
    return timings[: len(texts)], timings


def summary(timings: list[int]) -> str:
    ordered = sorted(timings)
    median = statistics.median(ordered) / 1e3
    p99 = ordered[int(len(ordered) * 0.99)] / 1e3
    return f"median {median:7.1f} us   p99 {p99:7.1f} us"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from safeguarding import crisis
    from safeguarding import detection as safeguarding
    from safeguarding.evaluation import scoring as safeguarding_eval

    texts = [e.text for e in safeguarding_eval.crisis_corpus()] + [
        e.text for e in safeguarding_eval.personal_details_corpus()
    ]
    before = resident_mb()
    started = time.perf_counter()
    crisis.warm(learned=False)
    lists = time.perf_counter() - started
    after_lists = resident_mb()
    started = time.perf_counter()
    crisis.warm(learned=True)
    model = time.perf_counter() - started
    after_model = resident_mb()
    print(
        f"{len(texts)} messages x {args.runs} runs. Read once per process: the word lists "
        f"{lists * 1e3:.0f} ms, +{after_lists - before:.0f} MB; the learned layer "
        f"{model * 1e3:.0f} ms, +{after_model - after_lists:.0f} MB (resident {after_model:.0f} MB)"
    )
    checks: dict[str, Callable[[str], object]] = {
        "rules alone": lambda text: crisis.crisis_match(text, safeguarding.CRISIS_PHRASES),
        # The ask path (safeguarding.selectors.question_in_danger_now) with the defaults.
        "ask path triage": lambda text: crisis.crisis_match(
            text, safeguarding.CRISIS_PHRASES, learned=True, always_urgent=()
        ),
        "personal details": lambda text: safeguarding.find_personal_details(text),
    }
    for name, check in checks.items():
        crisis.forget_words()
        first, every = timed(check, texts, args.runs)
        print(f"{name:<17} first run {summary(first)}; all runs {summary(every)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
