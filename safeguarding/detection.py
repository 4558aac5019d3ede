"""Safeguarding checks on every question, before a moderator sees it.

Finds personal details so the moderator can mask them: phone numbers with Google's
libphonenumber (including ones typed with the letter O, and ones said in words:
safeguarding.spoken_numbers); email addresses, written out ones too; National Insurance
numbers; UK postcodes; addresses, with or without a number or a street suffix, named houses,
a flat or house number, a street where someone lives; dates of birth; vehicle registrations,
old and current, spaced or not; bank details (safeguarding.bank_details); private people's
names (safeguarding.private_names). Public numbers and the event's agencies' own helplines and
addresses are never findings. Also finds questions that say someone is in danger now or at
risk of self-harm (safeguarding.crisis), so the question is marked urgent and its asker is
pointed to emergency help at once. The findings guide people; they never publish or decline
anything by themselves.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_noop

from safeguarding import crisis
from safeguarding.bank_details import bank_details
from safeguarding.findings import Finding, joined, sentence_start
from safeguarding.private_names import AGENCIES, first_names, private_names
from safeguarding.spoken_numbers import spoken_digits, spoken_phone_numbers

__all__ = ["Finding", "find_personal_details", "mask"]

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
HELP_NOW_MESSAGE = gettext_noop(
    "If you or someone else is in danger now, call 999. If you are deaf or cannot speak, "
    "call 18000 with a textphone or the Relay UK app, or text 999 if you have registered "
    "for emergencySMS. If you are thinking about ending your life, you can call "
    "Samaritans free on 116 123, any time. A moderator will read your question, but this "
    "chat cannot send help."
)

# Public numbers people ask about are nobody's personal number (digits only). The event's
# own agencies' helplines come from their records (find_personal_details's `public`).
PUBLIC_HELPLINES = frozenset(
    {
        "999",  # emergency
        "112",  # emergency, across Europe
        "101",  # police, not an emergency
        "111",  # NHS
        "105",  # power cuts
        "18000",  # emergency by textphone or Relay UK
        "116117",  # out-of-hours medical help in Europe
        "03001232040",  # Action Fraud
        "0800789321",  # Anti-Terrorist Hotline
        "08088004444",  # Shelter
        "08088005000",  # NSPCC
        "08088081111",  # Mencap
        "08088024040",  # Respect Phoneline
        "08088088141",  # Hourglass
        "0800585858",  # CALM
        "08000684141",  # Papyrus HOPEline
        "08001448848",  # Citizens Advice
        "03001233393",  # Mind
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
# With a space inside each group ("AB 12 CDE", "Y 652 HBT", "ABC 12 D"): lower-case words
# and numbers fall into this shape ("im 14 and"), so only in capitals, or in any case right
# after a word for a number plate.
_VEHICLE_SPACED = re.compile(
    r"\b(?:[A-Z]{2}[ -]?\d{2}[ -]?[A-Z]{3}|[A-Z][ -]?\d{1,3}[ -]?[A-Z]{3}|"
    r"[A-Z]{3}[ -]?\d{1,3}[ -]?[A-Z])\b"
)
_VEHICLE_SPACED_ANY_CASE = re.compile(_VEHICLE_SPACED.pattern, re.IGNORECASE)
_PLATE_WORDS = re.compile(
    r"\b(?:reg|registration|plate|plates|car|van|vehicle|motorbike|motorcycle|bike|lorry|taxi|"
    r"drives|driving)\b[^.?!]{0,25}$",
    re.IGNORECASE,
)
# Every character apart: "L G 6 8 R T U".
_SPACED_OUT = re.compile(r"(?<![\w-])[A-Za-z0-9](?:\s[A-Za-z0-9]){4,7}(?![\w-])")
_VEHICLE_CONTEXT = re.compile(
    r"\b(?:reg|registration|plate|plates|number plate|car|van|vehicle|motorbike|motorcycle|"
    r"lorry|taxi|drives|driving)\b",
    re.IGNORECASE,
)
_STREET_SUFFIXES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Place|Pl|"
    "Gardens|Grove|Crescent|Terrace|Hill|Square|Mews|Walk|Row|Parade|Path|Lanes|Roads"
)
# Words that are never part of a street's name ("2 houses on our street").
_NOT_STREET_WORDS = (
    r"(?!(?:on|in|at|of|our|my|his|her|their|the|a|an|and|to|for|from|down|up|this|that|same|"
    r"next|main|busy|quiet|whole|every|one|other|houses|people|cars|times|doors|near|by|bus|"
    r"buses|tram|train|minutes|mins|hours|days|weeks|years)\b)"
)
_STREET = re.compile(
    rf"(?<![£$€])\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_NOT_STREET_WORDS}[A-Z][\w'-]*\s+){{1,3}}(?:{_STREET_SUFFIXES})\b",
    re.IGNORECASE,
)
# Endings that are everyday words too ("at the park", "the end"), so only capitalised.
_PLACE_SUFFIXES = (
    "Park|Cottages|Cottage|Green|Rise|View|Fields|Field|Heights|Vale|Chase|Mount|End|Yard|"
    "Wharf|Quay|Mansions|Buildings|Villas|Estate|Side|Bank|Croft|Dene|Gate|Lea|Mead|Nook|"
    "Orchard|Paddocks|Paddock|Ridge|Spinney|Top|Meadows|Meadow|Wood|Woods|Brow|Leys|Circus|"
    "Approach|Boulevard|Broadway|Circle|Cross|Embankment|Grange|Holme|Hollow|Pastures|"
    "Promenade|Reach|Ride|Strand|Wynd|Glade|Garth|Fold|Lawn|Lawns|Gardens|Precinct|Arcade|"
    "Quadrant|Row|Walk|Way|Court|Close|Hill|Village|Brae|Loan|Vennel|Locks|Lock"
)
_PLACE = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_PLACE_SUFFIXES})\b")
# Welsh and Gaelic streets put the word for a street first: "9 Heol y Parc", "7 Cwrt y
# Felin", "2 Ffordd Glyndwr", "14 Maes yr Haf", "3 Lôn Cernyw".
_STREET_WORD_FIRST = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:Heol|Ffordd|Stryd|Cwrt|Lôn|Lon|Maes|Rhodfa|Llys|Clos|Teras|"
    r"Ystad|Plas|Pen|Bryn|Cae|Dol|Sraid|Rathad)\s+(?:(?:y|yr|'r|an|na|nan|a')\s+)?"
    r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?"
)
_HOUSE_TYPES = (
    "Cottage|House|Lodge|Farm|Barn|Mill|Rectory|Vicarage|Grange|Manor|Hall|Villa|Bungalow|"
    "Croft|Farmhouse|Chalet|Hideaway|Retreat|Forge|Smithy|Oast|Stables|Granary|Dairy|Chapel|"
    "Schoolhouse|Coach House|Gatehouse|Toll House|Old School|Old Post Office"
)
# Said where someone lives: "I live at 12 Elm Park", "we're at The Old Rectory".
_LIVES_AT = (
    r"(?i:\b(?:live|lives|lived|living|stay|stays|staying|moved|moving|move|post(?: it)?|"
    r"send(?: it)?|sent(?: it)?|address(?: is)?|i'?m|i am|we'?re|we are|she'?s|he'?s|they'?re|"
    r"house is|flat is|home is|is at|lives|rent|rents|renting|writing from|"
    r"(?:write|writing|reply|replying) to (?:me|us|him|her) at)"
    r"(?:\s+(?:at|to|is|in|on)?:?|\s*:)\s*)"
)
_ADDRESS_AFTER_LIVES_AT = re.compile(
    rf"{_LIVES_AT}(?P<address>(?i:unit|room|block)\s+\d{{1,4}}[A-Za-z]?\b|"
    rf"(?:(?i:flat|apartment)\s+\d+[A-Za-z]?,?\s+)?"
    rf"(?:\d{{1,4}}[A-Za-z]?,?\s+(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){{0,2}}|"
    rf"\d{{1,4}}[A-Za-z]?,?\s+(?:[\w'-]+\s+){{0,2}}(?i:{_STREET_SUFFIXES}|{_PLACE_SUFFIXES})\b|"
    rf"(?:(?:the|The)\s+)?(?:[A-Z][\w'-]*\s+){{0,2}}(?:{_HOUSE_TYPES})\b))"
)
_HOUSE_CALLED = re.compile(
    r"(?i:\b(?:house|home|cottage|flat|farm|place)\s+is\s+(?:called|named)\s+)"
    r"(?P<address>(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})"
)
# What may follow a flat or house number: the building or the street ("Flat 12, Beacon House",
# "number 9 Bramble Way").
_BUILDING_OR_STREET = (
    rf"(?:,?\s+(?:\d{{1,4}}[A-Za-z]?,?\s+)?(?:(?:the|The)\s+)?(?:[A-Z][\w'-]*\s+){{0,3}}"
    rf"(?:{_HOUSE_TYPES}|{_STREET_SUFFIXES}|{_PLACE_SUFFIXES})\b)?"
)
# "flat 3b", "Apartment 4": a flat with a number is somebody's home.
_FLAT_NUMBER = re.compile(
    rf"(?i:\b(?:flat|apartment|apt|caravan|pitch|plot|chalet)\.?\s+)\d{{1,4}}[A-Za-z]?\b{_BUILDING_OR_STREET}"
)
# "at number 14", "im at no 22", "moved into number 9 Bramble Way"; not "the number 14 bus".
_HOUSE_NUMBER = re.compile(
    rf"(?i:\b(?:at|into|to|in|from|outside|(?:house|home|flat|address)\s*(?:is|[,:-])?)\s+)"
    rf"(?P<address>(?i:number|no\.?|num)\s?"
    rf"\d{{1,4}}[A-Za-z]?\b(?!\s+(?i:bus|tram|train|route|in\s+the\s+queue|on\s+the\s+list))"
    rf"{_BUILDING_OR_STREET})"
)
# A street named without a number ("he lives on Cranbrook Road", "our street is Fenwick
# Terrace"), or a one-word street after "on" ("above the launderette on Kingsway"): only in a
# sentence that says someone lives, stays or is there, since a question about a public
# building names its street too ("the station on Park Road").
_STREET_NAME = re.compile(
    r"(?<![\w'-])(?:[A-Z][\w'-]*\s+){1,3}(?:Road|Street|Avenue|Lane|Close|Drive|Way|Place|"
    r"(?<!Crown )(?<!County )(?<!Family )(?<!Youth )(?<!Magistrates )(?<!Supreme )Court|Gardens|"
    r"Grove|Crescent|Terrace|Hill|Square|Mews|Walk|Row|Parade|Estate|Rd|St|Ave)\b"
    r"|(?<=\bon\s)[A-Z][a-z]+(?:way|gate|side|field|fields|moor|hill|wood|bank|dale|ford)\b"
)
_ESTATE_AFTER = re.compile(
    r"(?:\s+(?:on|in|at)\s+the\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)?\s+(?i:estate|site)\b"
)
# "on the Ridgeway estate", "from Parkside estate": where people live, named.
_ON_AN_ESTATE = re.compile(
    r"(?i:\b(?:on|in|at|from|near|off|round)\s+)"
    r"(?P<address>(?i:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}\s+"
    r"(?i:estate|(?:travellers['\u2019]?\s+)?site))\b"
)
_WORDS_BEFORE_A_COMMA = re.compile(r"((?:[\w'-]+\s+){0,3}[\w'-]+),\s*$")


def _house_before(text: str, start: int) -> int | None:
    """Where a house's name or number starts, right before a comma and the address at
    `start` ("Meadowbank, " of "we live Meadowbank, Tennyson Way"); None if there is none."""
    words = _WORDS_BEFORE_A_COMMA.search(text, max(0, start - _LOOK_BACK), start)
    if words is None:
        return None
    spans = [m.span() for m in re.finditer(r"[\w'-]+", text[words.start(1) : words.end(1)])]
    for first, _ in spans:  # the longest run of words that names a house
        candidate = text[words.start(1) + first : words.end(1)]
        if _is_house_name(candidate):
            return words.start(1) + first
    return None


_HOUSE_WORDS = re.compile(rf"\b(?:{_HOUSE_TYPES.lower()})\b")


def _is_house_name(words: str) -> bool:
    """A house's name or number ("Meadowbank", "fern villa", "25 Kestrel House"), not the
    words of a sentence before an address ("we live", "my address is")."""
    split = words.split()
    if any(w.lower() in _NOT_HOUSE_NAMES for w in split) or _BUILDING_WORD.search(words):
        return False
    if _HOUSE_WORDS.search(words.lower()) or (split[0].isdigit() and len(split) > 1):
        return True
    named = split[1:] if split[0].lower() == "the" else split
    return 0 < len(named) <= 2 and all(w[:1].isupper() for w in named)


# A public building's name before its address ("Birmingham Crown Court, 1 Newton Street").
_BUILDING_WORD = re.compile(
    r"\b(?:court|station|office|offices|hospital|council|library|centre|center|headquarters|"
    r"hall|prison|school|college|university|church|mosque|temple|synagogue|gurdwara|surgery|"
    r"clinic|refuge|bailey|jobcentre|shop|pub|hotel|bank|museum|ministry|parliament)\b",
    re.IGNORECASE,
)
_NOT_HOUSE_NAMES = frozenset(
    re.findall(
        r"\S+",
        """
        i i'm im we he she they it my our his her their hi hello please thanks yes no and but or
        so this that there here is was are address live lives at on in to from of near by with for
        """,
    )
)


# Right before a street: something happened, or someone is, on it ("at the lights on
# Ashbourne Way", "all along Sycamore Close", "i'm from Hawthorn Close"). A street where a
# private person was is theirs to keep; a public building's street is left alone below.
_ON_A_STREET = re.compile(
    r"\b(?:on|along|off|from|down|up|round|outside|near|into|onto)\s+$",
    re.IGNORECASE,
)
# "on beech grove", "along harewood mount": a street typed in lower case, after the same words.
_LOWER_CASE_STREET_ON = re.compile(
    r"(?i:\b(?:on|along|off|from|down|outside|near|onto|into)\s+)"
    r"(?P<address>(?!(?:a|an|the|my|our|his|her|their|this|that|same|main|busy|quiet|big|small|"
    r"new|old|long|dead|one|council|high|every|which|what|whose|any|some|each)\b)"
    r"[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?\s+(?:road|street|lane|avenue|close|crescent|drive|"
    r"grove|terrace|gardens|mount|rise|mews|parade|rd|ave))\b"
)
_STREET_AFTER = re.compile(
    rf",?\s+(?:(?:on|off)\s+)?(?:[A-Z][\w'-]*\s+){{1,3}}(?:{_STREET_SUFFIXES}|{_PLACE_SUFFIXES})\b"
)
# Anywhere before the street in its sentence: someone lives, stays or is at home there.
_RESIDENCE_CUE = re.compile(
    r"\b(?:live|lives|lived|living|stay|stays|staying|stayed|moved|moving|move|house|home|"
    r"flat|street\s+is|road\s+is|address|outside\s+my|round\s+my|near\s+my|end\s+of|top\s+of|"
    r"bottom\s+of|corner\s+of)\b",
    re.IGNORECASE,
)
# Right before it: "I'm on Cranbrook Road", "he's at Mill Lane" (not "I'm meeting my ISVA on
# Church Street").
_SOMEONE_IS_ON = re.compile(
    r"\b(?:we['\u2019]?re|we\s+are|i['\u2019]?m|im|i\s+am|he['\u2019]?s|she['\u2019]?s|"
    r"they['\u2019]?re|he\s+is|she\s+is|they\s+are)\s+(?:at|on|in|off)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "flat number 4", "house no 12".
_HOUSE_NUMBER_SAID = re.compile(
    r"(?i:\b(?:house|door|flat)\s+(?:number|no\.?|num)\s*(?:is\s+|:\s*)?)\d{1,4}[A-Za-z]?\b"
)
# A public building's name, then the word that leads to its address ("court at", "refuge on",
# "station,"): the shared part of the two patterns below.
_PUBLIC_BUILDING = (
    r"\b(?:court|station|office|offices|hospital|council|library|centre|center|headquarters|hq|"
    r"town\s+hall|ministry(?:\s+of\s+\w+)?|department(?:\s+of\s+\w+)?|prison|embassy|"
    r"parliament|refuge|shelter|hub|surgery|clinic|church|mosque|temple|gurdwara|synagogue|"
    r"school|college|university|museum|shop|supermarket|pub|cafe|restaurant|hotel|bank|branch|"
    r"building|market|service|services|support|trust|foundation|charity|society|association|"
    r"network|project|partnership|bridewell|custody|suite|unit|agency|commission|tribunal|"
    r"jobcentre|advice|cps|bailey|car\s*park|bus|tram|train|gym|cinema|"
    r"stadium|leisure\s+centre|petrol\s+station)(?:['\u2019]s)?"
    r"(?:\s+(?:(?:is|are|was|were|still|now|based|located|found|moved|open)\s+){0,3}"
    r"(?:at|on|in|off|near|to)|\s*,"
    # "the nearest police station to Piccadilly, is it the one on Bootle Street?"
    r"|(?:[\s,]+[\w'\u2019]+){0,6}?[\s,]+the\s+one\s+(?:at|on|in|off|near)"
)
# An address right after a public building ("the Crown Court at 1 Oxford Row", "the refuge on
# Mill Lane") is that building's, unless the sentence says someone lives by it ("I live above
# the shop on Market Street").
_PUBLIC_BUILDING_BEFORE = re.compile(rf"{_PUBLIC_BUILDING})\s*$", re.IGNORECASE)
# A postcode at the end of a public building's address ("Bristol Crown Court on Small
# Street, BS1 1DA", "the cps at 102 petty france, london sw1h 9ea"): the building, then only
# the words of its address, none about a person.
_PUBLIC_BUILDING_THEN_ADDRESS = re.compile(
    rf"{_PUBLIC_BUILDING}|\s)(?P<between>[^.?!\n]{{0,50}}?)[\s,]*$", re.IGNORECASE
)
_NOT_A_BUILDINGS_ADDRESS = re.compile(
    r"\b(?:i|me|my|we|our|us|he|him|his|she|her|they|them|their|live|lives|living|home|"
    r"house|flat|stay|staying)\b",
    re.IGNORECASE,
)
# "Is 1 Victoria Street the right address for the department?"
# "from Queen Street station", "the car park at Mill Lane retail park".
_BUILDINGS_ADDRESS_AFTER = re.compile(
    r"\s*,?\s*(?:is|was)?\s*(?:the\s+)?(?:right\s+|correct\s+|main\s+|new\s+|old\s+)?"
    r"(?:address|office|building|entrance|site)\s+(?:for|of)\b"
    r"|\s+(?:(?:bus|train|tube|coach|railway|police|fire)\s+)?(?:station|stop|car\s*park|"
    r"shopping\s+centre|retail\s+park|library|hospital|market|interchange)\b",
    re.IGNORECASE,
)
# A home described by a named place beside it, where someone lives: "I live in the yellow
# house opposite the Red Lion", "she lives in the flat above Greggs". Only a named (capitalised)
# place: "a house near a school" would point to many.
# Also "we live in the static caravan in the field behind the Red Lion at Ashby Parva", "the
# lock-keeper's cottage at Bunbury Locks", "its Kirsty from the farm at Nether Hesleden", "they
# live in the maisonettes on Fir Tree Road": the home, where it is, and the named place.
_DESCRIBED_HOME = re.compile(
    r"(?i:\b(?:(?:live|lives|lived|living|stay|stays|staying|stayed)(?:\s+and\s+works?)?"
    r"(?:\s+(?:alone|together|still|now))?\s+(?:in|at|on)|from)\s+)"
    r"(?P<address>(?i:the|a|an)\s+(?:[a-z'-]+\s+){0,2}"
    r"(?i:(?:house|home|bungalow|flat|cottage|caravan|maisonette|semi|terrace|farmhouse|farm|"
    r"site|barn|houseboat|narrowboat|chalet)s?)"
    r"(?:\s+with\s+(?i:the|a)\s+[a-z]+\s+[a-z]+)?"
    r"(?:\s+(?i:in|on|at)\s+(?i:the|a)\s+[a-z-]+(?:\s+[a-z-]+)?)?\s+"
    r"(?i:opposite|next\s+(?:door\s+)?to|behind|across\s+from|beside|above|below|over|near|by|"
    r"at|in|on|on\s+the\s+corner\s+of|at\s+the\s+(?:end|top|bottom)\s+of)\s+(?:(?i:the)\s+)?"
    # "the Fox and Hounds", "the Rose and Crown".
    r"[A-Z][\w'-]*(?:(?:\s+(?:and|&))?\s+[A-Z][\w'-]*){0,3}"
    r"(?:\s+(?i:at|in|near|on)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})?)"
)
# A home named right after the word for it: "my road, Glebe Avenue", "our block, Churchill
# House", "at my friend's place, Lower Bryn Farm", "my home, 12 Mount Pleasant", "in halls,
# Ranmoor Village". A number or a word for a street or house ends it ("my house, Jo said").
_HOME_NAMED_AFTER = re.compile(
    r"(?:(?i:\b(?:my|our|his|her|their)\s+(?:[a-z]+['\u2019]s\s+)?(?:road|street|close|lane|avenue|"
    r"block|building|flats|house|home|place|address|farm|estate|cottage|site)|\bin\s+halls)"
    r"\s*[,:(-]\s*)"
    r"(?P<address>\d{1,4}[A-Za-z]?,?\s+(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}|"
    rf"(?:(?:the|The)\s+)?(?:[A-Z][\w'-]*\s+){{0,3}}(?:{_STREET_SUFFIXES}|{_PLACE_SUFFIXES}|"
    rf"{_HOUSE_TYPES}|Flats|Tower|Point|Block)\b)"
)
# A house with a name and nothing else, right after where someone lives: "we live at
# Meadowbank", "she's living at The Laurels".
_NAMED_HOUSE_LIVED_AT = re.compile(
    r"(?i:\b(?:live|lives|lived|living|stay|stays|staying|stayed)\s+at\s+)"
    r"(?!(?:Nan|Nana|Mum|Mom|Dad|Gran|Grandma|Grandad|Home|Work|School|Uni|College)\b)"
    r"(?P<address>(?:(?:the|The)\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})"
)
# "he lives on cranbrook road": a street typed in lower case, right after where someone lives.
_LOWER_CASE_STREET = re.compile(
    r"(?i:\b(?:(?:live|lives|lived|living|stay|stays|staying|moved)\s+(?:on|in|onto|into|to|at)|"
    r"address\s+(?:[a-z]+\s+){0,4}?(?:is|:))\s+)"
    # "fern villa, harewood mount": a house's name and a comma may come first.
    r"(?P<address>(?:(?:the\s+)?[a-z'-]+(?:\s+[a-z'-]+)?,\s+)?"
    r"(?!(?:a|an|the|my|our|his|her|their|this|that|same|main|busy|quiet|big|small|"
    r"new|old|long|dead|one|council)\b)[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?\s+(?:road|street|lane|"
    r"avenue|close|crescent|drive|grove|terrace|way|gardens|place|court|mount|rise|mews|rd|st|"
    r"ave))\b"
)
# Said after the street, in its sentence: "Market Street, above the shop, is where he lives".
_LIVES_THERE_AFTER = re.compile(
    r"[^.?!\n]{0,60}?\b(?:where|that)\s+(?:i|he|she|they|we|my\s+\w+|his\s+\w+|her\s+\w+)\s+"
    r"(?:live|lives|lived|stay|stays|stayed|is\s+living|are\s+living|am\s+living)\b",
    re.IGNORECASE,
)
# A home described by what is beside it, right before the street it is on: "the flat above
# the chip shop on the High Street", "the house at the end of Holly Lane".
# "The flat's above Kebab King on Derby Road"; "who lives above the Polski Sklep on Cowley
# Road" (from what it is above).
_HOME_DESCRIBED_BEFORE = re.compile(
    r"(?:(?P<home>\b(?:the|a|my|our|his|her|their)\s+(?:[a-z-]+\s+){0,2}"
    r"(?:house|home|bungalow|flat|cottage|caravan|maisonette|room|bedsit|semi|terrace|"
    r"detached)(?:['\u2019]s)?\s+)|(?P<lives>\b(?:live|lives|lived|living|stay|stays|staying)\s+"
    r"(?=(?:just\s+)?(?:above|over|behind|next|opposite|beside|below)\b)))"
    r"(?:is\s+(?:just\s+)?)?"
    r"(?P<beside>(?:the\s+one\s+)?(?:opposite|next\s+(?:door\s+)?to|behind|across\s+from|"
    r"beside|above|below|over|near|by|facing|on\s+the\s+corner\s+of|"
    r"at\s+the\s+(?:end|top|bottom)\s+of|with\s+(?:the|a)\s+[a-z]+(?:\s+[a-z]+)?"
    r"(?:\s+on\s+the\s+[a-z]+)?)(?:\s+[\w'-]+){0,4}?\s+)?"
    r"(?:on|in|off|of|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_LANDMARK_AFTER = re.compile(
    r"\s+(?:opposite|before|after|behind|facing|beside|near|by|next\s+to|across\s+from)\s+"
    r"(?:the\s+)?[\w'-]+(?:\s+(?!(?:and|but|so|then|keeps?|is|was|has|had|where|who|"
    r"which|when)\b)[\w'-]+){0,3}",
    re.IGNORECASE,
)
# "I live above the shop on Market Street", "I sleep in the shop, 201 High Road".
_LIVES_BY = re.compile(
    r"\b(?:live|lives|lived|living|stay|stays|staying|sleep|sleeps|sleeping|slept)\s+(?:just\s+)?"
    r"(?:above|over|behind|next\s+to|opposite|near|by|beside|across\s+from|in|at)\b",
    re.IGNORECASE,
)
# Well-known public addresses people ask about; the event's agencies' own come from their
# records (find_personal_details's `public`).
PUBLIC_PLACES = (
    "10 Downing Street",
    "102 Petty France",
    "2 Marsham Street",
    "New Scotland Yard",
    "Parliament Square",
    "Trafalgar Square",
    # Streets known the country over, where crowds are, not homes.
    "Oxford Street",
    "Regent Street",
    "Bond Street",
    "Carnaby Street",
    "Whitehall",
    "Deansgate",
    "Briggate",
    "Princes Street",
    "Buchanan Street",
    "Sauchiehall Street",
    "Bold Street",
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# A day said in words: "the twenty second", "first", "thirty-first".
_ORDINAL_WORDS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    "thirtieth"
)
_SPOKEN_DAY = (
    rf"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    rf"|{_ORDINAL_WORDS})"
)
_DAY = rf"(?:(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?|(?:the\s+)?{_SPOKEN_DAY})"
# A year said in words: "nineteen eighty two", "twenty sixteen", "two thousand and five".
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_SPOKEN_YEAR = (
    rf"(?:(?:nineteen|twenty)[\s-](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    rf"(?:[\s-](?:{_UNITS}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    rf"eighteen|nineteen|(?:oh|o)[\s-](?:{_UNITS}))"
    rf"|two\s+thousand(?:\s+and)?(?:\s+(?:{_UNITS}|ten|eleven|twelve|thirteen|fourteen|"
    rf"fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:{_UNITS}))?))?)"
)
_YEAR = rf"(?:(?:19|20)\d{{2}}|'\d{{2}}|\d{{2}}|{_SPOKEN_YEAR})"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s?[/.-]\s?\d{{1,2}}\s?[/.-]\s?(?:19|20)?\d{{2}}"  # 14/3/87, 31 / 12 / 1999
    rf"|(?:19|20)\d{{2}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}"  # 1987-03-14
    rf"|{_DAY}(?:\s+of)?\s+(?:{_MONTHS})\.?,?\s+{_YEAR}"  # 14th of March 1987, 7 june 84
    rf"|(?:{_MONTHS})\.?\s+{_DAY},?\s+{_YEAR}"  # March 14th, 1987; july the first 2016
    rf"|(?:{_MONTHS})\.?,?\s+(?:(?:19|20)\d{{2}}|'\d{{2}}|{_SPOKEN_YEAR})"  # March 1987
    # 1963, 16th august; 1987, on the 8th of September
    rf"|(?:19|20)\d{{2}},?\s+(?:on\s+)?{_DAY}(?:\s+of)?\s+(?:{_MONTHS}))"
    r"(?![\w'])",
    re.IGNORECASE,
)
_BIRTH_CONTEXT = re.compile(
    r"\b(?:born|birthday|date of birth|d\.?\s?o\.?\s?b)(?![a-z])", re.IGNORECASE
)
# "dob 220852", "born 21051989", "date of birth is 210589": a date as one run of digits, only
# right after the words that say it is one.
_COMPACT_DATE_OF_BIRTH = re.compile(
    r"(?i:\b(?:born(?:\s+on)?|date\s+of\s+birth(?:\s+is)?|d\.?\s?o\.?\s?b\.?(?:\s+is)?)\s*:?\s*)"
    r"(?P<date>(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)?\d{2})(?!\d)"
)


# A run of digits with the letter O typed for zero ("O77OO 9OO123").
_DIGITS_WITH_O = re.compile(r"\b[0-9Oo]*[0-9][0-9Oo]*\b")


# A number given as an organisation's: "ring the council on 0113 496 0000", "is 0161 496 0000
# the right number for the court?".
_ORGANISATION_BEFORE = re.compile(
    r"\b(?:police|met|force|constabulary|council|court|station|helpline|hotline|office|service|"
    r"team|hospital|surgery|gp|school|charity|agency|switchboard|reception|non-emergency|cps|"
    r"victim\s+support|refuge|unit|initiative|trust|foundation|aid|alliance|network|project|"
    r"association|society|centre|partnership|campaign|advice|line)(?:['\u2019]s)?\b"
    r"(?P<between>(?:[\s,]+[^\s,]+){0,4}?)\s*[:?,]?\s*$",
    re.IGNORECASE,
)
# Words that make a number between an organisation and it somebody's own ("the police have
# my number, 0113 ...").
_PERSONAL_WORDS = re.compile(
    r"\b(?:me|my|mine|his|him|her|hers|their|them|mum|mum's|dad|nan|ex|partner|husband|wife|"
    r"son|daughter|friend|home|mobile|personal|own)\b",
    re.IGNORECASE,
)
_ORGANISATION_AFTER = re.compile(
    r"\s*(?:is|was)?\s*(?:the\s+)?(?:right\s+|correct\s+|main\s+|real\s+|local\s+)?"
    r"(?:non-emergency\s+)?(?:number|line|helpline)\s+(?:for|of)\b",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")
# How far back the patterns that end where a finding starts look (each is shorter than this):
# searching from the start of the text made a long question cost milliseconds.
_LOOK_BACK = 80


def _organisations_line(text: str, start: int, end: int) -> bool:
    """The number at start..end is given as an organisation's: after its name with no word
    about a person between, or before "the number for"."""
    before = _ORGANISATION_BEFORE.search(text, max(0, start - _LOOK_BACK), start)
    if before and not _PERSONAL_WORDS.search(before.group("between")):
        return True
    return _ORGANISATION_AFTER.match(text, end) is not None


def _landline(number: str) -> bool:
    """Not a mobile: an office can have it; a mobile is somebody's own."""
    return not number.startswith(("07", "447"))


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
        if (
            len(number) >= 10
            # "11/474760/22": a crime or case reference, not a number anyone rings.
            and "/" not in match.raw_string
            and number not in PUBLIC_HELPLINES
            and not (_organisations_line(text, match.start, match.end) and _landline(number))
        ):
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
    found = [
        Finding("vehicle", m.start(), m.end(), m.group(0))
        for pattern in (_VEHICLE, old_style, _VEHICLE_SPACED)
        for m in pattern.finditer(text)
    ]
    found += [
        Finding("vehicle", m.start(), m.end(), m.group(0))
        for m in _VEHICLE_SPACED_ANY_CASE.finditer(text)
        if _PLATE_WORDS.search(text, max(0, m.start() - _LOOK_BACK), m.start())
    ]
    for m in _SPACED_OUT.finditer(text):
        letters = m.group(0).replace(" ", "")
        if (
            letters.isupper()
            or _PLATE_WORDS.search(text, max(0, m.start() - _LOOK_BACK), m.start())
        ) and (_VEHICLE_SPACED_ANY_CASE.fullmatch(letters)):
            found.append(Finding("vehicle", m.start(), m.end(), m.group(0)))
    return found


