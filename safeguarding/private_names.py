"""Private people's names: after a phrase that introduces one ("my name is", "his name's",
"my ex is called", "a man named", "my neighbour Gary Holt", "Mr Okafor"), and a full name
right beside another personal detail ("Tom Beswick, 14 Farrow Road").

A name with no such cue is left alone: a question that names a panellist, an agency, a
minister or a town ("the Home Secretary", "Leeds") names nobody who needs protecting, and a
capitalised pair of words is too often a place or an organisation to mask on sight.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

from safeguarding.findings import Finding, sentence_start
from safeguarding.spelling import in_dictionary

# Letters of names written in Latin script beyond A-Z: Oisín, Siobhán, Małgorzata, Szymański,
# Zoë, Łukasz. Latin Extended-A alternates capital and small letters, so it is in both.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ž"
_SMALL = "a-zß-öø-ÿĀ-ž"
# A capitalised name word: Kerry, O'Neill, McDonald, Ellie-Mae, Appiah-Kusi, Hyun-woo.
# A possessive may follow ("Dave Smith's number"), not another part of the word.
_CAPITALISED = (
    rf"(?:[{_UPPER}]['\u2019])?[{_UPPER}][{_SMALL}]+(?:[{_UPPER}][{_SMALL}]+)?"
    rf"(?:-[{_UPPER}{_SMALL}][{_SMALL}]+)?\b(?!-)(?!['\u2019](?!s\b))"
)
_LOWER = rf"[{_SMALL}][{_SMALL}'-]+(?![\w'\u2019-])"
# In capitals after a cue: "HIS NAME IS DAVE SMITH".
_SHOUTED = r"[A-Z]{2,}(?:['\u2019-][A-Z]+)?(?![\w'\u2019-])"
# Up to three name words: "Kerry Whitlock", "Mary Ann Jones".
_FULL_NAME = rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,2}}"

# Cues after which the next word is a name even typed in lower case ("my name is jodie").
# "my names tyrone", "her nickname is Bones", "his surname used to be Hart".
_NAME_IS = (
    r"(?:(?:my|his|her|their|our|the)\s+(?:\w+(?:['\u2019]s)?\s+)?"
    r"(?:first\s+|full\s+|real\s+|last\s+|maiden\s+|sur|nick\s?|pet\s+)?"
    r"name(?:\s+is|['\u2019]s|\s+was|\s+used\s+to\s+be)|(?:my|his|her|their)\s+names)"
)
_I_AM_CALLED = (
    r"(?:i['\u2019]?m|i\s+am|he['\u2019]?s|she['\u2019]?s|(?:he|she)\s+is|they\s+are)\s+"
    r"(?:called|named|known\s+as)"
)
# "I'm called", "he's called", "she is named", "a man called", "my ex is called".
_CALLED = (
    r"(?:(?:i['\u2019]?m|i\s+am|he['\u2019]?s|she['\u2019]?s|he\s+is|she\s+is|they['\u2019]?re|they\s+are|is|was|"
    r"were|are|man|woman|guy|lad|girl|boy|bloke|fella|fellow|person|someone|somebody|kid|"
    r"gentleman|lady|neighbour|neighbor|friend)\s+(?:called|named|known\s+as)|goes\s+by|"
    # "a local dealer known as Spider" (not "a scheme known as Clare's Law")
    r"[a-z]+(?:er|or|ist|ant|eer)\s+known\s+as)"
)
# "my neighbour Gary Holt", "my carer, Tina Marsh": only a capitalised name follows these.
_RELATIONS = (
    r"ex|ex-partner|ex\s+partner|ex-husband|ex-wife|ex-boyfriend|ex-girlfriend|husband|wife|"
    r"partner|boyfriend|girlfriend|fiance|fiancee|neighbour|neighbor|carer|landlord|landlady|"
    r"uncle|aunt|auntie|cousin|brother|sister|son|daughter|dad|mum|mom|father|mother|"
    r"step-?dad|step\s+dad|step-?mum|step\s+mum|stepfather|stepmother|friend|mate|boss|manager|"
    r"teacher|nan|nanna|gran|grandad|grandma|grandpa|flatmate|housemate|lodger|colleague|"
    r"brother-in-law|sister-in-law|nephew|niece|abuser|attacker|stalker|support\s+worker|"
    r"grandson|granddaughter|grandchild|volunteer|client|tenant|pupil|student|bf|gf|aunty|"
    r"bloke|fella|(?:brother|sister|mother|father|son|daughter)\s+in\s+law|"
    r"mother-in-law|father-in-law|kid|child|husband's|wife's"
)
# "my ex girlfriend", "my old flatmate", "my brother's girlfriend", "my sons dad": a relation
# said in two words.
_RELATION = (
    rf"(?:(?:ex|old|former|new|late|best|step|little|big|older|younger|eldest|oldest|youngest|"
    rf"baby|twin|half|so[\s-]called|(?:{_RELATIONS})(?:['\u2019]?s)?)[\s-]+){{0,2}}"
    rf"(?:{_RELATIONS})"
)
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|mr|mrs|ms)\.?"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that follow the cues above without being a name ("my name is on the tenancy",
# "I'm called names", "he was named in court").
NOT_NAMES = _words(
    """
    a an the and or but not no nor on in at of to by for from with into onto about as is was
    are be been being it its this that these those there here then than so too very really
    just only also still even never always already ever again all every each some any one
    me my mine you your he him his she her they them their we us our i
    names name stupid thick fat ugly horrible nasty things stuff something anything nothing
    everything loads lots back out up down off over round around after before later now
    private important different known used mentioned written spelt spelled listed shown given
    kept changed wrong right same new old real full first last double single
    because when while if what who whom whose which where why how often finally usually
    sometimes recently once later suddenly actually literally apparently constantly regularly
    normally then also racist homophobic disgusting awful terrible vile rude abuse bad
    im pls plz please help age aged years year old from here
    worried scared frightened afraid sorry
    police court someone somebody anyone anybody everyone everybody nobody
    """
)
_NAME_AFTER_CUE = re.compile(
    rf"(?i:\b(?:{_NAME_IS}|{_I_AM_CALLED}))\s*:?\s+[\"\u201c]?"
    rf"(?P<name>{_FULL_NAME}|{_LOWER}(?:\s+(?:{_CAPITALISED}|{_LOWER}))?|{_SHOUTED}(?:\s+{_SHOUTED})?)"
)
# "I'm Sarah, 34", "I'm Dean and ...": capitalised, and followed by what follows a name.
_NAME_AFTER_I_AM = re.compile(
    r"(?i:\b(?:i['\u2019]?m|i\s+am))\s+"
    rf"(?P<name>{_FULL_NAME})(?=\s*(?:[,.!;)]|(?i:and|but|from|aged?|i['\u2019]?m|im|here)\b|\d|$))"
)
# "Thanks, Sarah", "thanks for listening, Kerry" at the very end.
_NAME_SIGNING_OFF = re.compile(
    r"(?i:\b(?:thanks|thank\s+you|thankyou|cheers|regards|best\s+wishes|many\s+thanks|love|"
    r"yours(?:\s+(?:faithfully|sincerely|truly))?|take\s+care))"
    r"(?:\s+[a-z]+){0,3}[,!.]?\s+"
    rf"(?P<name>{_FULL_NAME})\s*[.!]*\s*(?:x+)?\s*$"
)
# "my husband is called dave": in lower case too.
_NAME_AFTER_RELATION_CALLED = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+{_RELATION}(?:['\u2019]s|\s+(?:is|was))\s+"
    rf"(?:called|named|known\s+as))\s+(?P<name>{_FULL_NAME}|{_LOWER}(?:\s+(?:{_CAPITALISED}|{_LOWER}))?)"
)
# "Hi, I'm Sarah", "hello this is Dean Walsh": capitalised only ("hi im scared").
_NAME_AFTER_GREETING = re.compile(
    r"(?i:\b(?:hi|hello|hiya|hey|morning|evening|afternoon)[,!.]*\s+(?:there[,!.]*\s+)?"
    r"(?:i['\u2019]?m|im|i\s+am|this\s+is|it['\u2019]?s|my\s+name['\u2019]?s))\s+"
    rf"(?P<name>{_FULL_NAME})"
)
# A form's labels: "Name: Janice Pollard", "Full name Ade Bello", "surname Whitlock",
# "Name's Bogdan". Capitalised only ("full name and address").
_NAME_AFTER_LABEL = re.compile(
    r"(?:(?i:\bname)\s*:|(?i:\b(?:my|his|her|their)\s+(?:real\s+|full\s+)?name)(?=\s+[A-Z])|(?i:\b(?:full\s+name|surname|last\s+name|maiden\s+name)"
    r"(?:\s+(?:is|was|used\s+to\s+be))?)\s*:?|\b[Nn]ame['\u2019]s)"
    rf"\s*(?P<name>{_FULL_NAME})"
)
# A police officer or a minister of religion named in full: "his name's PC Liam Hart", "I am
# the Reverend Ann Cole". One word after the rank is often a public officer's surname only.
_NAME_AFTER_RANK = re.compile(
    r"(?:\b(?:PC|DC|PS|DS|DI|DCI|Sgt|Reverend|Rev)\.?\s+)"
    rf"(?P<name>{_CAPITALISED}\s+{_CAPITALISED})"
)
# What people call someone: "people call him Lurch", "he calls himself Smokey", "Shaz for
# short". Capitalised only ("they call him names", "calls me a liar").
_NAME_CALLED_BY_OTHERS = re.compile(
    r"(?i:\b(?:call|calls|called|calling)\s+(?:him|her|them|me|us)(?:self|selves)?)\s+"
    rf"(?P<name>{_FULL_NAME})|(?P<short>{_CAPITALISED})\s+(?i:for\s+short)\b"
)
# Someone introducing themselves: "It's Fiona.", "its Kirsty from the farm", "hey its me
# again, lucy,". Only a known first name (checked below): "it's Tuesday." is not one.
_NAME_AFTER_IT_IS = re.compile(
    r"(?i:\b(?:it['\u2019]?s|its|it\s+is|this\s+is)(?:\s+me(?:\s+again)?\s*,)?)\s+"
    rf"(?P<name>{_FULL_NAME}|{_LOWER})"
    r"(?=\s*[,.!]|\s+(?i:from|here|again|speaking|btw|by\s+the\s+way)\b|\s*$)"
)
# Someone named between commas after the word for them: "a man, Spike, who hangs round",
# "one of our residents, Blessing, has asked".
_NAME_IN_APPOSITION = re.compile(
    r"(?i:\b(?:a|an|the|this|one\s+of\s+(?:our|my|the|his|her|their)|my|our|his|her|their)\s+"
    r"(?:[a-z-]+\s+)?(?:man|woman|lad|guy|girl|boy|bloke|fella|person|kid|neighbour|neighbor|"
    r"residents?|clients?|tenants?|members?|pupils?|students?|patients?|friends?|"
    r"service\s+users?|lodgers?|colleagues?|[a-z]+(?:er|or|ist|ian|ant|ent|eer)s?))\s*,\s*"
    rf"(?P<name>{_FULL_NAME})\s*,"
)
# "Shane is his name", "He's Dean Marshall.", "the leader is Tyler.", "one of them is Jade.":
# a name said as the answer to whose it is (one word only when it is a known first name).
_NAME_SAID_AS_WHO = re.compile(
    rf"(?P<name>{_FULL_NAME})\s+(?i:is|was)\s+(?i:his|her|my|their)\s+(?i:real\s+|full\s+)?"
    r"(?i:name)\b"
    r"|(?:(?i:\b(?:he['\u2019]?s|she['\u2019]?s|(?:he|she|(?:the|my|our|his|her)\s+"
    r"(?:[a-z]+\s+)?(?:man|woman|lad|guy|girl|boy|bloke|fella|leader|ringleader|bouncer|driver|"
    r"landlord|landlady|owner|manager|boss|supervisor|ex)|one(?:\s+of\s+them)?)\s+(?:is|was)))\s+)"
    rf"(?P<said>{_FULL_NAME})(?=\s*[,.!;]|\s*$)"
)
# Named, then who they are: "about Jaz, she is my friend", "Tariq, he's my cousin".
_NAME_THEN_RELATION = re.compile(
    rf"(?<![\w'\u2019-])(?P<name>{_FULL_NAME}),\s+(?i:(?:she|he|they)(?:['\u2019]s|\s+is|\s+was|"
    rf"['\u2019]re|\s+are)\s+(?:my|our|his|her|their)\s+{_RELATION})\b"
)
# Whose relation: "This is Abdirahman's mum", "I'm Harjit Kaur's daughter", "Siobhan's
# husband". After "I'm" or "this is", or when the first word is a known first name.
_NAME_BEFORE_RELATION = re.compile(
    r"(?P<intro>(?i:\b(?:i['\u2019]?m|im|i\s+am|this\s+is|it['\u2019]?s)\s+))?"
    rf"(?<![\w'\u2019-])(?P<name>{_FULL_NAME})['\u2019]s\s+(?i:{_RELATIONS})\b"
)
# A known first name in lower case after a relation: "my flatmate ryan on new years eve",
# "his mum is shannon" (checked below: a known first name, not a common word).
_LOWER_FIRST_NAME_AFTER_RELATION = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+{_RELATION}(?:\s+(?:is|was))?)\s*,?\s+"
    rf"(?P<name>[{_SMALL}]+)\b(?!['\u2019-])"
    r"(?!\s+(?:a|an|the|me|him|her|it|them|us|my|his|their|our|your|up|out|away|down)\b)"
)
# After "is called", "a man named": capitalised only ("I was called racist names").
# A name may be in quotes: 'a man called "Taz"', 'his profile name was "Danny"'.
_NAME_AFTER_CALLED = re.compile(rf"(?i:\b{_CALLED})\s+[\"\u201c]?(?P<name>{_FULL_NAME})")
_NAME_AFTER_RELATION = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+[\"\u201c]?{_RELATION}(?:['\u2019]s)?[\"\u201d]?)"
    r"(?:\s*[,(]\s*|\s+)"
    rf"(?P<name>{_FULL_NAME})"
)
# "my ex is Jamie Clark": a full name, since one word here is often not one ("is Polish").
_FULL_NAME_AFTER_RELATION_IS = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+{_RELATION}\s+(?:is|was))\s+"
    rf"(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED}){{1,2}})"
)
# "my son is Adebayo, dob ...", "my kids are Craig and Natasha": one name, when what follows
# is what follows a name.
_NAME_AFTER_RELATION_IS = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+(?:{_RELATION}|kids|children|sons|daughters|"
    rf"grandchildren|grandkids)\s+(?:is|are|r|was|were))\s+"
    rf"(?P<name>{_CAPITALISED})(?P<more>(?:\s*(?:,|and|&)\s*{_CAPITALISED})*)"
    rf"(?=\s*(?:[,.!?;]|$|(?i:and|dob|d\.o\.b|born|aged?|who|hes|he['\u2019]s|shes|"
    rf"she['\u2019]s|they|\d)\b))"
)
# "ask for Zainab", "its Farah here", "name on account Gary Bhatti", "r v Shannon Nowak",
# "suspect Marek McAllister", "owner is Imran Haworth".
_NAME_AFTER_ROLE = re.compile(
    rf"(?:(?i:\b(?:ask\s+for|speak\s+to|case\s+against|charges\s+against|charging|"
    rf"married\s+to|engaged\s+to|divorced\s+from|separated\s+from|"
    rf"prosecuting|name\s+on\s+(?:the\s+)?(?:account|card)"
    rf"(?:\s+is)?:?|r\s+v\.?|regina\s+v\.?|suspect(?:\s+is)?:?|perpetrator(?:\s+is)?:?|"
    rf"offender(?:\s+is)?:?|defendant(?:\s+is)?:?|owner(?:\s+is)?:?|account\s+holder(?:\s+is)?:?))"
    rf"\s+(?P<name>{_FULL_NAME}))"
    rf"|(?:(?i:\bit['\u2019]?s|\bits|\bthis\s+is)\s+(?P<here>{_FULL_NAME})"
    rf"(?=\s+(?i:here|again|speaking)\b))"
)
# In lower case after a relation only when a verb follows: "my boyfriend jake said".
_VERBS_AFTER_A_NAME = (
    r"said|says|told|tells|hit|hits|took|takes|keeps|kept|has|had|is|was|will|won['\u2019]?t|"
    r"knows|knew|came|comes|sent|sends|posted|posts|threatened|threatens|called|calls|texted|"
    r"texts|messaged|lives|lived|makes|made|wants|wanted|gets|got|shouted|shouts|pushed"
)
_LOWER_NAME_AFTER_RELATION = re.compile(
    rf"(?i:\b(?:my|our|his|her|their)\s+{_RELATION})(?:\s*[,(]\s*|\s+)"
    rf"(?!(?:{_VERBS_AFTER_A_NAME}|{_RELATIONS}|got|get|gets|getting|been|being|did|does|do)\b)"
    rf"(?P<name>{_LOWER}(?:\s+{_LOWER})?)"
    rf"(?=\s+(?:{_VERBS_AFTER_A_NAME}|controls|hacked|laughed|stabbed|at|who|from)\b|\s*[,.;:!?)]|\s*$)"
)
# "i'm dariusz, my mobile ...", "im lacey holroyd dob ...": in lower case after "I'm" only
# when what follows is what follows a name, and only words too rare to be anything else.
_LOWER_NAME_AFTER_I_AM = re.compile(
    rf"(?i:\b(?:i['\u2019]?m|im|i\s+am))\s+(?P<name>{_LOWER}(?:\s+{_LOWER})?)"
    rf"(?=\s*[,.;!]|\s*$|\s+(?i:dob|d\.o\.b|born|my|pls|please|and\s+my|aged?|\d)\b)"
)
# "the lad who attacked my son is Callum Reeve", "the man that did it was Lee Ashworth".
_NAME_OF_WHO_DID_IT = re.compile(
    r"(?i:\b(?:man|woman|lad|guy|girl|boy|bloke|fella|person|one|kid|driver|neighbour)\s+"
    r"(?:who|that)\b[^.?!]{0,60}?\b(?:is|was|is\s+called|was\s+called))\s+"
    rf"(?P<name>{_FULL_NAME})"
)
# "Mr Okafor", "Mrs J. Okonkwo-Reid", "Mr and Mrs P Sandhu": initials go with the name.
_NAME_AFTER_TITLE = re.compile(
    rf"\b{_TITLE}\s+(?:and\s+{_TITLE}\s+)?(?P<name>(?:[A-Z]\.?\s+){{0,2}}{_FULL_NAME})"
)
# Two or three capitalised words right before or after another detail, with only a comma,
# "at", "of" or "on" between: "Tom Beswick, 14 Farrow Road", "07700 900123 (Jo Bloggs)".
_FULL_NAME_ONLY = re.compile(
    rf"(?<![\w'\u2019-])(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED}){{1,2}})"
)
_BESIDE = re.compile(
    r"(?:['\u2019]s)?\s*[,(:-]?\s*(?:(?:at|of|on|from|born|dob|d\.o\.b\.?|aged?|who\s+lives\s+at|"
    r"sort\s+code|account(?:\s+(?:number|no\.?))?|acc(?:ount)?\s+no\.?|a/c|ni(?:\s+no\.?)?|"
    r"lives\s+at|(?:(?:his|her|their)\s+)?(?:number|mobile|phone|address|reg|car|email)"
    r"(?:\s+is)?|tel)\b\s*:?)?[\s)]*",
    re.IGNORECASE,
)

_BESIDE_AT_MOST = 40  # characters: _BESIDE never spans more

# Agencies people name by one word: never a private person, and the address after "Mencap's
# address is" is the agency's (safeguarding.detection).
AGENCIES = _words(
    """
    Samaritans Childline Crimestoppers Mencap Refuge Galop Shelter Mind Nspcc NSPCC Barnardos
    Barnardo's Respect Hourglass Scope Sense Mermaids Stonewall Citizens Nacro Crisis
    """
)
# Capitalised words that start a sentence or name an institution, never a private person.
_NOT_NAME_WORDS = AGENCIES | _words(
    """
    I I'm Im The A An My Our His Her Their This That It Is Was Are Can Could Should Would Will
    Do Does Did Has Have Had Hi Hello Dear Please Thanks Thank Yes No Not And But Or If When
    What Who Why How Where Which Police Court Crown Magistrates Council Home Office Secretary
    Minister Prime Justice Ministry Victim Victims Support Commissioner Crisis Rape Samaritans
    Childline Crimestoppers National Helpline Road Street Lane Avenue Close Drive Way Flat
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday MP PC DC DS DCI Sergeant Officer
    Inspector Constable Chief Judge Lord Lady Sir Dame King Queen Prince Princess Christmas
    Easter Facebook Instagram WhatsApp Snapchat TikTok Google Amazon Deaf British English
    Scottish Welsh Irish Muslim Christian Jewish Sikh Hindu Black White Asian Autistic Disabled
    Gay Lesbian Trans Bi Polish Romanian Catholic Protestant Mixed Gypsy Traveller Roma
    Mencap Refuge Galop Shelter Mind Nspcc NSPCC Barnardos Karma Nirvana Respect Hourglass
    Everyone Team All Panel Sir Madam Officer Detective Sarge Initiative Unit Trust Foundation
    Aid Alliance Network Project Association Society Partnership Campaign
    """
)


# Names that end like a nationality ("Brian", "Ian"); other words ending so are one
# ("British", "Romanian", "Japanese", "Pakistani").
_NAMES_LIKE_NATIONALITIES = frozenset(
    ["Brian", "Ian", "Julian", "Adrian", "Damian", "Vivian", "Gillian", "Lillian", "Marian"]
)
_NATIONALITIES_IN_I = frozenset(
    [
        "Pakistani",
        "Bangladeshi",
        "Somali",
        "Iraqi",
        "Israeli",
        "Saudi",
        "Kuwaiti",
        "Yemeni",
        "Nepali",
        "Afghani",
        "Qatari",
        "Omani",
        "Bahraini",
        "Emirati",
        "Punjabi",
        "Gujarati",
    ]
)


def _is_nationality(word: str) -> bool:
    if word in _NAMES_LIKE_NATIONALITIES:
        return False
    if word.endswith("i"):
        return word in _NATIONALITIES_IN_I
    return bool(re.search(r"(?:ish|ese|ian)$", word))


# A lower-case name is only taken where one of its words is in no English dictionary and none
# is a common word (wordfreq's Zipf scale: "precious" 4.3 may be a first name beside
# "mensah"; "scared" 4.6, "fine" 5.2 never). "im deaf", "my friend overdosed" stay as they are.
_COMMON_AT = 4.5


_AGE_AFTER = re.compile(r"\s*,\s*\d{1,2}\s*(?:[,.!]|and\b|y/?o\b|years?\b|$)", re.IGNORECASE)
_VERB_AFTER = re.compile(rf"\s+(?:{_VERBS_AFTER_A_NAME})\b")


def _needs_rare_words(pattern: re.Pattern[str], match: re.Match[str], group: str) -> bool:
    """A lower-case name after "I'm", or after a relation without a verb right after it
    (or in two words), is only taken if its words are rare ("my son cant sleep")."""
    if pattern is _LOWER_NAME_AFTER_I_AM:
        # "im jess, 19": a known first name with an age after it is one, rare or not.
        name = match.group(group)
        return not (
            _AGE_AFTER.match(match.string, match.end(group))
            and _is_first_name(name.split()[0], first_names())
        )
    if pattern is _LOWER_NAME_AFTER_RELATION:
        return " " in match.group(group) or not _VERB_AFTER.match(match.string, match.end(group))
    return False


def _cue_holds(pattern: re.Pattern[str], match: re.Match[str], name: str) -> bool:
    """The checks some cues need beyond their pattern: a known first name after "it's" or
    before "'s mum" (without "I'm" before it), a known first name that is no common word in
    lower case after a relation, two words after "R v" ("R v Ghosh" is case law)."""
    first = name.split()[0]
    if pattern is _NAME_AFTER_IT_IS and first.islower() and "me" not in match.group(0).lower():
        return False  # "it's windy": in lower case only in "it's me again, lucy"
    if pattern is _NAME_AFTER_IT_IS or (
        pattern is _NAME_BEFORE_RELATION and not match.group("intro")
    ):
        names = first_names()
        common = first.islower() and zipf_frequency(first, "en") >= _COMMON_AT
        return _is_first_name(first, names) and not common
    if pattern is _LOWER_FIRST_NAME_AFTER_RELATION:
        return (
            _is_first_name(first, first_names()) and zipf_frequency(first, "en") < _COMMON_NAME_AT
        )
    if pattern is _NAME_CALLED_BY_OTHERS and _is_nationality(first):
        return False  # "he calls me Albanian scum": abuse, not a name
    if pattern is _NAME_SAID_AS_WHO and match.group("said") and " " not in name:
        return _is_first_name(first, first_names()) and not _is_nationality(first)
    if pattern is _NAME_AFTER_ROLE and re.match(r"(?i)r(?:egina)?\s+v\b", match.group(0)):
        return " " in name
    return True


# "ryan" 4.6 and "dean" 4.4 are names after "my flatmate"; "grant" 4.7, "rose" 4.8 are words.
_COMMON_NAME_AT = 4.65


def _rare_words(name: str) -> bool:
    words = name.lower().split()
    return any(not in_dictionary(word) for word in words) and all(
        zipf_frequency(word, "en") < _COMMON_AT for word in words
    )


def _is_name(name: str) -> bool:
    words = name.split()
    first = words[0]
    if first.lower() in NOT_NAMES or first in _NOT_NAME_WORDS:
        return False
    return not (first.islower() and len(first) < 2)


def _trimmed(name: str) -> str:
    """`name` without trailing words that are not name words ("Jodie And" -> "Jodie")."""
    words = name.split()
    while len(words) > 1 and (words[-1].lower() in NOT_NAMES or words[-1] in _NOT_NAME_WORDS):
        words.pop()
    return " ".join(words)


FIRST_NAMES_PATH = Path(__file__).resolve().parent / "first_names.txt"


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The first names in first_names.txt (about 16,000, from Faker's person providers by
    `manage.py safeguarding_train --first-names`), read once per process."""
    lines = FIRST_NAMES_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


