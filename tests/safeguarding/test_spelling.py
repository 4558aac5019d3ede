"""Crisis triage's spelling correction reads misspelt crisis words, and never turns an everyday
word into a word of violence or self-harm."""

import re

import pytest
from spellchecker import SpellChecker
from wordfreq import top_n_list

from safeguarding import crisis
from safeguarding.crisis import crisis_match, normalise

# The content words of the rules: harm, violence, weapons, means and the longer words the
# corrector aims at ("do", "end" and "them" are in the verb lists but are not violence, and
# "co" is half of "co codamol").
VIOLENCE_WORDS = (
    frozenset(
        re.findall(
            r"[a-z]+",
            " ".join(
                (
                    crisis._HARM_VERB,
                    crisis._VIOLENCE_ING,
                    crisis._VIOLENCE_DONE,
                    crisis._WEAPON_WORDS,
                    crisis._SELF_HARM_VERB,
                    crisis._MEANS,
                )
            ),
        )
    )
    | frozenset(crisis.FUZZY_TARGETS)
    | {"die", "dead", "suicide", "suicidal", "overdose", "danger", "murder", "self", "harm"}
) - {"do", "end", "them", "co"}

# Text-speak written by hand into crisis.TOKEN_REWRITES on purpose: these mean self-harm,
# overdose or dying in the messages people in crisis write, and nothing a webchat question
# would otherwise need.
CRISIS_TEXT_SPEAK = frozenset({"sh", "shing", "od", "kms", "dy", "ded", "knifes"})


def common_words() -> list[str]:
    """wordfreq's 50,000 commonest English tokens and every word in pyspellchecker's English
    dictionary: some 190,000 words, names and slang among them."""
    return sorted(set(top_n_list("en", 50_000)) | set(SpellChecker().word_frequency.keys()))


def test_no_common_word_is_read_as_a_word_of_violence() -> None:
    words = common_words()
    made_violent = {}
    for word in words:
        parts = set(word.split("'"))
        inflected = {*parts, *(p + "s" for p in parts), *(p + "g" for p in parts)}
        if parts & CRISIS_TEXT_SPEAK or inflected & VIOLENCE_WORDS:
            continue  # violent already: "knife's" may read "knives", "killin" "killing"
        read_as = normalise(word).split()
        if set(read_as) & VIOLENCE_WORDS:
            made_violent[word] = read_as

    assert len(words) > 150_000
    assert made_violent == {}


@pytest.mark.parametrize(
    "text",
    [
        "People keep calling me names because I have a learning disability",
        "they keep kissing in the corridor",
        "we are meeting at the library",
        "I was reading about it and eating my tea",
        "my friends keep chatting about me",
        "my son is vaping in his room",
        "Is it fun's day at the centre",
        "can I dye my hair for the meeting",
    ],
)
def test_everyday_words_are_not_read_as_crisis(text: str) -> None:
    assert crisis_match(text) is None


@pytest.mark.parametrize(
    ("misspelt", "read_as"),
    [
        ("sucide", "suicide"),
        ("kiling", "killing"),
        ("stabing", "stabbing"),
        ("threatning", "threatening"),
        ("mysef", "myself"),
        ("paracetomol", "paracetamol"),
        ("antidepresants", "antidepressants"),
        ("dnager", "danger"),
    ],
)
def test_a_misspelt_crisis_word_is_read_as_the_word(misspelt: str, read_as: str) -> None:
    assert normalise(misspelt) == f" {read_as} "