def _addresses(text: str) -> tuple[list[Finding], list[Finding]]:
    """Addresses found: somebody's, and those of public buildings (never findings, but a
    postcode right after one is the building's too)."""
    found = [
        Finding("address", m.start(), m.end(), m.group(0))
        for pattern in (_STREET, _PLACE, _STREET_WORD_FIRST)
        for m in pattern.finditer(text)
    ]
    found += [
        Finding("address", m.start(), m.end(), m.group(0)) for m in _FLAT_NUMBER.finditer(text)
    ]
    for pattern in (
        _ADDRESS_AFTER_LIVES_AT,
        _HOUSE_CALLED,
        _HOUSE_NUMBER,
        _LOWER_CASE_STREET,
        _DESCRIBED_HOME,
        _NAMED_HOUSE_LIVED_AT,
        _HOME_NAMED_AFTER,
    ):
        found += [
            Finding("address", m.start("address"), m.end("address"), m.group("address"))
            for m in pattern.finditer(text)
        ]
    found += [
        Finding("address", m.start(), m.end(), m.group(0))
        for m in _HOUSE_NUMBER_SAID.finditer(text)
    ]
    streets = [
        m
        for m in _STREET_NAME.finditer(text)
        if _RESIDENCE_CUE.search(text, (sentence := sentence_start(text, m.start())), m.start())
        or _SOMEONE_IS_ON.search(text, sentence, m.start())
        or _LIVES_THERE_AFTER.match(text, m.end())
        or (
            " " in m.group(0)
            and _ON_A_STREET.search(text, max(0, m.start() - 12), m.start()) is not None
        )
    ]
    streets += list(_LOWER_CASE_STREET_ON.finditer(text))
    for m in streets:
        # "the flat above the chip shop on the High Street": the description goes too.
        start = m.start("address") if "address" in m.re.groupindex else m.start()
        end = m.end()
        home = _HOME_DESCRIBED_BEFORE.search(text, sentence_start(text, start), start)
        if home and home.group("beside"):
            # From "the flat" on; from what it is beside when the sentence says "my flat
            # is above..." or "he lives above...", so the mask does not swallow the sentence.
            is_between = home.group("lives") or home.end("home") < home.start("beside")
            start = home.start("beside") if is_between else home.start()
        if home and (landmark := _LANDMARK_AFTER.match(text, end)):
            # "... on Nelson Road before the railway bridge": where on the street, too.
            end = landmark.end()
        found.append(Finding("address", start, end, text[start:end]))
    # "Meadowbank, Tennyson Way", "the coach house, hollybush lane", "25 Kestrel House, Alder
    # Court": a house's name or number right before the street, after a comma, goes with it.
    found = [
        Finding("address", house, f.end, text[house : f.end])
        if (house := _house_before(text, f.start)) is not None
        else f
        for f in found
    ]
    # "Tower Hill estate", "Kestrel House on the Ridgeway estate": the estate goes with it.
    found = [
        Finding("address", f.start, estate.end(), text[f.start : estate.end()])
        if (estate := _ESTATE_AFTER.match(text, f.end))
        else f
        for f in found
    ]
    found += [
        Finding("address", m.start("address"), m.end(), text[m.start("address") : m.end()])
        for m in _ON_AN_ESTATE.finditer(text)
    ]
    # "Rose Cottage, Mill Lane": the street after a house goes with it.
    found = [
        Finding("address", f.start, street.end(), text[f.start : street.end()])
        if (street := _STREET_AFTER.match(text, f.end))
        else f
        for f in found
    ]
    # Several patterns find the same address: each start is looked back from once.
    after_building = {start: _public_building(text, start) for start in {f.start for f in found}}
    public = [
        f for f in found if after_building[f.start] or _BUILDINGS_ADDRESS_AFTER.match(text, f.end)
    ]
    # A part of a public building's address is public too ("Wellington Place" of "the CPS
    # moved to 9 Wellington Place").
    private = [f for f in found if not any(p.start < f.end and f.start < p.end for p in public)]
    return private, public