_WORD_CAPITALISED = re.compile(
    rf"(?<![\w'\u2019-])(?:[{_UPPER}][{_SMALL}]+(?:-[{_UPPER}][{_SMALL}]+)?|[A-Z]{{3,}})(?![\w-])"
)
# Before a name that is a public person's or a place's, not a private one's.
_PUBLIC_BEFORE = re.compile(
    r"(?:\b(?:Sir|Dame|Lord|Lady|Saint|St|King|Queen|Prince|Princess|Minister|Secretary|MP|"
    r"President|Commissioner|Mayor|Judge|Justice|Reverend|Rev|Pope|Prime|Chancellor|Baroness|"
    r"Baron|Councillor|Cllr|Detective|Inspector|Sergeant|Superintendent|Constable|PC|DC|DS|"
    r"DI|DCI|Officer|Dr|Doctor|Professor|Prof|Mr|Mrs|Ms|Miss|Mx|Team|Ask|Dear)\.?\s+$)",
)
# After it: a street, a building or an organisation named after someone ("Victoria Street",
# "Mary Seacole House", "St Thomas' Hospital", "Jane's Place").
_PLACE_AFTER = re.compile(
    r"(?:['\u2019]s?)?\s+(?:[A-Z][a-z]+\s+){0,2}?(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|"
    r"Drive|Way|Court|Place|Gardens|Grove|Crescent|Terrace|Hill|Square|Mews|Walk|Row|Parade|"
    r"Park|House|Hall|Centre|Center|Hospital|School|Academy|College|University|Station|"
    r"Library|Trust|Foundation|Fund|Project|Estate|Tower|Bridge|Church|Chapel|Mosque|Surgery|"
    r"Clinic|Ward|Unit|Hotel|Arms|Inn|Lodge|Museum|Gallery|Theatre|Stadium|Airport|"
    r"Line|Award|Act|Law|Report|Review|Inquiry|Helpline|Service|Services|Market|Common)\b"
    # "Clare's law", "an Osman warning": a law or a warning named after someone.
    r"|(?:['\u2019]s)?\s+(?i:law|laws|warning|warnings|scheme|rule|principle|test)\b"
)


