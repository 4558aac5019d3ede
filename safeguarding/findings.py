"""A personal detail found in a question: a span of its text, and how spans are joined so that
masking leaves nothing of a detail behind."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Only spacing between two findings: masked as one, so no fragment of either shows between
# two placeholders ("12 Acacia Road LS6 2QT" is one address and its postcode).
_ONLY_SPACING = re.compile(r"\s*")


def sentence_start(text: str, position: int) -> int:
    """Where the sentence holding `position` starts (after the last ., ?, ! or line break)."""
    return max(text.rfind(mark, 0, position) for mark in ".?!\n") + 1


@dataclass(frozen=True)
class Finding:
    # phone, email, national_insurance_number, postcode, address, date_of_birth, vehicle,
    # sort_code, account_number, iban, card_number, name; joined findings: "address_and_postcode".
    kind: str
    start: int
    end: int
    text: str


def joined(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """`findings` in text order, each set of overlapping or adjacent ones (nothing but spacing
    between them) joined into one that spans them all, its kind naming each kind once; a
    finding inside another adds nothing."""
    merged: list[tuple[int, int, list[str]]] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged:
            start, end, kinds = merged[-1]
            if finding.end <= end:
                continue  # inside one already found: the larger names what it is
            if finding.start <= end or _ONLY_SPACING.fullmatch(text, end, finding.start):
                if finding.kind not in kinds:
                    kinds.append(finding.kind)
                merged[-1] = (start, max(end, finding.end), kinds)
                continue
        merged.append((finding.start, finding.end, [finding.kind]))
    return [
        Finding("_and_".join(kinds), start, end, text[start:end]) for start, end, kinds in merged
    ]