# Between a public building's address and its postcode: at most a town ("1 Oxford Row, Leeds
# LS1 3BG").
_TOWN_BETWEEN = re.compile(r"[\s,]*(?:[A-Z][\w'-]*[\s,]*){0,3}")


# A town after an address: "12 Acacia Road, Leeds, LS6 2QT" and "14 Elm Road, Leeds" are each
# one detail, commas and all (a capitalised word after the comma is masked with it: a name or
# a town, either is better masked).
# A town's name: "Leeds", "North Yorkshire", "Thornton-le-Dale", "Kirkton of Glenisla".
_TOWN_WORD = r"[A-Z][a-z]+(?:-(?:[a-z]{1,4}-)*[A-Z][a-z]+)*"
_TOWN = rf"{_TOWN_WORD}(?:\s+(?:(?:of|on|upon|under|by)\s+)?{_TOWN_WORD})?"
_NOT_A_TOWN = (
    r"(?!(?:I|It|Is|Are|Can|Could|Do|Does|Please|Thanks|Help|And|But|So|He|She|They|We|"
    r"My|His|Her|Their|Our|Why|What|When|How|Where|Who|This|That|There|Then|If|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Christmas|Easter)\b)"
)
_TOWN_AFTER = re.compile(rf"\s*,\s*{_NOT_A_TOWN}(?P<town>{_TOWN})")
# What else an address goes on with, each tried again after the last ("Unit 4, Caravan 12,
# Willow Park Holiday Village, Skegness"):
_ADDRESS_GOES_ON = (
    # "plot 6 on the Oakwood travellers site", "Ash House, Meadowbank estate" (before a town).
    re.compile(
        r",?\s+(?:(?:on|at|in)\s+the\s+)?(?:[A-Z][\w'-]*\s+){1,3}"
        r"(?i:estate|site|travellers['\u2019]?\s+site|caravan\s+park)\b"
    ),
    _TOWN_AFTER,
    # "... on Queen Street in Barnsley", "Ty Gwyn Farm, near Welshpool".
    re.compile(
        rf",?\s+(?:in|near)\s+(?!The\b){_NOT_A_TOWN}{_TOWN}\b(?!\s+(?i:road|street|lane|court))"
    ),
    # "Harrow Way, number 88", "the Gipton estate, block C", "Ranmoor Village, room 12".
    re.compile(
        r",?\s+(?i:(?:number|no\.?|num)\s*\d{1,4}[A-Za-z]?\b|(?:flat|block|room|pitch|plot|unit|"
        r"caravan|apartment|house|door)\s+(?:\d{1,4}[A-Za-z]?\b|[A-Z](?![\w'\u2019])))"
    ),
    # "Apartment 5B, Millennium Court, 40 Wharf Street", "number 9 in Jubilee Court",
    # "The Granary, Home Farm".
    re.compile(
        r",?\s+(?:(?:on|off|in|at)\s+)?(?:\d{1,4}[A-Za-z]?,?\s+)?(?:[A-Z][\w'-]*\s+){1,3}"
        rf"(?:{_STREET_SUFFIXES}|{_PLACE_SUFFIXES}|{_HOUSE_TYPES})\b"
    ),
    # "33b Ashgrove, the flat above the launderette", "Mill House, the one at the bottom of
    # Watery Lane", "12 Mount Pleasant, which is the house with the red van outside".
    re.compile(
        r",?\s+(?i:(?:which\s+is\s+|that['\u2019]?s\s+)?the\s+(?:[a-z-]+\s+){0,2}"
        r"(?:one|house|home|flat|block|building|door|cottage|bungalow|terrace|maisonette|caravan|"
        r"entrance)\s+(?:with|at|above|below|behind|opposite|next\s+to|on|in|near|by|round|"
        r"across|facing|outside|beside|over|under|off)\b)[^.,;!?\n]{0,60}"
    ),
    # "Lower Bryn Farm off the B4358".
    re.compile(r",?\s+(?i:(?:just\s+)?(?:off|on)\s+the)\s+[ABM]\d{1,4}\b"),
    # "Tyburn Road in the flats".
    re.compile(r"\s+(?i:in\s+the\s+(?:flats|maisonettes|block|tower|high\s+rise|bungalows))\b"),
)
# After a block of flats: "12 Kestrel House on the Lansbury", "Churchill House, on the
# Hattersley" (the estate, named).
_BLOCK_ENDS = re.compile(r"(?:House|Court|Tower|Block|Flats|Point|Heights|Mansions|Buildings)$")
_ESTATE_NAMED_AFTER = re.compile(
    r",?\s+on\s+the\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?(?:\s+(?i:estate))?\b"
)
# "a big house in Wentworth called Oakleigh".
_HOME_WORD = re.compile(r"\b(?:house|cottage|farm|bungalow|home|place|barn)\b", re.IGNORECASE)
_CALLED_AFTER = re.compile(r"\s+(?:called|named)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?")
# "201 High Road Ilford.": a town without a comma, only at the end of a sentence.
_STREET_ENDS = re.compile(rf"\d[^,]*\b(?i:{_STREET_SUFFIXES})$")
_TOWN_AT_SENTENCE_END = re.compile(rf"\s+{_NOT_A_TOWN}{_TOWN_WORD}(?=\s*(?:[.!?]|$))")
_SPACING_OR_COMMA = re.compile(r"[\s,]*")