def _known_first_names(text: str, beside: list[Finding]) -> list[Finding]:
    """A known first name, capitalised inside a sentence (not its first word unless a surname
    follows), with the capitalised words after it ("my kids are Maisie, Alfie and Rosie", "a
    lady who comes in, Jolene, told me", "Client Gordon Sykes, 54"); not a public person's
    after a title, nor a street, building or law named after someone."""
    names = first_names()
    shouting = sum(c.isupper() for c in text) > sum(c.islower() for c in text)
    found = []
    for m in _WORD_CAPITALISED.finditer(text):
        word = m.group(0)
        if (word.isupper() and not shouting) or not _is_first_name(word, names):
            continue
        if any(f.start <= m.start() < f.end for f in beside):
            continue
        start, end = m.start(), m.end()
        surname = _SURNAME_AFTER.match(text, end)
        sentence = sentence_start(text, start)
        at_sentence_start = not text[sentence:start].strip()
        # Alone on the last line (signing off), or "Mohammed, the one whose car was keyed".
        alone_at_end = not text[end:].strip(" .!x\n") and text[:start].rstrip(" \t").endswith("\n")
        # "Shane is his name", "Callum my ex.", a name alone at the end: its own sentence.
        described = _SELF_DESCRIBED_AFTER.match(text, end) or (
            at_sentence_start
            and zipf_frequency(word, "en") < _COMMON_AT
            and (
                _PERSONAL_AFTER.match(text, end)
                or not text[end:].strip(" .!x\n")
                # "Jason Fielding." or "Darren." said as a sentence of its own.
                or _SENTENCE_ENDS.match(text, surname.end() if surname else end)
            )
        )
        if at_sentence_start and not (surname or alone_at_end or described):
            continue
        if (
            word in _NOT_NAME_WORDS
            or _PUBLIC_BEFORE.search(text, max(0, start - 20), start)
            or _PLACE_AFTER.match(text, end)
            or (_INSIDE.search(text, max(0, start - 10), start) and _SHOP_AFTER.match(text, end))
        ):
            continue
        if surname and surname.group(1) not in _NOT_NAME_WORDS:
            end = surname.end()
        # Whose name: someone the question is about. A person named near a word for a person
        # ("my kids are Maisie, Alfie and Rosie", "a lady who comes in, Jolene"), with their
        # age or date of birth after it, or signing off; not "I watched Jess Phillips".
        if not (
            _PERSON_BEFORE.search(text, max(sentence, start - 60), start)
            or _PERSONAL_AFTER.match(text, end)
            or (at_sentence_start and not text[end:].strip(" .!x\n"))
            or described
        ):
            continue
        found.append(Finding("name", start, end, text[start:end]))
    return found


