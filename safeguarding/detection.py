"""Safeguarding checks on every question, before a moderator sees it.

Finds personal details (phone numbers with Google's libphonenumber, including ones typed with
the letter O; email addresses, written out ones too; National Insurance numbers; UK
postcodes; addresses, with or without a street suffix, and named houses; dates of birth;
vehicle registrations, old and current) so the moderator can mask them, and questions that
say someone is in danger now or at risk of self-harm (safeguarding.crisis), so the question is
marked urgent and its asker is pointed to emergency help at once. The findings guide people;
they never publish or decline anything by themselves.
"""

import re
from dataclasses import asdict, dataclass
from typing import Any

import phonenumbers
from django.conf import settings

from safeguarding import crisis

# Defaults for the crisis list staff keep in the admin (SafeguardingPhrase), seeded by a
# migration. The admin's list adds to the built-in detection in safeguarding.crisis.
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

# Public helplines people ask about are nobody's personal number (digits only).
PUBLIC_HELPLINES = frozenset(
    {
        "08082000247",  # National Domestic Abuse Helpline
        "0800555111",  # Crimestoppers
        "116123",  # Samaritans
        "08001111",  # Childline
        "08088010327",  # Men's Advice Line
        "08009995428",  # Galop
        "08081689111",  # Victim Support
        "08001381625",  # Stop Hate UK
        "08005999247",  # Karma Nirvana
        "08085002222",  # Rape Crisis
        "08088020300",  # National Stalking Helpline
        "08000121700",  # Modern Slavery Helpline
    }
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Written out so a filter would miss it: "sam dot jones at example dot org", "jo(at)x(dot)com".
_AT = r"(?:\s?@\s?|\s?[(\[{<]\s?at\s?[)\]}>]\s?|\s+at\s+)"
_DOT = r"(?:\s?[(\[{<]\s?dot\s?[)\]}>]\s?|\s+dot\s+|\s?\.\s?)"
_TOP_LEVEL = r"(?:com|org|net|uk|gov|edu|ac|io|info|biz|ie|me|eu|nhs|police|sch|ltd|plc|online)"
_EMAIL_WRITTEN_OUT = re.compile(
    rf"\b(?P<local>[\w+-]+(?:{_DOT}[\w+-]+)*)(?P<at>{_AT})"
    rf"(?P<domain>[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TOP_LEVEL})\b",
    re.IGNORECASE,
)
# With a plain " at " ("the form at gov.uk"), only when it reads like an address: "dot"
# spelt out, a mail provider, or a name no English word has (digits, "_", ".").
_MAIL_PROVIDERS = frozenset(
    {
        "gmail",
        "googlemail",
        "hotmail",
        "outlook",
        "live",
        "yahoo",
        "ymail",
        "icloud",
        "me",
        "aol",
        "btinternet",
        "sky",
        "virginmedia",
        "talktalk",
        "protonmail",
        "proton",
        "mail",
        "msn",
    }
)
# National Insurance numbers: QQ123456C, QQ 12 34 56 C, qq-12-34-56-c. QQ is the prefix
# HMRC uses in examples; the rest follow its rules for which letters can start a number.
_NATIONAL_INSURANCE = re.compile(
    r"\b(?:QQ|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D]\b",
    re.IGNORECASE,
)
# UK postcodes, e.g. SW1A 1AA, M1 1AE, B33 8TH, LS6  2QT, M14-5RE (no, one or two spaces, or
# a hyphen between the halves).
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?(?:\s{0,2}|-)\d[A-Z]{2}\b", re.IGNORECASE)
# Current-style registrations, e.g. AB12 CDE.
_VEHICLE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE)
# Older ones: prefix (A123 BCD, 1983-2001) and suffix (ABC 123D, 1963-1983). Shaped like
# road names and forms ("the M25 and", "Form 101A"), so only in capitals, or in any case
# when the question talks about a vehicle.
_VEHICLE_OLD = re.compile(r"\b(?:[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b")
_VEHICLE_OLD_ANY_CASE = re.compile(_VEHICLE_OLD.pattern, re.IGNORECASE)
_VEHICLE_CONTEXT = re.compile(
    r"\b(?:reg|registration|plate|plates|number plate|car|van|vehicle|motorbike|motorcycle|"
    r"lorry|taxi|drives|driving)\b",
    re.IGNORECASE,
)
_STREET_SUFFIXES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Place|Pl|"
    "Gardens|Grove|Crescent|Terrace|Hill|Square|Mews|Walk|Row|Parade"
)
_STREET = re.compile(
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_STREET_SUFFIXES})\b",
    re.IGNORECASE,
)
# Endings that are everyday words too ("at the park", "the end"), so only capitalised.
_PLACE_SUFFIXES = (
    "Park|Cottages|Cottage|Green|Rise|View|Fields|Field|Heights|Vale|Chase|Mount|End|Yard|"
    "Wharf|Quay|Mansions|Buildings|Villas|Estate|Side|Bank|Croft|Dene|Gate|Lea|Mead|Nook|"
    "Orchard|Paddocks|Paddock|Ridge|Spinney|Top|Meadows|Meadow|Wood|Woods|Brow|Leys|Circus|"
    "Approach|Boulevard|Broadway|Circle|Cross|Embankment|Grange|Holme|Hollow|Pastures|"
    "Promenade|Reach|Ride|Strand|Wynd|Glade|Garth|Fold|Lawn|Lawns|Gardens|Precinct|Arcade|"
    "Quadrant|Row|Walk|Way|Court|Close|Hill"
)
_PLACE = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_PLACE_SUFFIXES})\b")
_HOUSE_TYPES = (
    "Cottage|House|Lodge|Farm|Barn|Mill|Rectory|Vicarage|Grange|Manor|Hall|Villa|Bungalow|"
    "Croft|Farmhouse|Chalet|Hideaway|Retreat"
)
# Said where someone lives: "I live at 12 Elm Park", "we're at The Old Rectory".
_LIVES_AT = (
    r"(?i:\b(?:live|lives|lived|living|stay|stays|staying|moved|moving|move|post(?: it)?|"
    r"send(?: it)?|sent(?: it)?|address(?: is)?|i'?m|i am|we'?re|we are|she'?s|he'?s|they'?re|"
    r"house is|flat is|home is|is at|lives)\s+(?:at|to|is|in|on)?:?\s*)"
)
_ADDRESS_AFTER_LIVES_AT = re.compile(
    rf"{_LIVES_AT}(?P<address>(?:(?i:flat|apartment)\s+\d+[A-Za-z]?,?\s+)?"
    rf"(?:\d{{1,4}}[A-Za-z]?,?\s+(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){{0,2}}|"
    rf"\d{{1,4}}[A-Za-z]?,?\s+(?:[\w'-]+\s+){{0,2}}(?i:{_STREET_SUFFIXES}|{_PLACE_SUFFIXES})\b|"
    rf"(?:(?:the|The)\s+)?(?:[A-Z][\w'-]*\s+){{0,2}}(?:{_HOUSE_TYPES})\b))"
)
_HOUSE_CALLED = re.compile(
    r"(?i:\b(?:house|home|cottage|flat|farm|place)\s+is\s+(?:called|named)\s+)"
    r"(?P<address>(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})"
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:19|20)\d{2}|'\d{2}|\d{2})"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)?\d{{2}}"  # 14/3/87, 14.03.1987
    rf"|(?:19|20)\d{{2}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}"  # 1987-03-14
    rf"|{_DAY}(?:\s+of)?\s+(?:{_MONTHS})\.?,?\s+{_YEAR}"  # 14th of March 1987, 7 june 84
    rf"|(?:{_MONTHS})\.?\s+{_DAY},?\s+{_YEAR}"  # March 14th, 1987
    rf"|(?:{_MONTHS})\.?,?\s+(?:(?:19|20)\d{{2}}|'\d{{2}}))"  # March 1987, Oct '89
    r"(?![\w'])",
    re.IGNORECASE,
)
_BIRTH_CONTEXT = re.compile(
    r"\b(?:born|birthday|date of birth|d\.?\s?o\.?\s?b)(?![a-z])", re.IGNORECASE
)