def _address_end(text: str, start: int, end: int) -> int:
    """Where the address at start..end ends, with the town, the flat or pitch number, the
    street, the description or the estate that goes on from it."""
    for _ in range(8):  # each step takes at least one word; an address has few
        address = text[start:end]
        patterns: list[re.Pattern[str]] = list(_ADDRESS_GOES_ON)
        if _BLOCK_ENDS.search(address):
            patterns.append(_ESTATE_NAMED_AFTER)
        if _HOME_WORD.search(address):
            patterns.append(_CALLED_AFTER)
        if _STREET_ENDS.search(address):
            patterns.append(_TOWN_AT_SENTENCE_END)
        more = next((m for p in patterns if (m := p.match(text, end))), None)
        if more is None:
            break
        end = more.end()
    return end


def _with_town_and_postcode(text: str, findings: list[Finding]) -> list[Finding]:
    """Each address widened over the town after it and up to the postcode after that, so the
    address, town and postcode are masked as one."""
    postcode_starts = sorted(f.start for f in findings if f.kind == "postcode")
    widened = []
    for finding in findings:
        if finding.kind != "address":
            widened.append(finding)
            continue
        end = _address_end(text, finding.start, finding.end)
        end = next(
            (s for s in postcode_starts if s >= end and _SPACING_OR_COMMA.fullmatch(text, end, s)),
            end,
        )
        widened.append(Finding("address", finding.start, end, text[finding.start : end]))
    return widened