def _is_first_name(word: str, names: frozenset[str]) -> bool:
    """`word` (or, for a double name, its first part: "Maisie-Rae") is a known first name,
    with or without its accents ("Siobhán" as "siobhan")."""
    lower = word.lower()
    if lower in names or lower.split("-")[0] in names:
        return True
    if lower.isascii():
        return False
    plain = unicodedata.normalize("NFKD", lower).encode("ascii", "ignore").decode()
    return plain in names or plain.split("-")[0] in names


_PERSON_WORDS = (
    rf"{_RELATIONS}|man|woman|lady|gentleman|boy|girl|lad|lass|kid|kids|child|children|"
    r"baby|client|member|tenant|victim|resident|pupil|student|patient|user|mother|father|"
    r"mum|mom|dad|parents|son|sons|daughters|grandchildren|grandkids|family|bloke|guy|fella|"
    r"leader|owner|worker|carer|ex|called|named|calls\s+(?:him|her)self|he|she|him|them|"
    r"one\s+of\s+them"
)
_PERSON_BEFORE = re.compile(
    rf"(?i:\b(?:{_PERSON_WORDS})s?\b)(?:[\s,:()'\u2019-]+[\w]+){{0,5}}?[\s,:('\u2019-]+$"
    # "Our Kayden got jumped": "our" before a first name is family.
    r"|\b[Oo]ur\s+$"
)
_SENTENCE_ENDS = re.compile(r"\s*[.!](?:\s|$)")
_SELF_DESCRIBED_AFTER = re.compile(r",\s*the\s+one\s+(?:who|whose|that)\b", re.IGNORECASE)
# "a lad in Nando's called me": a shop or restaurant named after someone, not a person
# ("in Sarah's car" is Sarah's).
_INSIDE = re.compile(r"\b(?:in|inside|outside|into)\s+$", re.IGNORECASE)
_SHOP_AFTER = re.compile(
    r"['\u2019]s\b(?!\s+(?:[a-z]+\s+)?(?:house|home|flat|room|bedroom|car|place|garden|van))"
)
_PERSONAL_AFTER = re.compile(
    r"(?i:\s*(?:,|\()\s*(?:\d{1,3}\b|aged?\b|dob\b|d\.o\.b|born\b|who\b|my\b|his\b|"
    r"her\b|our\b|the\s+(?:man|woman|lad)|from\s+(?:number|no|flat)\b)"
    r"|\s+who\s+(?:lives|lived|is|was|has|had|works)\b"
    r"|\s+(?:is\s+(?:his|her|my|their)\s+name|my\s+(?:ex|husband|wife|partner|son|"
    r"daughter|brother|sister|mum|dad)|(?:keeps|hit|hits|took|threatened|"
    r"called|calls|sent|texted|messaged|lives|pushed|attacked|beat|beats)\b))"
)


