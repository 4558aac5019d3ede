"""Time the safeguarding checks that run on every question, over the labelled corpus.

    .venv/bin/python bench/safeguarding_bench.py [--runs 5]

Runs crisis triage (with the default staff phrases; the rules alone, then with the learned
scorer as SAFEGUARDING_LEARNED_SCORER=true runs it) and the personal-details finder on each
message of safeguarding/evaluation/corpus/, `--runs` times, with no database. Prints the median
and 99th percentile time per message and the time of the first call, which pays for
compiling the patterns (and, for the scorer, reading its weights). Figures, not
assertions: see docs/safeguarding.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
    os.environ.setdefault("DEBUG", "true")

    started = time.perf_counter()
    from safeguarding import crisis
    from safeguarding import detection as safeguarding
    from safeguarding.evaluation import scoring as safeguarding_eval

    crisis.crisis_match("first call", safeguarding.CRISIS_PHRASES)
    first_call = time.perf_counter() - started
    texts = [e.text for e in safeguarding_eval.crisis_corpus()] + [
        e.text for e in safeguarding_eval.personal_details_corpus()
    ]
    started = time.perf_counter()
    crisis.crisis_match("first call", safeguarding.CRISIS_PHRASES, learned=True)
    scorer_first_call = time.perf_counter() - started
    checks = {
        "crisis triage": lambda text: crisis.crisis_match(text, safeguarding.CRISIS_PHRASES),
        "triage + scorer": lambda text: crisis.crisis_match(
            text, safeguarding.CRISIS_PHRASES, learned=True
        ),
        "personal details": lambda text: safeguarding.find_personal_details(text),
    }
    print(
        f"{len(texts)} messages x {args.runs} runs; import and first call {first_call * 1e3:.0f} ms"
        f"; the scorer's first call {scorer_first_call * 1e3:.0f} ms"
    )
    for name, check in checks.items():
        timings = []
        for _ in range(args.runs):
            for text in texts:
                start = time.perf_counter_ns()
                check(text)
                timings.append(time.perf_counter_ns() - start)
        timings.sort()
        median = statistics.median(timings) / 1e3
        p99 = timings[int(len(timings) * 0.99)] / 1e3
        print(f"{name:<17} median {median:7.1f} us   p99 {p99:7.1f} us per message")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