def _buildings_postcode(
    text: str, postcode: Finding, public: list[Finding], private: list[Finding]
) -> bool:
    # "129 Alder Court, N19 5HG": a home's postcode, whatever its street is called.
    if any(
        p.end <= postcode.start and _TOWN_BETWEEN.fullmatch(text, p.end, postcode.start)
        for p in private
    ):
        return False
    if _public_building(text, postcode.start) or any(
        p.end <= postcode.start and _TOWN_BETWEEN.fullmatch(text, p.end, postcode.start)
        for p in public
    ):
        return True
    building = _PUBLIC_BUILDING_THEN_ADDRESS.search(
        text, max(0, postcode.start - _LOOK_BACK), postcode.start
    )
    return building is not None and not _NOT_A_BUILDINGS_ADDRESS.search(building["between"])


# Asked about where a public building or an agency is: "Where is Westminster Magistrates'
# Court? Is it still 181 Marylebone Road?", "Mencap's address for letters is 123 Golden Lane".
_IS_IT_STILL_AT = re.compile(r"\b(?:is|was)\s+it\s+(?:still\s+)?(?:at\s+|on\s+)?$", re.IGNORECASE)
_AGENCYS_ADDRESS_BEFORE = re.compile(
    r"\b(?P<agency>[A-Z][\w'\u2019]*?)['\u2019]s\s+(?:[a-z]+\s+){0,2}address"
    r"(?:\s+[a-z]+){0,3}\s+(?:is|was)\s+(?:still\s+)?$"
)