_SURNAME_AFTER = re.compile(
    rf"\s+((?:Mc|Mac|O['\u2019])?[{_UPPER}][{_SMALL}]+(?:-[{_UPPER}{_SMALL}][{_SMALL}]+)?|[A-Z]{{2,}})"
    r"(?![\w-])"
)


_RELATION_OWNERS = ("my", "our", "his", "her", "their")
# Each cue's pattern, and words (in lower case) one of which it cannot match without: a
# question without any of them is not searched for it (most questions name nobody).
_CUES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_NAME_AFTER_CUE, ("name", "call", "known")),
    (_NAME_AFTER_GREETING, ("hi", "hello", "hey", "morning", "evening", "afternoon")),
    (_NAME_AFTER_I_AM, ("i",)),
    (_NAME_SIGNING_OFF, ("thank", "cheers", "regards", "wishes", "love", "yours", "care")),
    (_NAME_AFTER_RELATION_CALLED, ("called", "named", "known")),
    (_NAME_AFTER_CALLED, ("called", "named", "known", "goes by")),
    (_NAME_AFTER_RELATION, _RELATION_OWNERS),
    (_FULL_NAME_AFTER_RELATION_IS, _RELATION_OWNERS),
    (_LOWER_NAME_AFTER_RELATION, _RELATION_OWNERS),
    (_NAME_OF_WHO_DID_IT, ("who", "that")),
    (_NAME_AFTER_TITLE, ("mr", "ms", "miss", "mx")),
    (_NAME_AFTER_RELATION_IS, _RELATION_OWNERS),
    (_NAME_AFTER_ROLE, ()),
    (_LOWER_NAME_AFTER_I_AM, ("i",)),
    (_NAME_AFTER_LABEL, ("name",)),
    (_NAME_AFTER_RANK, ("pc", "dc", "ps", "ds", "di", "sgt", "rev")),
    (_NAME_CALLED_BY_OTHERS, ("call", "short")),
    (_NAME_AFTER_IT_IS, ("it", "this is")),
    (_NAME_IN_APPOSITION, (",",)),
    (_NAME_BEFORE_RELATION, ("'s", "\u2019s")),
    (_LOWER_FIRST_NAME_AFTER_RELATION, _RELATION_OWNERS),
    (_NAME_THEN_RELATION, _RELATION_OWNERS),
    (_NAME_SAID_AS_WHO, ("name", "he", "she", "the", "my", "our", "his", "her", "one")),
)
# Cues that a law or a place named after someone can follow too.
_LOOSE_CUES = frozenset(
    (
        _NAME_AFTER_CALLED,
        _NAME_CALLED_BY_OTHERS,
        _NAME_SAID_AS_WHO,
        _NAME_AFTER_IT_IS,
        _NAME_IN_APPOSITION,
    )
)
_CUES_FOUND_BY = tuple(
    (pattern, re.compile("|".join(map(re.escape, words))) if words else None)
    for pattern, words in _CUES
)


