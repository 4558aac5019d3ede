"""Which tokens are English words, and what a misspelt one most likely meant.

Crisis triage reads "sucide" as "suicide" and "kiling" as "killing", but must never read an
everyday word as a word of violence (edit distance alone turns "calling" into "killing" and
"meeting" into "beating"). So only a token that is not an English word is corrected: not in
pyspellchecker's English dictionary (about 160,000 words, with their frequencies) nor among
wordfreq's 50,000 commonest English tokens (names, brands and slang dictionaries leave out:
"vaping" must not become "raping", "Keating" "beating"). A misspelling is read as a word one
edit from it in the dictionary (Norvig's method); a word the rules use wins over a commoner
one at the same distance ("stabing" reads "stabbing", not "staying"), since a miss costs
more than a false alarm and the token was misspelt anyway.

Both lists are read once per process, on first use (about 0.3 s and 40 MB together);
safeguarding.apps warms them at start-up.
"""

from functools import lru_cache

from spellchecker import SpellChecker
from wordfreq import top_n_list

COMMON_WORDS_KEPT = 50_000


@lru_cache(maxsize=1)
def _checker() -> SpellChecker:
    # distance=1: the candidates are the known words one edit away (distance 2 costs some
    # 50,000 look-ups a word and finds common words as often as the intended one).
    return SpellChecker(language="en", distance=1)


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(top_n_list("en", COMMON_WORDS_KEPT))


def warm() -> None:
    """Read the word lists now rather than on the first question."""
    _checker()
    _common_words()


def is_warm() -> bool:
    """Both word lists are in memory."""
    return _checker.cache_info().currsize == 1 and _common_words.cache_info().currsize == 1


def is_english_word(token: str) -> bool:
    return token in _common_words() or token in _checker()


def in_dictionary(token: str) -> bool:
    """In pyspellchecker's English dictionary (which has few first names or surnames)."""
    return token in _checker()


def nearest_words(token: str) -> list[str]:
    """English words one edit from `token` (not itself), most frequent first."""
    checker = _checker()
    found = checker.known(checker.edit_distance_1(token)) - {token}
    return sorted(found, key=lambda word: (-checker[word], word))