def _public_building(text: str, start: int) -> bool:
    """The address starting at `start` follows a public building's name ("the Crown Court at
    1 Oxford Row") and the sentence does not say someone lives by it."""
    back = max(0, start - _LOOK_BACK)
    if _IS_IT_STILL_AT.search(text, max(0, start - 20), start) and _BUILDING_WORD.search(
        text, back, start
    ):
        return True
    agency = _AGENCYS_ADDRESS_BEFORE.search(text, back, start)
    # An agency's name, or its initials ("CPS's address"), not a name typed in capitals.
    initials = agency and agency["agency"].isupper() and len(agency["agency"]) <= 6
    if agency and (agency["agency"] in AGENCIES or (initials and not text.isupper())):
        return True
    building = _PUBLIC_BUILDING_BEFORE.search(text, back, start)
    if building is None:
        return False
    block = _BLOCK_OF_HOMES.search(text, max(0, building.start() - 30), building.end())
    # "the offices at Rose Court, 2 Southwark Bridge Road": a court named after a public
    # building is that building's.
    if block and not _PUBLIC_BUILDING_BEFORE.search(
        text, max(0, block.start() - _LOOK_BACK), block.start()
    ):
        return False
    return not _LIVES_BY.search(text, sentence_start(text, start), building.start())


