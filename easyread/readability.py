"""A readability hint for a panellist writing an answer: the reading grade (textstat's
Flesch-Kincaid grade), the sentences that are too long, phrases that look passive, and
acronyms. A hint, not a rule: the panellist decides. Easy Read asks for more than plain
English, so its version is held to 15 words a sentence and a grade of 4 to 6 (Norfolk's
guidance, docs/accessibility.md); the answer itself to GOV.UK's 25 words."""

import re
from dataclasses import dataclass, field
from typing import Any

from easyread.syllables import offline_textstat

# Bounded work whatever arrives: the answer box itself holds at most 5,000 characters.
MAX_CHARS = 5000
LONGEST_SENTENCE = {"answer": 25, "easy_read": 15}
# Grades at or below this read easily for the kind of text (GOV.UK aims at a reading age
# of 9, about grade 4; Easy Read at grade 4 to 6).
TARGET_GRADE = {"answer": 8.0, "easy_read": 6.0}
MAX_LISTED = 5

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[A-Za-z0-9'\u2019-]+")
# "is/was/were/been ... <past participle>": a heuristic, good enough for a hint.
_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?"
    r"(?:\w+ed|\w+en|made|done|told|given|taken|known|shown|found|said|sent|kept|held|"
    r"left|heard|paid|brought|caught|taught|thought|put|set|hurt|read|cut|hit|seen)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]*[A-Z](?:s)?\b")


@dataclass(frozen=True)
class ReadabilityHint:
    grade: float
    target_grade: float
    longest_sentence: int
    long_sentences: list[str] = field(default_factory=list)
    passive: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)

    @property
    def reads_easily(self) -> bool:
        return (
            self.grade <= self.target_grade
            and not self.long_sentences
            and not self.passive
            and not self.acronyms
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "target_grade": self.target_grade,
            "longest_sentence": self.longest_sentence,
            "long_sentences": self.long_sentences,
            "passive": self.passive,
            "acronyms": self.acronyms,
            "reads_easily": self.reads_easily,
        }


def readability_hint(text: str, *, kind: str = "answer") -> ReadabilityHint | None:
    """The hint for `text` (an answer, or its Easy Read version with kind="easy_read");
    None when there is nothing to read yet."""
    text = text[:MAX_CHARS].strip()
    if kind not in LONGEST_SENTENCE:
        raise ValueError(f"unknown kind of text {kind!r}")
    if not _WORD.search(text):
        return None
    longest = LONGEST_SENTENCE[kind]
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    long_sentences = [_opening(s) for s in sentences if len(_WORD.findall(s)) > longest]
    acronyms = list(dict.fromkeys(_ACRONYM.findall(text)))
    return ReadabilityHint(
        grade=round(max(0.0, float(offline_textstat().flesch_kincaid_grade(text))), 1),
        target_grade=TARGET_GRADE[kind],
        longest_sentence=longest,
        long_sentences=long_sentences[:MAX_LISTED],
        passive=list(dict.fromkeys(m.group(0) for m in _PASSIVE.finditer(text)))[:MAX_LISTED],
        acronyms=acronyms[:MAX_LISTED],
    )


def _opening(sentence: str) -> str:
    """A long sentence named by its first words, so the panellist can find it."""
    words = sentence.split()
    return " ".join(words[:8]) + ("…" if len(words) > 8 else "")
