"""Bank details in a question: sort codes and account numbers where the question talks about a
bank account, IBANs that pass their mod-97 check, card numbers that pass the Luhn check, and a
card's security code, PIN or expiry date where they are named.

Sort codes and account numbers carry no check digit and are shaped like other numbers (a date
12-05-21, a count 10000000), so they are looked for only near a word about banking. IBANs and
card numbers carry one, so a valid one is found anywhere; one typed with a wrong digit is still
somebody's account, so near "IBAN" or "card" the shape alone is enough.
"""

import re

from safeguarding.findings import Finding

# Words that say the number beside them is a bank detail. Within _NEAR characters either side.
_BANK_WORDS = re.compile(
    r"(?<![\w/])(?:sort\s?-?codes?|s/c|sc|sort|acc(?:oun)?t?s?|acc(?:t)?\.?\s?(?:no|num|number)s?\.?|"
    r"a/c|bank(?:\s+details)?|banking|iban|building society|paid into|pay into|transfer(?:red)?|"
    # Banks people name instead of the word "bank".
    r"barclays|lloyds|natwest|hsbc|santander|nationwide|halifax|monzo|starling|tsb|revolut|"
    r"first direct|virgin money|rbs|metro bank|co-?op bank|bank of scotland|chase|post office)"
    r"(?![\w/])",
    re.IGNORECASE,
)
_CARD_WORDS = re.compile(
    r"\b(?:cards?|debit|credit|visa|mastercard|amex|long number|card no|card number)\b",
    re.IGNORECASE,
)
_IBAN_WORD = re.compile(r"\biban\b", re.IGNORECASE)
_NEAR = 40
_CARD_GROUPS = re.compile(r"\d{4}([ -])\d{4}\1\d{4}\1\d{4}")

# 12-34-56, 12 34 56 (one separator throughout) or 123456.
_SORT_CODE = re.compile(r"(?<![\d-])(?:\d{2}([- ])\d{2}\1\d{2}|\d{6})(?![\d-])")
# Eight digits, grouped any way: 12345678, 1234 5678, 12-34-56-78.
_ACCOUNT_NUMBER = re.compile(r"(?<![\d-])\d(?:[ -]?\d){7}(?![\d-])")
# A number that is a reference or a date, not an account ("case number 12345678", "on 12-05-21").
_NOT_BANK_BEFORE = re.compile(
    r"\b(?:ref(?:erence)?|case|crime|incident|claim|policy|order|tracking|customer|membership|"
    r"on|since|from|until|till|dated?)\b(?:\s+(?:no\.?|number|num))?\s*(?:is\s+|:\s*|#\s*)?$",
    re.IGNORECASE,
)
# "card ending 4242", "the last four digits are 4242".
_CARD_ENDING = re.compile(
    r"(?i:\b(?:ending(?:\s+in)?|ends\s+(?:in|with)|last\s+(?:4|four)\s+(?:digits|numbers)"
    r"(?:\s+(?:are|is|were))?))\s*:?\s*(?P<detail>\d{4})\b"
)
# A country code and check digits, then up to 30 letters and digits, spaced or not; which
# prefix of that is the IBAN is settled by _iban_end ("GB82 WEST ... 32 now" ends at 32).
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34}\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9]+")
# 13 to 19 digits, grouped by spaces or hyphens or not at all.
_CARD_NUMBER = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


# The rest of a card: "CVV 123", "the 3 digits on the back are 456", "PIN 4821", "exp 09/27".
_CARD_EXTRAS = (
    (
        "card_security_code",
        re.compile(
            r"(?i:\b(?:cvv2?|cvc2?|cv2|security\s+(?:code|number)|(?:3|three)\s+(?:digits|numbers)"
            r"\s+on\s+the\s+back|numbers?\s+on\s+the\s+back))\W{0,5}(?:(?:is|are|was|were)\s+)?"
            r"(?P<detail>\d{3,4})\b"
        ),
    ),
    (
        "pin",
        re.compile(
            r"(?i:\bpin(?:\s+(?:number|no|code))?)\W{0,5}(?:(?:is|was)\s+)?(?P<detail>\d{4,6})\b"
        ),
    ),
    (
        "card_expiry",
        re.compile(
            r"(?i:\b(?:exp|expiry|expires|expiry\s+date|expiration|valid\s+(?:until|thru|to)))"
            r"\W{0,5}(?:(?:is|date)\s+)?(?P<detail>(?:0?[1-9]|1[0-2])\s?/\s?(?:20)?\d{2})\b"
        ),
    ),
)


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return pattern.search(text[max(0, start - _NEAR) : end + _NEAR]) is not None


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1."""
    compact = iban.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _iban_end(candidate: str, *, near_word: bool) -> int:
    """Where the IBAN at the start of `candidate` ends: the longest run of its words that
    passes the checksum; or, beside the word "IBAN", the longest whose words all hold a digit
    or are capitals (a typo is still somebody's account); 0 for none."""
    ends = [m.end() for m in _TOKEN.finditer(candidate)]
    fits = [e for e in ends if 15 <= len(candidate[:e].replace(" ", "")) <= 34]
    for end in reversed(fits):
        if iban_valid(candidate[:end]):
            return end
    if near_word:
        words = _TOKEN.findall(candidate)
        shaped = 0
        for word, end in zip(words, ends, strict=True):
            if not (word.isupper() or any(char.isdigit() for char in word)):
                break
            shaped = end
        if shaped in fits:
            return shaped
    return 0


def bank_details(text: str) -> list[Finding]:
    found = []
    for m in _IBAN.finditer(text):
        end = _iban_end(m.group(0), near_word=_near(_IBAN_WORD, text, m.start(), m.end()))
        if end:
            found.append(Finding("iban", m.start(), m.start() + end, m.group(0)[:end]))
    for m in _CARD_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        # Beside a word for a card, any 13 to 19 digits: a card number mistyped is still one;
        # typed in a card's four groups of four, with a card named anywhere in the question.
        if (
            luhn_valid(digits)
            or _near(_CARD_WORDS, text, m.start(), m.end())
            or (_CARD_GROUPS.fullmatch(m.group(0)) and _CARD_WORDS.search(text))
        ):
            found.append(Finding("card_number", m.start(), m.end(), m.group(0)))
    found += [
        Finding("card_number", m.start("detail"), m.end("detail"), m.group("detail"))
        for m in _CARD_ENDING.finditer(text)
        if _near(_CARD_WORDS, text, m.start(), m.end())
    ]
    for kind, pattern in _CARD_EXTRAS:
        found += [
            Finding(kind, m.start("detail"), m.end("detail"), m.group("detail"))
            for m in pattern.finditer(text)
        ]
    for kind, pattern in (("sort_code", _SORT_CODE), ("account_number", _ACCOUNT_NUMBER)):
        found += [
            Finding(kind, m.start(), m.end(), m.group(0))
            for m in pattern.finditer(text)
            if _near(_BANK_WORDS, text, m.start(), m.end())
            and not _NOT_BANK_BEFORE.search(text, max(0, m.start() - _NEAR), m.start())
        ]
    return found