# "Flat 6, Harrington Court, Ashby Road": a court with a name of its own is a block of homes;
# the Crown, County, Magistrates', Family and Youth courts are public buildings.
_BLOCK_OF_HOMES = re.compile(
    r"\b(?!(?:Crown|County|Magistrates|Family|Youth|Supreme|High|Coroners|Royal|Appeal|"
    r"Civil|Criminal|Combined|Justice|Law|Tribunal|Old)\b)[A-Z][a-z]+['\u2019]?\s+Court\b"
    r"(?=\s*,?\s*(?:at|on|in)?\s*$)"
)


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


def _digits(text: str) -> str:
    """The digits of a number as written or said, in national form (+44 7... as 07...)."""
    digits = spoken_digits(text)
    return "0" + digits[2:] if digits.startswith("44") and len(digits) > 10 else digits


_ORGANISATIONS_PREFIXES = ("03", "080", "084", "087")


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _is_public(
    finding: Finding, public_numbers: frozenset[str], public_places: tuple[str, ...]
) -> bool:
    """A public number (a helpline, 999) or part of a public address or name."""
    if finding.kind == "phone":
        digits = _digits(finding.text)
        # Non-geographic numbers (03, 080, 084, 087) are organisations' lines, never a
        # person's own: a helpline, a council, a bank's fraud team.
        return digits in public_numbers or digits.startswith(_ORGANISATIONS_PREFIXES)
    # Whole words of a public entry: "Jo" of "Jo Davies", "1 Oxford Row" of a court's address.
    folded = f" {_folded(finding.text)} "
    return folded.strip() != "" and any(folded in f" {place} " for place in public_places)


