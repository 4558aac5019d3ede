"""Phone numbers said in words, as a person reads one out: "oh seven seven double oh nine
hundred one two three", "zero7700 nine00 321". A run of number words and digits that spells
10 or more digits is a phone number, and 7 or more right after "my number is", "ring me on";
shorter runs are counts, times and public services ("nine nine nine")."""

import re

from safeguarding.findings import Finding

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "nil": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEATS = {"double": 2, "treble": 3, "triple": 3}
_TEENS = {
    word: str(10 + n)
    for n, word in enumerate(
        [
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
# "one twenty three" is 1 2 3, "nine ninety" 9 9 0.
_TENS = {
    word: str(n + 2)
    for n, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
_WORD = "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True))
# One piece of a spoken number: digits and digit words glued together ("zero7700", "nine00"),
# a repeat word, or "hundred" / "thousand" after a digit.
_PIECE = (
    rf"(?:(?:{_WORD}|\d)+|double|treble|triple|hundred|thousand|"
    rf"{'|'.join(_TEENS)}|{'|'.join(_TENS)})"
)
_RUN = re.compile(
    rf"(?<![\w'])(?:{_PIECE})(?:[\s,.-]+(?:and\s+)?(?:{_PIECE}))*(?![\w'])", re.IGNORECASE
)
_GLUED = re.compile(rf"{_WORD}|\d", re.IGNORECASE)
_WHOLE_PIECE = re.compile(rf"(?:{_WORD}|\d)+", re.IGNORECASE)
MIN_DIGITS = 10
# Right after "my number is", "mob:", "ring me on", a shorter run is a number too (said
# without its area code, or mis-said): "mob: seven seven double oh nine hundred and twelve".
MIN_DIGITS_AFTER_CUE = 7
_PHONE_CUE = re.compile(
    r"\b(?:mob|mobile|number|no|num|tel|phone|ring|call|text|whatsapp|landline)\b\W*"
    r"(?:(?:is|me|him|her|us|on|at|back)\b\W*){0,3}$",
    re.IGNORECASE,
)


def _digits(run: str) -> tuple[str, bool]:
    """The digits a run spells, and whether any of it was a word."""
    digits = ""
    repeat = 1
    worded = False
    tens = False  # the last piece was "twenty" .. "ninety", waiting for its unit
    pieces = [re.sub(r"[^\w]", "", piece) for piece in re.split(r"[\s,.-]+", run.lower())]
    pieces = [piece for piece in pieces if piece]
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if piece == "and":
            continue
        if tens:
            tens = False
            if piece in _DIGIT_WORDS and _DIGIT_WORDS[piece] != "0":
                digits += _DIGIT_WORDS[piece]
                continue
            digits += "0"
        if piece in _TEENS:
            digits += _TEENS[piece]
            worded = True
        elif piece in _TENS:
            digits += _TENS[piece]
            tens = worded = True
        elif piece in _REPEATS:
            repeat, worded = _REPEATS[piece], True
        elif piece == "hundred":
            worded = True
            # "nine hundred and twelve" is 912, "nine hundred and five" 905; "nine hundred" 900.
            after = pieces[index + 1] if index + 1 < len(pieces) else ""
            if index < len(pieces) and pieces[index] == "and" and after in _TEENS:
                digits += _TEENS[after]
                index += 2
            elif index < len(pieces) and pieces[index] == "and" and after in _TENS:
                digits += _TENS[after]
                tens = True
                index += 2
            elif index < len(pieces) and pieces[index] == "and" and after in _DIGIT_WORDS:
                digits += "0" + _DIGIT_WORDS[after]
                index += 2
            else:
                digits += "00"
        elif piece == "thousand":
            digits += "000"
            worded = True
        elif _WHOLE_PIECE.fullmatch(piece):
            parts = _GLUED.findall(piece)
            worded = worded or any(not part.isdigit() for part in parts)
            spelt = "".join(_DIGIT_WORDS.get(part, part) for part in parts)
            digits += spelt[0] * repeat + spelt[1:] if spelt else ""
            repeat = 1
    return digits + ("0" if tens else ""), worded


def spoken_phone_numbers(text: str) -> list[Finding]:
    found = []
    for m in _RUN.finditer(text):
        digits, worded = _digits(m.group(0))
        after_cue = _PHONE_CUE.search(text, max(0, m.start() - 30), m.start()) is not None
        if worded and len(digits) >= (MIN_DIGITS_AFTER_CUE if after_cue else MIN_DIGITS):
            found.append(Finding("phone", m.start(), m.end(), m.group(0)))
    return found


def spoken_digits(text: str) -> str:
    """The digits a number spells, written or said ("0808 2000 247", "oh eight oh eight..."),
    words that are not numbers skipped: for comparing with public numbers."""
    return _digits(text)[0]