def private_names(text: str, beside: list[Finding]) -> list[Finding]:
    """Names after a cue, and full names right beside one of the findings in `beside`."""
    found = []
    lowered = text.lower()
    for pattern, words in _CUES_FOUND_BY:
        if words and not words.search(lowered):
            continue
        for m in pattern.finditer(text):
            group = next(
                (g for g in ("here", "short", "said") if g in pattern.groupindex and m.group(g)),
                "name",
            )
            name = _trimmed(m.group(group))
            if _needs_rare_words(pattern, m, group) and not _rare_words(name):
                continue
            if not _cue_holds(pattern, m, name):
                continue
            if pattern in _LOOSE_CUES and _PLACE_AFTER.match(text, m.start(group) + len(name)):
                continue  # "Clare's Law", "Sarah Road": named after someone
            if pattern is _NAME_AFTER_RELATION_IS and m.group("more"):
                for other in re.finditer(_CAPITALISED, m.group("more")):
                    if _is_name(other.group(0)):
                        start = m.start("more") + other.start()
                        found.append(
                            Finding("name", start, start + len(other.group(0)), other.group(0))
                        )
            # "I'm British": after "I'm", a word shaped like a nationality is one.
            if _is_name(name) and not (pattern is _NAME_AFTER_I_AM and _is_nationality(name)):
                # A title goes with the name: "[name removed]", not "Mr [name removed]".
                start = (
                    m.start()
                    if pattern in (_NAME_AFTER_TITLE, _NAME_AFTER_RANK)
                    else m.start(group)
                )
                end = m.start(group) + len(name)
                found.append(Finding("name", start, end, text[start:end]))
    found += _known_first_names(text, beside)
    edges = {f.start for f in beside} | {f.end for f in beside}
    for m in _FULL_NAME_ONLY.finditer(text):
        name = m.group("name")
        inside = any(f.start < m.end() and m.start() < f.end for f in beside)
        if inside or any(word in _NOT_NAME_WORDS for word in name.split()):
            continue
        after = _BESIDE.match(text, m.end())
        before = [
            e
            for e in edges
            if m.start() - _BESIDE_AT_MOST <= e <= m.start()
            and _BESIDE.fullmatch(text, e, m.start())
        ]
        if (after and after.end() in edges) or before or _in_a_sentence_with(text, m, beside):
            found.append(Finding("name", m.start(), m.end(), name))
    return found + _said_again(text, found)