def warm() -> None:
    """Read the first names the finder knows (safeguarding/first_names.txt) now rather than
    on the first question."""
    first_names()


def find_personal_details(text: str, public: Iterable[str] = ()) -> list[Finding]:
    """Every personal detail found, in text order; findings that overlap or that only spacing
    separates are joined (safeguarding.findings.joined), so masking leaves nothing of them.

    `public` lists what is nobody's personal detail in this chat, beside the well-known
    PUBLIC_HELPLINES and PUBLIC_PLACES: the helpline numbers, addresses and names of the
    event's agencies and panellists, from their records."""
    addresses, public_addresses = _addresses(text)
    findings = spoken_phone_numbers(text) + _written_out_emails(text) + addresses
    findings += [Finding("email", m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]
    if _BIRTH_CONTEXT.search(text):
        findings += [
            Finding("date_of_birth", m.start(), m.end(), m.group(0)) for m in _DATE.finditer(text)
        ]
        findings += [
            Finding("date_of_birth", m.start("date"), m.end("date"), m.group("date"))
            for m in _COMPACT_DATE_OF_BIRTH.finditer(text)
        ]
    # Most questions hold no digit, and every kind below needs one: skipping them halves the
    # cost of an ordinary question.
    if not _DIGIT.search(text):
        return _without_public(text, _with_town_and_postcode(text, findings), public)
    findings += _phones(text) + _vehicles(text) + bank_details(text)
    findings += [
        Finding("national_insurance_number", m.start(), m.end(), m.group(0))
        for m in _NATIONAL_INSURANCE.finditer(text)
    ]
    postcodes = [
        Finding("postcode", m.start(), m.end(), m.group(0)) for m in _POSTCODE.finditer(text)
    ]
    findings += [
        p for p in postcodes if not _buildings_postcode(text, p, public_addresses, addresses)
    ]
    findings = _with_town_and_postcode(text, findings)
    return _without_public(text, findings, public)


def _without_public(text: str, findings: list[Finding], public: Iterable[str]) -> list[Finding]:
    """`findings` and the private names beside them, less what is public, joined."""
    everyone = (*public, *PUBLIC_PLACES)
    forms = _public_forms(everyone) if findings else None
    if forms:
        findings = [f for f in findings if not _is_public(f, *forms)]
    # Names last: a full name counts as one when it stands right beside another detail.
    names = private_names(text, findings)
    if names:
        forms = forms or _public_forms(everyone)
        names = [f for f in names if not _is_public(f, *forms)]
        findings += names + _homes_of(text, names)
    if findings:
        findings += _dates_beside(text, findings)
    return joined(text, findings)


# A named house or farm right after someone's name: "Mrs Isla Fraser of Braeside Croft,
# Kirkton of Glenisla", "Tom Hardy from Low Barn".
_HOME_OF = re.compile(
    r",?\s+(?:of|from|at)\s+(?P<address>(?:The\s+)?(?:[A-Z][\w'-]*\s+){0,2}"
    rf"(?:{_HOUSE_TYPES}|{_PLACE_SUFFIXES})\b)"
)


def _homes_of(text: str, names: list[Finding]) -> list[Finding]:
    homes = []
    for name in names:
        if home := _HOME_OF.match(text, name.end):
            end = _address_end(text, home.start("address"), home.end())
            start = home.start("address")
            homes.append(Finding("address", start, end, text[start:end]))
    return homes


# Only commas, brackets or "dob"/"born" between a date and another detail in a list.
_LIST_GAP = re.compile(r"[\s,;()/-]*")


def _dates_beside(text: str, findings: list[Finding]) -> list[Finding]:
    """A full date (day, month, year) listed right beside someone's name, address or number
    ("Farah Doherty, 16 April 1982, 144 Grange Crescent"): their date of birth, said or not."""
    starts = {f.start for f in findings}
    ends = {f.end for f in findings}
    dates = []
    for m in _DATE.finditer(text):
        if m.start() in starts or not re.search(r"\d.*\D.*\d|\d\s+\w+\s+\w", m.group(0)):
            continue
        before = any(_LIST_GAP.fullmatch(text, e, m.start()) for e in ends if e <= m.start())
        gap = _LIST_GAP.match(text, m.end())
        after = gap is not None and gap.end() in starts
        if before or after:
            dates.append(Finding("date_of_birth", m.start(), m.end(), m.group(0)))
    return dates


@functools.lru_cache(maxsize=64)
def _public_forms(public: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The public entries as digits (numbers) and as folded words (places, names); worked out
    once per list."""
    numbers = {digits for entry in public if len(digits := _digits(entry)) >= 3}
    return frozenset(PUBLIC_HELPLINES) | numbers, tuple(_folded(entry) for entry in public)


def mask(text: str, findings: list[Finding]) -> str:
    """The text with every finding replaced by a placeholder naming what was removed; findings
    that overlap or touch become one placeholder, so no part of a detail is left between."""
    for finding in reversed(joined(text, findings)):
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
