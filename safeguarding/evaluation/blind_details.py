"""Scores the personal-details finder on a batch written by someone else (`manage.py
safeguarding_eval --blind-details PATH`): one JSON object a line, {"text": ..., "details":
[{"kind": ..., "text": ...}, ...]}, an empty list for a clean message.

A detail counts as masked when every visible character of it lies inside a finding, and as
left when its text, or any run of three or more of its digits, is still in the masked text
(a phone number half masked has left its other half).
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding.detection import Finding, find_personal_details, mask

_DIGIT_RUN = re.compile(r"\d{3,}")


@dataclass
class KindScore:
    masked: int = 0
    total: int = 0

    def line(self, label: str) -> str:
        rate = self.masked / self.total if self.total else 0.0
        return f"{label:<28} masked {self.masked:>3}/{self.total:<3} ({rate:.1%})"


@dataclass
class BlindDetailsScores:
    kinds: dict[str, KindScore] = field(default_factory=dict)
    left: list[tuple[str, str]] = field(default_factory=list)  # (message, detail) not removed
    clean_flagged: int = 0
    clean_total: int = 0

    @property
    def all_details(self) -> KindScore:
        return KindScore(
            sum(s.masked for s in self.kinds.values()), sum(s.total for s in self.kinds.values())
        )


def covered(text: str, detail: str, findings: list[Finding]) -> bool:
    """Every visible character of `detail` (its first place in `text`) lies inside a finding."""
    start = text.find(detail)
    if start < 0:
        return False
    return all(
        any(f.start <= start + offset < f.end for f in findings)
        for offset, char in enumerate(detail)
        if not char.isspace()
    )


def left_in(masked: str, detail: str) -> bool:
    """`detail`, or a run of three or more of its digits, is still in `masked`."""
    return detail in masked or any(run in masked for run in _DIGIT_RUN.findall(detail))


def score_blind_details(lines: Iterable[str]) -> BlindDetailsScores:
    scores = BlindDetailsScores()
    for line in lines:
        if not line.strip():
            continue
        message = json.loads(line)
        text = message["text"]
        findings = find_personal_details(text)
        if not message["details"]:
            scores.clean_total += 1
            scores.clean_flagged += bool(findings)
            continue
        masked = mask(text, findings)
        for detail in message["details"]:
            kind = scores.kinds.setdefault(detail["kind"], KindScore())
            kind.total += 1
            kind.masked += covered(text, detail["text"], findings)
            if left_in(masked, detail["text"]):
                scores.left.append((text, detail["text"]))
    return scores


def blind_details_report(path: Path) -> str:
    with path.open(encoding="utf-8") as batch:
        scores = score_blind_details(batch)
    total = scores.all_details
    clean_rate = scores.clean_flagged / scores.clean_total if scores.clean_total else 0.0
    lines = [
        f"Personal details, blind batch {path}",
        *(scores.kinds[kind].line(kind) for kind in sorted(scores.kinds)),
        total.line("all details"),
        f"nothing of a detail left: {'yes' if not scores.left else 'no'}, "
        f"{len(scores.left)}/{total.total} details left their text or a run of 3+ digits "
        "in the masked text",
        f"clean messages flagged {scores.clean_flagged}/{scores.clean_total} ({clean_rate:.1%})",
    ]
    return "\n".join(lines)


def corpus_details_left() -> list[tuple[str, str]]:
    """(message, detail) for every detail of the labelled corpus that masking leaves a part of."""
    from safeguarding.evaluation.scoring import personal_details_corpus

    return [
        (example.text, detail)
        for example in personal_details_corpus()
        for masked in (mask(example.text, find_personal_details(example.text)),)
        for detail in example.details
        if left_in(masked, detail)
    ]