def _said_again(text: str, found: list[Finding]) -> list[Finding]:
    """A name found once, wherever else the question says it ("It's Fiona. Fiona McAllister."),
    with a surname after it there."""
    words = {
        word
        for f in found
        for word in re.findall(_CAPITALISED, f.text)
        if len(word) > 2 and word not in _NOT_NAME_WORDS and word.lower() not in NOT_NAMES
    }
    again = []
    for word in words:
        for m in re.finditer(rf"(?<![\w'\u2019-]){re.escape(word)}(?![\w-])", text):
            if any(f.start <= m.start() < f.end for f in found):
                continue
            surname = _SURNAME_AFTER.match(text, m.end())
            end = surname.end() if surname and surname.group(1) not in _NOT_NAME_WORDS else m.end()
            again.append(Finding("name", m.start(), end, text[m.start() : end]))
    return again


def _in_a_sentence_with(text: str, name: re.Match[str], beside: list[Finding]) -> bool:
    """A full name inside its sentence (not its first words: "Victim Support said...") that
    also gives someone's address, number, email or car: "The lad is Liam Grant and he's at 3
    Mill Lane". Whoever is named beside a private detail is more likely private than not."""
    start = max(text.rfind(mark, 0, name.start()) for mark in ".?!\n") + 1
    if not text[start : name.start()].strip():
        return False
    ends = [i for mark in ".?!\n" if (i := text.find(mark, name.end())) != -1]
    end = min(ends, default=len(text))
    return any(start <= f.start and f.end <= end and f.kind in _DETAILS_NAMED for f in beside)


_DETAILS_NAMED = frozenset(("address", "phone", "email", "vehicle", "address_and_postcode"))
