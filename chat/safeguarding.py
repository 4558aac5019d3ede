"""Safeguarding checks on every question, before a moderator sees it.

Finds personal details (phone numbers with Google's libphonenumber, email addresses, UK
postcodes, street addresses, dates of birth, vehicle registrations) so the moderator can
mask them, and phrases that say someone is in danger now, so the question is marked urgent
and its asker is pointed to emergency help at once. The findings guide people; they never
publish or decline anything by themselves.
"""

import re
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers

# Defaults for the crisis list staff keep in the admin (SafeguardingPhrase), seeded by a
# migration; the admin's list is what is used.
CRISIS_PHRASES = (
    "in danger now",
    "in danger right now",
    "he is here now",
    "she is here now",
    "they are here now",
    "going to kill me",
    "going to hurt me",
    "trying to kill me",
    "kill myself",
    "end my life",
    "want to die",
    "suicide",
    "hurt myself",
    "self harm",
    "self-harm",
    "outside my door",
    "locked me in",
    "help me now",
)
# Defaults for the blocked-words list (staff add the slurs and terms their audience meets).
BLOCKED_WORDS = (
    "fuck",
    "fucking",
    "shit",
    "cunt",
    "wanker",
    "bastard",
    "bitch",
    "twat",
    "dickhead",
)
HELP_NOW_MESSAGE = (
    "If you or someone else is in danger now, call 999. If you are deaf or cannot speak, "
    "call 18000 with a textphone or the Relay UK app, or text 999 if you have registered "
    "for emergencySMS. If you are thinking about ending your life, you can call "
    "Samaritans free on 116 123, any time. A moderator will read your question, but this "
    "chat cannot send help."
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK postcodes, e.g. SW1A 1AA, M1 1AE, B33 8TH (space optional).
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", re.IGNORECASE)
# Current-style registrations, e.g. AB12 CDE.
_VEHICLE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Place|Pl|"
    r"Gardens|Grove|Crescent|Terrace|Hill|Square|Mews|Walk|Row|Parade)\b",
    re.IGNORECASE,
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_BIRTH_CONTEXT = re.compile(r"\b(?:born|birthday|date of birth|d\.?o\.?b\.?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str  # phone, email, postcode, address, date_of_birth, vehicle
    start: int
    end: int
    text: str


def _phones(text: str) -> list[Finding]:
    # POSSIBLE, not VALID: a missed number is worse than a moderator glancing at a false one.
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    # UK numbers have 10 or 11 digits; shorter "possible" ones are years, counts or public
    # services (101, 999, 116 123), not anybody's own number.
    return [
        Finding("phone", match.start, match.end, match.raw_string)
        for match in matcher
        if sum(char.isdigit() for char in match.raw_string) >= 10
    ]


def find_personal_details(text: str) -> list[Finding]:
    """Every personal detail found, in text order, overlapping finds merged to the first."""
    findings = _phones(text)
    for kind, pattern in (
        ("email", _EMAIL),
        ("postcode", _POSTCODE),
        ("address", _STREET),
        ("vehicle", _VEHICLE),
    ):
        findings += [Finding(kind, m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
    if _BIRTH_CONTEXT.search(text):
        findings += [
            Finding("date_of_birth", m.start(), m.end(), m.group(0)) for m in _DATE.finditer(text)
        ]
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def mask(text: str, findings: list[Finding]) -> str:
    """The text with every finding replaced by a placeholder naming what was removed."""
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        label = finding.kind.replace("_", " ")
        text = f"{text[: finding.start]}[{label} removed]{text[finding.end :]}"
    return text


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def says_in_danger_now(text: str, phrases: tuple[str, ...] | None = None) -> bool:
    folded = _fold(text)
    return any(phrase in folded for phrase in (phrases or active_phrases("crisis")))


def blocked_words_in(text: str, words: tuple[str, ...] | None = None) -> list[str]:
    """Blocked words as whole words (so "Scunthorpe" is not flagged for what it contains)."""
    folded = _fold(text)
    return [
        word
        for word in (words if words is not None else active_phrases("blocked"))
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded)
    ]


def active_phrases(kind: str) -> tuple[str, ...]:
    """The phrases staff keep in the admin (seeded with the defaults above)."""
    from chat.models import SafeguardingPhrase

    return tuple(
        SafeguardingPhrase.objects.filter(kind=kind, is_active=True).values_list(
            "phrase", flat=True
        )
    )


def findings_as_data(findings: list[Finding]) -> list[dict[str, Any]]:
    return [asdict(finding) for finding in findings]