@dataclass(frozen=True)
class Finding:
    kind: str  # phone, email, national_insurance_number, postcode, address, date_of_birth, vehicle
    start: int
    end: int
    text: str


# A run of digits with the letter O typed for zero ("O77OO 9OO123").
_DIGITS_WITH_O = re.compile(r"\b[0-9Oo]*[0-9][0-9Oo]*\b")


def _phones(text: str) -> list[Finding]:
    # The letter O read as zero inside runs of digits; same length, so spans stay true.
    digits = _DIGITS_WITH_O.sub(lambda m: m.group(0).replace("O", "0").replace("o", "0"), text)
    # POSSIBLE, not VALID: a missed number is worse than a moderator glancing at a false one.
    matcher = phonenumbers.PhoneNumberMatcher(digits, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    # UK numbers have 10 or 11 digits; shorter "possible" ones are years, counts or public
    # services (101, 999, 116 123), not anybody's own number.
    found = []
    for match in matcher:
        number = "".join(char for char in match.raw_string if char.isdigit())
        if len(number) >= 10 and number not in PUBLIC_HELPLINES:
            found.append(Finding("phone", match.start, match.end, text[match.start : match.end]))
    return found


def _written_out_emails(text: str) -> list[Finding]:
    found = []
    for m in _EMAIL_WRITTEN_OUT.finditer(text):
        domain = m.group("domain").lower()
        if (
            m.group("at").strip().lower() != "at"
            or "dot" in domain
            or re.split(r"\W", domain, maxsplit=1)[0] in _MAIL_PROVIDERS
            or re.search(r"[\d_.]", m.group("local"))
        ):
            found.append(Finding("email", m.start(), m.end(), m.group(0)))
    return found


def _vehicles(text: str) -> list[Finding]:
    old_style = _VEHICLE_OLD_ANY_CASE if _VEHICLE_CONTEXT.search(text) else _VEHICLE_OLD
    return [
        Finding("vehicle", m.start(), m.end(), m.group(0))
        for pattern in (_VEHICLE, old_style)
        for m in pattern.finditer(text)
    ]


def _addresses(text: str) -> list[Finding]:
    found = [
        Finding("address", m.start(), m.end(), m.group(0))
        for pattern in (_STREET, _PLACE)
        for m in pattern.finditer(text)
    ]
    for pattern in (_ADDRESS_AFTER_LIVES_AT, _HOUSE_CALLED):
        found += [
            Finding("address", m.start("address"), m.end("address"), m.group("address"))
            for m in pattern.finditer(text)
        ]
    return found


# Characters that change how text is shown without showing themselves: bidirectional
# overrides and isolates (a phone number written backwards under U+202E reads as any other
# digits to a person, and hides from the checks below), zero-width spaces and joiners of
# words, the byte-order mark, the soft hyphen. The zero-width (non-)joiner U+200C/U+200D
# stay: emoji sequences and several scripts need them. static/js/live-socket.js shows text
# without the same class.
INVISIBLE_CONTROLS = (
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_INVISIBLE_CONTROLS = re.compile(INVISIBLE_CONTROLS)


def visible_text(text: str) -> str:
    """`text` without invisible control characters, as a person reading it would take it.
    Applied to what the public types before any check runs and before it is stored."""
    return _INVISIBLE_CONTROLS.sub("", text)


def find_personal_details(text: str) -> list[Finding]:
    """Every personal detail found, in text order, overlapping finds merged to the first."""
    findings = _phones(text) + _written_out_emails(text) + _vehicles(text) + _addresses(text)
    for kind, pattern in (
        ("email", _EMAIL),
        ("national_insurance_number", _NATIONAL_INSURANCE),
        ("postcode", _POSTCODE),
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
    """Someone is in danger now, or at risk of suicide or self-harm (safeguarding.crisis), or the
    question holds a crisis phrase staff keep in the admin (those add to the built-in
    detection; turning one off cannot switch the built-in detection off). The learned scorer
    adds to the rules unless SAFEGUARDING_LEARNED_SCORER is off."""
    staff_phrases = phrases if phrases is not None else active_phrases("crisis")
    learned = settings.SAFEGUARDING_LEARNED_SCORER
    return crisis.crisis_match(text, staff_phrases, learned=learned) is not None


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
    from safeguarding.models import SafeguardingPhrase

    return tuple(
        SafeguardingPhrase.objects.filter(kind=kind, is_active=True).values_list(
            "phrase", flat=True
        )
    )


def findings_as_data(findings: list[Finding]) -> list[dict[str, Any]]:
    return [asdict(finding) for finding in findings]
