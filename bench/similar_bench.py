"""Time the grouping of one new question against a full queue, with no database.

    .venv/bin/python bench/similar_bench.py [--waiting 500] [--runs 5]

The questions are the labelled pairs' (similar/evaluation/pairs.jsonl), repeated with a
number appended until there are `--waiting` of them. Prints what the Celery task that groups
a new question spends outside the database (similar.services.question_group): loading the
model once per process, reading the event's questions the first time a worker sees them
(cold), and grouping one more question when they are already read (warm: one reading, one
product of matrices over them all, then the full comparison of the closest
SHORTLIST). Figures, not assertions: see docs/similar.md.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waiting", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    from safeguarding import embedding
    from similar import evaluation, matching, readings

    started = time.perf_counter()
    embedding.embedder()
    model = matching.committed_model()
    loaded_ms = (time.perf_counter() - started) * 1000

    texts = sorted({text for pair in evaluation.load_pairs() for text in (pair.a, pair.b)})
    queue = [
        f"{texts[i % len(texts)]} {i // len(texts) or ''}".strip() for i in range(options.waiting)
    ]
    started = time.perf_counter()
    others = {pk: readings.reading_of(pk, text) for pk, text in enumerate(queue)}
    cold_ms = (time.perf_counter() - started) * 1000

    warm = []
    for run in range(options.runs):
        new = f"How long does it take the CPS to decide on charging? {run}"
        started = time.perf_counter()
        mine = readings.reading_of(-1 - run, new)
        best = max(
            (
                model.probability(mine, others[pk])
                for pk in matching.nearest(mine, others, matching.SHORTLIST)
            ),
            default=0.0,
        )
        warm.append((time.perf_counter() - started) * 1000)
    print(f"similar questions: one new question against {options.waiting} waiting")
    print(f"  load the model (once per process): {loaded_ms:.0f} ms")
    print(f"  read the {options.waiting} questions (once per worker, cold): {cold_ms:.0f} ms")
    print(
        f"  group one more (warm), median of {options.runs}: {statistics.median(warm):.1f} ms "
        f"(best match {best:.2f}, threshold {model.threshold:.2f})"
    )


if __name__ == "__main__":
    main()
