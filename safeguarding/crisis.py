"""Does a question say someone is in danger now, or at risk of suicide or self-harm?

Runs on every question before it is stored, so it is plain text work: no network, nothing
loaded per call (the word lists and the learned layer's model are read once per process), and
no model unless the learned layer (safeguarding.crisis_scorer) is switched on beside the rules
(SAFEGUARDING_LEARNED_SCORER, on by default; it adds flags, and may overrule any flag but a
staff phrase marked always urgent when it is confident the question is not a crisis). A
question is normalised into a canonical string of words (case, punctuation, missing
apostrophes, contractions, text-speak, l33t, repeated letters, and misspellings: a token that
is not an English word is read as the rule word one edit from it, safeguarding.spelling; an
English word is never corrected, so "calling" stays "calling"), then searched with
precompiled patterns:

- danger now: someone threatening to kill or hurt someone (who + threat verb + whom, also
  with a condition: "if i leave he will..."), violence in progress ("is hitting me", "being
  hit"), someone outside, inside or minutes away, weapons, being locked in, held or blocked
  in, being followed, "in danger", "fear for my life";
- suicide and self-harm: our own lexicon of the kinds of content the Samaritans' "Managing
  self-harm and suicide content online" guidelines (2020) and the NSPA's "Responding to
  suicidal content online" guide for moderators (2016) treat as a sign of risk (direct
  statements of intent, plans and means, overdoses, cutting, saying goodbye, feeling a
  burden, hopelessness, giving things away), with informational uses ("suicide
  prevention", "assisted suicide", "died by suicide") left out.

Historic accounts ("he used to threaten to kill me", "years ago", "last summer"), stories and
what-ifs ("in the drama", "hypothetically") do not trip it unless the question also says
something is happening now. A false alarm costs the asker a help box and
the moderators an "Urgent" tag; a miss can cost a life, so the rules lean towards flagging.
docs/safeguarding.md has the measured figures and what it cannot catch.
"""

import enum
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from safeguarding import crisis_scorer, spelling

DANGER_NOW = "danger_now"
SELF_HARM = "self_harm"
STAFF_PHRASE = "staff_phrase"
LEARNED = "learned"  # the learned scorer (safeguarding.crisis_scorer), beside the rules


@dataclass(frozen=True)
class CrisisMatch:
    kind: str  # DANGER_NOW, SELF_HARM, STAFF_PHRASE or LEARNED
    rule: str  # which rule or staff phrase matched, for tests and the evaluation


# Whole-token rewrites, after lower-casing and deleting apostrophes (so "he's", "hes" and
# "he s" all arrive as "hes"): contractions, text-speak and misspellings too short for
# fuzzy matching to be safe.
TOKEN_REWRITES = {
    # contractions without their apostrophe
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "theyve": "they have",
    "theyll": "they will",
    "theyd": "they would",
    "youre": "you are",
    "hed": "he would",
    "hell": "he will",
    "shell": "she will",
    "its": "it is",
    "theres": "there is",
    "thats": "that is",
    "whats": "what is",
    "tonights": "tonight is",
    "todays": "today is",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "havent": "have not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "aint": "is not",
    # text-speak
    "gonna": "going to",
    "gona": "going to",
    "gunna": "going to",
    "goin": "going",
    "gon": "going to",
    "finna": "going to",
    "ima": "i am going to",
    "imma": "i am going to",
    "wanna": "want to",
    "wana": "want to",
    "wnat": "want",
    "wnt": "want",
    "watn": "want",
    "gotta": "got to",
    "hez": "he is",
    "shez": "she is",
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "w": "with",
    "b": "be",
    "2": "to",
    "too": "to",
    "4": "for",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "rn": "right now",
    "atm": "at the moment",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "some1": "someone",
    "sum1": "someone",
    "any1": "anyone",
    "no1": "no one",
    "noone": "no one",
    "m8": "mate",
    "m8s": "mates",
    "thru": "through",
    "wat": "what",
    "wen": "when",
    "fone": "phone",
    "hav": "have",
    "cos": "because",
    "bc": "because",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "bout": "about",
    "abt": "about",
    "dnt": "do not",
    "cnt": "can not",
    "coz": "because",
    "cuz": "because",
    "kms": "kill myself",
    "kmsl": "kill myself",
    "kys": "kill yourself",
    "od": "overdose",
    "ods": "overdose",
    "oded": "overdosed",
    "sh": "self harm",
    "shd": "self harmed",
    "shing": "self harming",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "unalive": "kill",
    "unaliving": "killing",
    "mysef": "myself",
    "myslef": "myself",
    "mysel": "myself",
    "meself": "myself",
    "kil": "kill",
    "kll": "kill",
    "klil": "kill",
    "murda": "murder",
    "knifes": "knives",
    "hurtin": "hurting",
    "dy": "die",
    "ded": "dead",
    "nite": "night",
    "wiv": "with",
}

# Digits and symbols used as letters inside a word ("k1ll", "mys3lf", "$uicide").
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)

# The longer words the rules depend on: a token that is not an English word, has no English
# word one edit away, and is two edits from one of these, is read as it ("antidepresents").
FUZZY_TARGETS = (
    "suicide",
    "suicidal",
    "myself",
    "himself",
    "herself",
    "themselves",
    "overdose",
    "overdosed",
    "overdosing",
    "danger",
    "threatening",
    "threatened",
    "threaten",
    "strangling",
    "strangled",
    "murder",
    "kidnapped",
    "paracetamol",
    "attacking",
    "following",
    "followed",
    "killing",
    "hitting",
    "hurting",
    "beating",
    "stabbing",
    "knives",
    "tablets",
    "antidepressants",
    "pills",
)

# Letters of any alphabet, digits, and the symbols l33t uses as letters: "smörgåsbord" is one
# word (cut at the "ö" it read as "sm rg sbord", and "sbord" as "sword").
_WORD = re.compile(r"(?:[^\W_]|[@$])+")


def _squeeze(word: str) -> str:
    """The word with every run of one letter cut to one ("killl" and "kil" both give "kil")."""
    return re.sub(r"(.)\1+", r"\1", word)


# Pattern building blocks (on the normalised text: lower case, single spaces, no punctuation).
_W = r"(?:\w+ )"  # any one word and its space
_RELATION = (
    r"(?:mum|mom|mother|mam|dad|father|stepdad|stepmum|step dad|step mum|brother|sister|son|"
    r"daughter|baby|babies|kids|kid|children|child|boy|girl|friend|mate|mates|partner|husband|"
    r"wife|boyfriend|girlfriend|ex|gran|grandma|granny|nan|nana|grandad|grandpa|uncle|aunt|"
    r"auntie|cousin|neighbour|neighbours|family|sibling|siblings|niece|nephew|carer|flatmate|"
    r"pregnant girlfriend|little one|little ones|dog)"
)
_PERSON = (
    rf"(?:me|us|her|him|them|you|everyone|everybody|someone|somebody|"
    rf"(?:my|our|his|her|the|their|a|an) (?:\w+ )?{_RELATION}|{_RELATION}|"
    rf"(?:a|the|this|some) (?:\w+ )?(?:woman|man|girl|boy|lad|person|lady|guy|bloke|child|kid))\b"
)
# A threat to a part of someone ("break my legs", "smash her face in") is a threat to them.
_BODY = (
    r"(?:my|our|her|his|their|your) (?:legs?|arms?|face|head|neck|jaw|teeth|nose|fingers?|"
    r"hands?|knees?|kneecaps?|skull|throat|back|ribs)\b"
)
_THREATENER = (
    rf"(?:he|she|they|someone|somebody|people|men|lads|guys|gang|(?:\w+ )?{_RELATION}s?|"
    rf"abuser|attacker|stalker|man|woman|bloke|guy|him|her|them)"
)
_HARM_VERB = (
    r"(?:kill|hurt|murder|stab|shoot|attack|beat|batter|strangle|choke|rape|harm|slit|smash|end|"
    r"punch|hit|kick|burn|finish|torture|knife|slash|break|do|glass|lamp|deck|throttle|slap)"
)
# Threats whose verb wraps round the victim: "put me in hospital", "knock her out".
_HARM_AROUND = (
    rf"(?:put {_PERSON} in (?:hospital|the ground|a wheelchair|a box)|knock {_PERSON} out|"
    rf"run {_PERSON} (?:over|down))"
)
_VIOLENCE_ING = (
    r"(?:hitting|beating|punching|kicking|hurting|attacking|strangling|choking|stabbing|"
    r"raping|assaulting|battering|slapping|killing|holding|forcing|dragging|throttling|"
    r"threatening|chasing|following|stalking|smothering|suffocating|biting|headbutting|"
    r"pushing|shoving|burning|touching)"
)
_VIOLENCE_DONE = (
    r"(?:hit|beaten|beat|punched|kicked|hurt|attacked|strangled|choked|stabbed|raped|"
    r"assaulted|battered|slapped|shot|threatened|chased|followed|stalked|held|kidnapped|"
    r"abducted|grabbed|pushed|thrown|threw|dragged|throttled|bitten|headbutted|glassed|"
    r"mugged|robbed|cornered|trapped|knocked)"
)
_WEAPON_WORDS = (
    r"(?:knife|knives|gun|guns|machete|machetes|blade|hammer|hammers|bat|bats|baseball bat|"
    r"baseball bats|weapon|weapons|bottles|crowbars|axes|swords|poles|"
    r"axe|crowbar|shotgun|pistol|rifle|screwdriver|broken bottle|bottle|acid|taser|"
    r"sword|cleaver|scissors|iron bar|pole)"
)
_WEAPON = rf"{_WEAPON_WORDS}\b"
# "knife crime", "a gun licence": the weapon is the topic, not in anybody's hand.
_NOT_A_WEAPON_TOPIC = (
    r"(?! crime| crimes| licence| license| licences| amnesty| amnesties| law| laws| offence| "
    r"offences| sentence| sentences| conviction| convictions| crime| violence| attack)"
)
_PLACE = (
    r"(?:door|front door|back door|house|flat|home|window|windows|garden|work|school|room|"
    r"bedroom|letterbox|loft|street|road|gate|building|car|place|office|shop|station|stairs|"
    r"hallway|corridor|bathroom|kitchen)\b"
)
_SELF = r"(?:myself|herself|himself|themselves|themself|ourselves)\b"
_SELF_HARM_VERB = (
    r"(?:kill|killed|killing|hurt|hurting|harm|harmed|harming|cut|cutting|burn|burned|burnt|"
    r"burning|hang|hanged|hanging|drown|drowning|starve|starving|stab|stabbing|stabbed|"
    r"poison|poisoned|poisoning|shoot|shooting|suffocate|suffocating|end|ending|strangle|"
    r"strangling|punish|punishing|scratch|scratching)"
)
_MEANS = (
    r"(?:pills|tablets|meds|medication|medicine|paracetamol|ibuprofen|aspirin|"
    r"antidepressants|sleeping pills|painkillers|insulin|co codamol|codeine|them)"
)
_INTENT = (
    r"(?:want to|wants to|wanted to|going to|about to|planning to|plan to|ready to|trying to|"
    r"tried to|try to|thinking about|thinking of|think about|thought about|feel like|"
    r"feeling like|will|would|should|gonna|need to|needs to|decided to|wish i could|"
    r"might|could|may|just)"
)

DANGER_RULES: tuple[tuple[str, str], ...] = (
    # who + threat/violence verb + whom, said as intent or threat
    (
        "threat_to_harm",
        rf"(?:{_INTENT}|threaten\w* to|threatening to|threatened to|said .{{0,30}}?(?:will|would)|"
        rf"coming (?:{_W}{{0,2}})?to|says? (?:he|she|they) (?:will|would)) "
        rf"(?:{_W}{{0,2}})?(?:{_HARM_VERB}(?: up| in)? (?:{_PERSON}|{_BODY}|the (?:house|flat|"
        rf"place))|{_HARM_AROUND})",
    ),
    # a threat with a condition: "if i leave him he will use it on me", "if i do not pay them
    # by tonight they will break my legs"
    (
        "conditional_threat",
        rf"if (?:i|we|you|she|he|my \w+) (?:{_W}{{0,10}})?{_THREATENER} (?:will|would|are going "
        rf"to|is going to|going to) (?:{_W}{{0,2}})?(?:{_HARM_VERB}(?: up| in)? (?:{_PERSON}|"
        rf"{_BODY})|{_HARM_AROUND}|use (?:it|that|this|them|the \w+|a \w+|his \w+|her \w+) "
        rf"on)",
    ),
    # "she is sending her brothers round to sort me out", "he will teach her a lesson"
    (
        "sort_me_out",
        rf"(?:{_THREATENER} (?:is |are )?(?:going to|will|would|coming to)|round to|over to|"
        rf"threaten\w* to) (?:{_W}{{0,5}})?(?:sort|deal with|teach) {_PERSON}"
        rf"(?: out(?! with| for| a | an | some)| a lesson)|"
        rf"(?:smash|kick|cave|bash) (?:{_PERSON}|{_BODY}) in\b|"
        rf"use (?:it|that|the \w+|a \w+|his \w+|her \w+) on (?:me|us|her|him|my \w+)",
    ),
    (
        "coming_to_get",
        rf"(?:{_INTENT}|threaten\w* to|coming to|says? (?:he|she|they) (?:will|would)|"
        rf"are going to) "
        rf"(?:(?:go for|get|grab|snatch) {_PERSON}(?! from| to| a | some| back| ready| "
        rf"home| in | out| on | off| at )|drag {_PERSON})",
    ),
    ("threat_of_fire", r"(?:set fire|burn (?:the|my|our) (?:house|flat|home|place))|petrol"),
    (
        "threatened_to",
        rf"threaten\w* (?:{_W}{{0,8}})?(?:{_HARM_VERB}|sort|get|deal with|teach) "
        rf"(?:{_W}{{0,1}})?(?:{_PERSON})",
    ),
    ("never_see_alive", r"never see (?:them|him|her|you|me|us|my \w+) alive"),
    # a threat quoted as sent: "ur dead when i find u", "youre dead meat"
    (
        "you_are_dead",
        r"(?:you are|your|you re|she is|he is|you will be) (?:so |fucking |proper )?dead"
        r"(?: meat| man| woman)?(?: when| if| once| after| tonight| $)",
    ),
    ("until_kills", r"until (?:he|she|they) (?:kills|kill|hurts|hurt) (?:me|us|her|him)"),
    (
        "finishes_me",
        r"(?:finish|finishes|finishing) (?:me|us|her|him) (?:off|tonight)|night (?:he|she|"
        r"they) (?:finishes|kills)",
    ),
    # violence in progress
    (
        "violence_in_progress",
        rf"(?:is|are|am|was|were|keeps|keep|kept|still|now|started|starting|and|be|will not stop|"
        rf"would not stop|not stopping) "
        rf"(?:{_W}{{0,4}})?{_VIOLENCE_ING}(?: up)? {_PERSON}",
    ),
    (
        "violence_to_me",
        rf"(?<!stop )(?<!about )(?<!of )(?<!for ){_VIOLENCE_ING}(?: up)? (?:me|us)\b",
    ),
    (
        "violence_just_done",
        rf"(?:just|has|have|{_THREATENER}) (?:{_W}{{0,2}})?{_VIOLENCE_DONE}(?: up)? (?:{_PERSON})"
        # "...hit me years ago, he is now with someone new" is not "hit me ... now"
        rf"(?: (?:(?!ago )\w+ ){{0,6}})? ?(?:just|now|tonight|today|an hour ago|minutes ago|"
        rf"right now)(?!\w)",
    ),
    ("just_violence", rf"just (?:{_W}{{0,1}})?{_VIOLENCE_DONE} (?:{_PERSON})"),
    (
        "being_harmed",
        rf"(?:being|been|got|getting|get|gets) (?:{_W}{{0,1}})?"
        rf"(?:hit|beaten|beat|punched|kicked|hurt|attacked|strangled|choked|stabbed|raped|"
        rf"sexually assaulted|assaulted|battered|shot|threatened|chased|followed|stalked|held|"
        rf"kidnapped|abducted|attacked|dragged|forced|touched|groped|slapped|smacked|jumped|"
        rf"mugged|glassed|bottled|robbed|surrounded|cornered|pinned|pinned down|held down)|"
        rf"being (?:killed|murdered|strangled|suffocated|drowned)",
    ),
    (
        "damage_in_progress",
        rf"(?:is|are|s|and|now|keeps|keep|still) (?:{_W}{{0,2}})?(?:kicking|punching|banging|"
        rf"smashing|hammering|"
        rf"stabbing|breaking|bashing|throwing) (?:on |in |down |through )?"
        rf"(?:(?:the|my|our|his|her|their) (?:{_W}{{0,2}})?)?"
        rf"(?:door|doors|window|windows|walls|wall|things|stuff|place|house|flat|furniture|car)",
    ),
    (
        "door_broken_down",
        r"(?:broke|broken|breaking|kicked|kicking|smashed|smashing|bashed|bashing) (?:the|my|our) "
        r"(?:front |back |bedroom |bathroom )?door (?:down|in)\b|"
        r"(?:just|is|are|has|have|keeps) (?:\w+ )?(?:knocked|knocking|banged|banging|hammering) "
        r"on (?:my|our) (?:front |back )?(?:door|window)|"
        r"(?:no one|nobody|noone) (?:will|would|can|could) (?:ever )?(?:hear|find|help|save) "
        r"(?:me|us|her|him|you)\b",
    ),
    (
        "pinned_against",
        r"(?:pinned|pinning|pins|held|holding|pushed|pushing|shoved|shoving) (?:me|us|her|him|"
        r"my \w+) (?:up )?(?:against|to|down on|onto) (?:the|a) (?:wall|floor|bed|door|ground|"
        r"car|sofa)",
    ),
    (
        "kicking_off",
        rf"(?:he|she|they) (?:is|are) (?:{_W}{{0,1}})?(?:kicking off|smashing|going mad|"
        rf"going crazy|going mental|going nuts|flipping out|raging|losing it|"
        rf"started on (?:me|us|her|him|them|my \w+))",
    ),
    (
        "thrown_at",
        rf"(?:threw|throwing|throws|thrown|chucked|chucking|hurled|hurling) (?:{_W}{{0,5}})?"
        rf"(?:at|over) (?:me|us|her|him|my \w+)",
    ),
    (
        "knows_where_i_am",
        r"(?:he|she|they) (?:knows|know|has found out|have found out|found out|has found|"
        r"have found) where (?:i|we) (?:am|are|live|am staying|are staying)|"
        r"(?:he|she|they) (?:is|are) coming(?: for| after| round| over| back| here| to get|"
        r" to find| and| now| tonight| $)",
    ),
    (
        "i_am_next",
        r"(?:says|said|saying|told me|tells me|shouting) (?:that )?(?:i am|we are|you are|"
        r"she is|he is|my \w+ is) next|(?:put|putting|punched|smashed|kicked) (?:his|her|their|"
        r"a) (?:fist|foot|head|hand) through",
    ),
    # someone is here, outside, inside, coming
    (
        "someone_is_here",
        rf"{_THREATENER} (?:is|are|s) (?:{_W}{{0,3}})?(?:here|outside|inside|downstairs|upstairs|"
        rf"nearby|in the (?:house|flat|garden|loft|room)|in my|in our|at (?:my|the|our) "
        rf"(?:back |front )?{_PLACE}|on (?:his|her|their) way)",
    ),
    (
        "waiting_outside",
        r"(?:waiting|standing|banging|knocking|shouting|hiding|watching|lurking|parked|sat|"
        r"sitting|still|back|now|are|is) (?:for (?:me|us|her|him) )?(?:right )?outside",
    ),
    (
        "there_is_someone",
        rf"there (?:is|are) (?:someone|somebody|a man|men|people|"
        rf"a woman) (?:{_W}{{0,4}})?(?:in|at|outside) (?:my|our|the) ",
    ),
    (
        "someone_in_my_place",
        # not "people in my street laugh at me": someone in the street is not in the home
        rf"(?:someone|somebody|a man|men|people) (?:is |are )?in (?:my|our) "
        rf"(?!street\b|road\b|building\b|work\b|school\b|office\b|station\b|shop\b){_PLACE}|"
        rf"(?:someone|somebody|men|people|lads|boys|guys|gang|strangers|they|he|she) "
        rf"(?:{_W}{{0,3}})?(?:have|has|are|is) (?:come|got|forced (?:their|his|her) way|"
        rf"pushed (?:their|his|her) way) (?:in|into) (?:my|our) {_PLACE}",
    ),
    (
        "at_my_door",
        rf"(?:is|are|s) (?:{_W}{{0,5}})?at (?:my|the|our) (?:back |front )?(?:door|window)",
    ),
    (
        "turned_up",
        r"(?:just|has|have|s) (?:turned up|turn up|shown up|showed up|arrived|found me|"
        r"found where i live)|(?:turned up|turns up|shown up|showed up|came round|come round) "
        r"(?:\w+ ){0,3}?(?:saying|shouting|screaming|banging|kicking|threatening|demanding|"
        r"raging|drunk|with a)\b",
    ),
    (
        "coming_for_me",
        rf"(?:coming|came) (?:for|after|to get|to find) (?:{_PERSON})|(?:is|are) after (?:me|"
        rf"us)|coming up the stairs|looking for me|on (?:his|her|their) way (?:here|round|over|"
        # "hes 2 mins away" arrives as "he is to mins away"
        rf"back)|{_THREATENER} (?:is|are|s) (?:only |just |about |nearly |like )?(?:\d+|to|for|"
        rf"a few|two|five|ten|twenty) (?:mins?|minutes|seconds|secs|miles) away",
    ),
    (
        "break_in",
        r"(?:broke|breaking|break|broken|breakin) in(?! to)(?:to (?:my|our) (?:house|flat|"
        r"home))?\b(?! \w+ ago)",
    ),
    (
        "watching_the_house",
        rf"(?:watching|staring at|staring|circling) (?:{_W}{{0,1}})?(?:the|my|our) (?:house|"
        rf"flat|home|window|windows|door)",
    ),
    # weapons
    (
        "weapon",
        rf"(?:has|have|got|holding|with|pulled|pulls|waving|carrying|put|pointing|points|"
        rf"brandishing|grabbed|is armed|armed with) (?:a |an |his |her |their |some |\d+ |"
        rf"two |three )?(?:big |kitchen |large |huge )?{_WEAPON}{_NOT_A_WEAPON_TOPIC}",
    ),
    (
        "picture_of_a_weapon",
        rf"(?:picture|pictures|photo|photos|pic|pics|video|snap) of (?:a |an |his |the )?"
        rf"{_WEAPON}",
    ),
    # "he sent me a photo of my house": showing that they know where you are
    (
        "photo_of_my_home",
        # "hes just sent" arrives as "he is just sent"
        rf"(?:{_THREATENER}|has|have) (?:{_W}{{0,2}})?(?:sent|sends|posted|texted|messaged|put) "
        rf"(?:me |us |her |him |them )?(?:a |some )?(?:photo|photos|picture|pictures|pic|pics|"
        rf"video) of (?:my|our|her|his|their) (?:{_W}{{0,1}})?(?:house|flat|home|door|"
        rf"front door|car|street|window|kids|children|school|work)\b",
    ),
    ("weapon_to_me", rf"{_WEAPON} (?:to|at|against|on) (?:my|me|her|him|us)"),
    # locked in, held, trapped, hiding
    (
        "locked_in",
        rf"(?:locked|locking|locks|lock) (?:{_PERSON} |myself |ourselves )?in\b(?! to)|(?:he|"
        rf"she|they) (?:has |"
        rf"have |is |are )?"
        r"(?:locked|trapped|barricaded)|barricaded|(?:will not|wont|would not|does not|do not|"
        r"did not|never) let "
        r"(?:me|us|her|him|them|my \w+) (?:leave|out|go|escape|get out|go out)|"
        rf"(?:keeping|keep|keeps|kept|holding) {_PERSON} (?:locked )?(?:in|inside) "
        rf"(?:a|the|my|his|her|their|this) {_PLACE}",
    ),
    # someone stands between them and the way out
    (
        "blocked_in",
        rf"(?:blocking|blocked|blocks) (?:the|my|our|her|his) (?:{_W}{{0,1}})?(?:door|doorway|"
        rf"exit|way out|stairs)|(?:stood|standing|sat|sitting) (?:in|across) (?:the|my) "
        rf"doorway|(?:can not|could not|not allowed to|am not able to) (?:get|go) out (?:of )?"
        rf"(?:my|the|our|this|his|her) {_PLACE}",
    ),
    (
        "i_am_held",
        rf"i am (?:{_W}{{0,1}})?(?:trapped|being held|held|stuck in|hiding|locked in|"
        rf"not allowed out|kidnapped)",
    ),
    (
        "taken_my_phone",
        r"(?:has|have|is|he|she|they) (?:taken|took|smashed|broken|broke|hidden|"
        r"hid) my (?:phone|keys|car keys|passport)",
    ),
    ("kidnapped", r"kidnapped|abducted|held hostage|hostage"),
    (
        "near_my_place",
        rf"{_THREATENER} (?:is|are|s) (?:{_W}{{0,4}})?(?:at|on|near|by|outside|in|round|around) "
        rf"(?:the end of |the top of |the bottom of )?(?:my|our) {_PLACE}",
    ),
    (
        "behind_me",
        rf"(?:is|are|been|keeps|keep|walking|driving|following) (?:{_W}{{0,1}})?behind "
        rf"(?:me|us|my \w+)|run (?:{_PERSON}) (?:over|down)",
    ),
    (
        "comes_into_my_room",
        r"(?:coming|comes|came|come|getting|gets) (?:in|into) (?:my|her|his|our) (?:room|bedroom|"
        r"bed)|exposed (?:himself|herself|themselves)|flash(?:ed|ing) (?:me|her|my)",
    ),
    (
        "drunk_driving_with_us",
        r"(?:drunk|drinking|off his head|high) (?:\w+ ){0,14}?(?:driving|drive|behind the wheel)",
    ),
    (
        "he_is_back",
        r"^ (?:help |please |oh no |no )*(?:he|she|they) (?:is|are) (?:back|here|outside|coming)|"
        r"help (?:me )?(?:he|she|they) (?:is|are) (?:back|here|outside|coming|in)",
    ),
    (
        "getting_in",
        r"trying (?:to )?(?:get in|get into|get through|open the door|open my door|force|"
        r"break|climb (?:in|into|through|over|up))|"
        r"trying the (?:door|handle|door handle|windows?|back door)|"
        r"(?:surrounded|cornered) (?:me|us|my car|the car|the house|my house)",
    ),
    (
        "by_the_throat",
        r"by the (?:throat|neck|hair)|(?:hands?|arms?) (?:round|around|on|over) (?:my|her|his|"
        r"our) (?:neck|throat|mouth)",
    ),
    (
        "scared_of_what_comes",
        rf"(?:scared|afraid|terrified|frightened|petrified|worried) (?:{_W}{{0,2}})?(?:he|she|"
        rf"they) "
        rf"(?:is |are |will |would )?(?:coming|come|back|waiting|going to|find|get|turn up)|"
        rf"(?:scared|afraid|terrified|frightened|petrified) to go (?:back )?home|"
        rf"(?:he|she|they) (?:will|would|is going to|are going to) be waiting",
    ),
    # in danger, fear
    ("in_danger", r"\bin (?:immediate |real |serious |grave |great )?danger\b"),
    (
        "fear_for_life",
        r"(?:scared|afraid|fear|frightened|terrified|worried|fearing) for (?:my|our|her|his|"
        r"their) (?:life|lives|safety)",
    ),
    (
        "not_safe",
        rf"(?:i am|we are|i do not feel|i feel|she is|he is|they are|kids are|"
        rf"we re) (?:{_W}{{0,1}})?not safe\b",
    ),
    (
        "call_for_help_now",
        r"(?:help (?:me |us )?(?:now|quick|quickly|fast|asap)|send (?:someone|help|police|"
        r"the police)|call the police for me|need help now|need help right now|"
        r"(?:call|ring|phone) (?:999|the police|police) for (?:me|us)|"
        r"need to (?:get out|get away|escape|leave) (?:\w+ ){0,4}?(?:now|tonight|right now))",
    ),
    (
        "help_alone",
        r"^ (?:please |someone |somebody |help |me |us |now |right |quick |"
        r"anyone )*help(?: me| us| please| now| right now| someone| anyone| quick)* $",
    ),
    # The net under the rules above: a word of violence or fear anywhere in the question,
    # and anywhere a sign that it is happening now.
    (
        "violence_and_urgency",
        r"^(?=.*(?<!\w)(?:kill\w*|hit|hitting|hurt\w*|stab\w*|attack\w*|beat\w*|punch\w*|"
        r"kick\w*|strangl\w*|chok\w*|rape\w*|raping|threat\w*|knife|knives|guns?|weapons?|"
        r"blade|bleeding|bleed|blood|violent|abus\w*|assault\w*|smash\w*|batter\w*|slap\w*|"
        r"push\w*|"
        r"grab\w*|drag\w*|shout\w*|screaming|follow\w*|chas\w*|locked|trapped|danger|unsafe|"
        r"scared|terrified|frightened)(?!\w))"
        r"(?=.*(?<!\w)(?:right now|rn|tonight|at the moment|currently|just now|happening|again|"
        r"(?:is|are) still|"
        r"please help|help me|help please|hurry|is here|are here|outside|in the house|"
        r"downstairs|upstairs|next room|on (?:his|her|their) way|every (?:few |\d+ )?(?:mins|"
        r"minutes|seconds|secs))(?!\w))",
    ),
)

SELF_HARM_RULES: tuple[tuple[str, str], ...] = (
    ("harm_self", rf"{_SELF_HARM_VERB} (?:{_W}{{0,1}})?{_SELF}"),
    ("kill_yourself_told", r"(?:told|tell|telling|tells) me to kill (?:yourself|myself)"),
    ("suicidal", r"suicidal"),
    ("suicide", r"suicide"),
    (
        "crisis_word_alone",
        r"^ (?:i |am |me |feeling |feel |so |really )*(?:self harm\w*|cutting|overdos\w*) "
        r"(?:again |now |tonight |please |help |right now )*$",
    ),
    (
        "want_to_die",
        rf"(?:want|wanted|wants|wanting|going|ready|wish|wishing|prefer|rather|like|deserve|"
        rf"deserves) (?:{_W}{{0,2}})?to (?:just )?die\b",
    ),
    (
        "way_to_die",
        r"(?:way|ways|how) to (?:die|kill myself|end it|end my life)|(?:how many|"
        r"enough) (?:pills|tablets|paracetamol)",
    ),
    (
        "be_dead",
        r"(?:want to|wish i was|wish i were|better off|would be|rather be|just be|"
        rf"to be) (?:{_W}{{0,1}})?dead",
    ),
    (
        "better_off_without_me",
        r"better off without me|would (?:not |even )?miss me|(?:nobody|no one|noone) (?:would|"
        r"will) (?:even |really |ever |actually |probably )?(?:care|notice|miss|realise|realize|"
        r"clock)|i am a burden|burden to (?:everyone|everybody|my)",
    ),
    (
        "end_it",
        r"(?:end|ending|ended|finish) (?:it all|it|things|everything|my life|her life|"
        r"his life|their life|my own life|myself|my suffering|the suffering|my pain)"
        r"(?! with| off)\b",
    ),
    ("take_my_life", r"(?:take|taking|took) (?:my|her|his|their) (?:own )?life"),
    (
        "not_want_to_live",
        rf"(?:do not|does not|dont|not) (?:{_W}{{0,1}})?(?:want to|wanna|wish to) (?:be alive|"
        rf"live|exist|be here|wake up|go on|carry on|be around)"
        # not "go on the bus", "wake up to more letters", "live near him", "be around at 3"
        r"(?! (?:to|on|the|a|an|my|our|his|her|their|at|near|next|there|with him|with her)\b)",
    ),
    (
        "no_reason_to_live",
        rf"(?:no|nothing|not) (?:{_W}{{0,2}})?(?:reason|point|worth) (?:to live|in living|"
        rf"living|in life|going on|anymore|any more|in anything|carrying on)|"
        rf"i (?:just )?want out\b|"
        rf"i have had enough(?! of (?:the|this|that|my|his|her|their|waiting|court|police|him|"
        rf"them|people))|point (?:in|of) (?:living|life|going on|"
        rf"being alive|carrying on|being here)|(?:life|living) (?:is not|is no|isnt|not) worth|"
        rf"enough of (?:living|life|everything)|done with (?:life|living|everything|it all)|"
        rf"so done with life|done with life|"
        rf"(?:tired|sick|exhausted|weary) of (?:being alive|living|life|existing|being here)|"
        rf"had it with (?:life|living|everything|it all)",
    ),
    (
        "cannot_go_on",
        rf"can not (?:go on|carry on|do this|cope|take (?:it|this|any more|anymore)|"
        rf"keep going|live like this|live with (?:this|it))(?: {_W}{{0,3}})?(?: any ?more|"
        rf" no more)?|"
        rf"can not cope|"
        rf"(?:do not|not sure|doubt|do not know if|do not know whether) (?:{_W}{{0,2}})?i "
        rf"(?:can|could|will be able to) (?:go on|carry on|cope|keep going|keep living|"
        rf"live like this|do this any ?more|take (?:it|this|any ?more))"
        rf"(?! with| to | at | in | the | a | on )",
    ),
    (
        "stop_existing",
        r"(?:stop|not) exist(?:ing)?|stop (?:living|breathing)|"
        r"disappear (?:forever|for ever|for good)|(?:never|not) wake up|"
        r"(?:close|shut|closing|shutting) my eyes (?:\w+ ){0,4}?(?:never|not) (?:open|wake)|"
        r"never (?:open my eyes|wake up) again|"
        r"(?:planning|plan|going|want|wanting|ready|hoping|hope) (?:on |to )?(?:be|being) gone\b|"
        r"go to sleep forever|not (?:going to )?be (?:here|around|alive) (?:tomorrow|"
        r"much longer|for long|by)",
    ),
    (
        "no_future",
        r"(?:can not|do not|could not) see (?:a|any) (?:future|way forward|way through)|"
        r"no future (?:for me|left|ahead)|can not bear (?:it|this|living|life|being alive) "
        r"(?:any ?more|no more|much longer)|wish i (?:was|were|had) (?:never|not) (?:been )?"
        r"(?:born|here|alive)|wish i could (?:just )?(?:disappear|vanish|not exist|fade away)|"
        r"wish it would all (?:end|stop|be over)",
    ),
    (
        "thinking_about_dying",
        r"(?:thinking|think|thought|thoughts|dreaming|dream|obsessing) (?:about|of) "
        r"(?:dying|being dead|killing myself|ending it|ending my life|not being here|"
        r"not waking up|not existing)",
    ),
    (
        "overdose",
        r"(?:take|taking|took|taken|have|had|do|doing|going to|gonna|just|an|"
        r"to) (?:an )?overdos\w*|overdosing|overdosed|overdose (?:tonight|now)|(?:i|he|she|"
        r"they) (?:will |am going to )?overdose",
    ),
    (
        "take_them_all",
        rf"(?:take|took|taken|taking|swallow|swallowed|swallowing|down|downed|ate) "
        rf"(?:like |about |around |maybe |over )?(?:all|"
        rf"a load of|loads of|lots of|a lot of|too many|too much|to many|to much|the lot|"
        rf"a (?:whole )?(?:packet|box|bottle|pack|"
        rf"handful) of|a (?:whole |full )?(?:packet|box|bottle|pack|strip) of|"
        rf"the (?:whole |full )?(?:packet|box|bottle)|them all|every \w+ in the house|every|"
        rf"\d+|twenty|thirty|"
        rf"fifty) ?(?:of )?(?:my |the |her |his )?{_MEANS}?|{_MEANS} (?:ready|saved|stockpiled|"
        rf"in front of me|lined up|counted out|laid out)|stockpil\w+|"
        rf"{_MEANS} (?:all )?(?:ready|saved|lined up|counted out|laid out)",
    ),
    (
        "poison",
        r"(?:drank|drink|drinking|drunk|swallowed|swallow) (?:some )?(?:bleach|antifreeze|"
        r"poison|weedkiller)",
    ),
    (
        "cut_wrists",
        r"(?:cut|cutting|slit|slitting|slash|slashing) (?:my|her|his|their) (?:wrists?|arms?|"
        r"legs?|thighs?|skin|throat)",
    ),
    (
        "cutting",
        r"(?:i (?:have )?|^ |just )cut (?:myself )?(?:again|tonight|today|last night|this morning)|"
        r"(?:keep|keeps|kept|been|am|is|are|started|stop|want to|going to|need to|"
        rf"urge to) (?:{_W}{{0,1}})?(?:cutting|cut)(?! \w)|(?:want to|going to|need to|"
        r"urge to) cut $",
    ),
    (
        "self_harming",
        r"(?:i|want to|going to|am|is|are|been|keep|started|need to|"
        rf"urge to) (?:{_W}{{0,1}})?self harm(?:ing|ed)?\b",
    ),
    (
        "jump",
        r"(?:going to|want to|about to|will|ready to|gonna|to) jump(?: off| from| in)?|"
        r"(?:throw|throwing|threw|fling) (?:myself|herself|himself|themselves) (?:off|in front|"
        r"under|into|from|out of)|"
        r"jump off (?:a|the|this) |in front of (?:a|the) (?:train|bus|lorry|car|truck)|(?:on|"
        r"by|near) the (?:train |railway )?(?:tracks|track|railway line|rails)|(?:i am|"
        r"standing|sat|sitting) (?:on|at) the (?:edge|bridge|roof|cliff)",
    ),
    (
        "drown",
        r"(?:walk|walking|wade|wading|drive|driving|jump|jumping)(?: off| out)? (?:into|in to|"
        r"in) the (?:sea|river|canal|lake|water|reservoir)|drown myself",
    ),
    # means at hand that the guidance names: blades kept or hidden
    (
        "blades",
        r"(?:got|have|bought|buying|hidden|hide|hiding|stashed|keep|kept|keeping) (?:a |some |"
        r"my |the |new )?(?:(?:packet|pack|box) of )?(?:razor blades|razors|razor|blades)\b",
    ),
    ("rope", r"(?:got|have|bought|tied|made) (?:a |the )?(?:rope|noose|ligature)|noose|ligature"),
    (
        "last_night_alive",
        r"(?:will be|is|this is) my last (?:night|day|time|message|post|goodbye)"
        # not "my last day at work", "my last time in court"; "my last day on earth" is
        r"(?! (?:at|of|in|before|as|with|here at)\b| on (?!earth\b))|"
        r"last (?:night|day) (?:(?:that |you |i |she |he |they |will |would |ever |are |is |"
        r"am ){0,4})?(?:be )?(?:alive|on earth)|planned it (?:all|out)|"
        r"(?:all|everything) (?:is )?planned|"
        r"i am ready(?: now)?(?: to go)? $|"
        r"(?:writing|texting|typing|messaging|sat|standing|sitting|stood|here) (?:this |you )?"
        r"(?:from |on |at )the (?:bridge|roof|cliff|cliffs|edge|multi storey|top|tracks|railway)",
    ),
    (
        "not_getting_through",
        r"(?:not|never|can not|do not) (?:\w+ ){0,3}?(?:get|getting|make it|making it|last|"
        r"lasting|survive|surviving) (?:through )?(?:tonight|the night|the weekend|till morning)|"
        r"(?:will|would|still) be alive (?:tomorrow|in the morning|by)|done fighting|"
        r"(?:going to|gonna|want to|ready to) let go$|let go (?:of life|for good)|"
        r"hate (?:being alive|my life|my existence|living(?! in| with| at| near| here| there| "
        r"next))|"
        r"(?:looking up|looked up|searching|searched|googling|googled|researching) "
        r"(?:how|ways|the best way|the easiest way) to (?:do it|die|kill|end|overdose)|"
        r"(?:drive|driving|drove|crash|crashing|steer|steering) (?:my car |the car )?(?:off|into) "
        r"(?:the|a) (?:road|bridge|cliff|wall|tree|river|sea|lorry|oncoming)|"
        r"nothing (?:left )?(?:for me|to live for|in me)",
    ),
    (
        "cannot_keep_safe",
        r"(?:not|never|can not|could not|unable to) (?:\w+ ){0,4}?keep (?:myself|me|herself|"
        r"himself|themselves) safe",
    ),
    (
        "better_if_i_was_gone",
        r"(?:cares?|matter|notice) (?:if|whether) i (?:live|die|am dead|was dead|am gone|"
        r"was gone)|if i (?:was|were|am) (?:not here|not around|not alive|gone|dead|"
        r"no longer here|not in the picture)|(?:better|happier|easier) (?:off )?"
        r"(?:for everyone )?without me",
    ),
    (
        "giving_things_away",
        r"(?:cat|dog|pets?|things|stuff|belongings) (?:is |are )?going to (?:my|a|the) \w+|"
        r"just wanted (?:someone|somebody) to know $|"
        r"(?:given|giving|give|gave) (?:away )?(?:all )?(?:my|me|her|his|their) (?:things|stuff|"
        r"belongings|possessions|pets?|cat|dog)(?: away)?|will not need (?:them|it|anything|"
        r"my \w+) (?:any ?more|soon|after)|will not be needing (?:them|it|anything|my \w+)\b"
        r"(?! for| if| at| until| till)|(?:sorted|put) (?:all )?my affairs|"
        r"(?:sorted|sorting|decided|deciding|worked) (?:out )?who (?:gets|will get|should get|"
        r"can have|is having|will have) my (?:\w+ )?(?:dog|cat|pets?|things|stuff|belongings)",
    ),
    (
        "finally_do_it",
        rf"(?:decided|planned|worked out|know) (?:how|when|where) (?:i am|i will) "
        rf"(?:going to )?do it|finally (?:going to )?do it|(?:tonight|today) is the (?:night|day)|"
        rf"do something stupid|(?:crash|drive) (?:{_W}{{0,3}})?(?:on purpose|into (?:a|the) )|"
        rf"(?:hurt|cut|burn|hit|overdose) (?:\w+ ){{0,3}}on purpose",
    ),
    (
        "until_it_bleeds",
        r"(?:till|until|til) (?:they|it|i|my \w+) (?:bleeds?|bled|bleeding)|(?:will not|wont|"
        r"can not) stop (?:the )?bleeding|cut (?:too |really |so )?deep|cut deeper|"
        r"(?:scratching|scratch|scratched|burning|bruising|biting|picking|hitting|punching) "
        r"(?:at )?(?:my|her|his) (?:arms?|legs?|wrists?|skin|thighs?|face|head)|"
        r"(?:hitting|punching|slapping|burning|bruising) myself",
    ),
    (
        "no_way_out",
        r"(?:no|any|only) way out(?: except| but| other than| apart from| left)?"
        r"(?! of the| of this)|except (?:dying|death|killing myself)|never come back",
    ),
    (
        "note_for_family",
        r"(?:written|wrote|writing|left|leave|leaving) (?:a |my |some )?(?:note|notes|goodbye "
        r"letters?|last letter)s? (?:for|to) (?:my|the) (?:\w+ )?(?:kids|children|family|mum|"
        r"dad|partner|husband|wife|son|daughter|parents|friends|boyfriend|girlfriend)|"
        r"(?:written|wrote|writing|left|leaving) my (?:last |goodbye |final )?note\b(?! for| to)",
    ),
    (
        "goodbye",
        r"goodbye (?:letters?|notes?|everyone|all|world|forever)|suicide note|"
        r"(?:my )?last message|(?:texted|messaged|said|sent|text) (?:me |us |her |"
        r"him )?(?:goodbye|bye forever)|saying goodbye|this is goodbye|"
        r"(?:wanted|want) to say (?:goodbye|bye) (?:to )?(?:everyone|everybody|all|before)|"
        # goodbyes posted or a last "sorry for everything" sent, then silence
        r"(?:posting|posted|posts|sending|sent|texting|texted) (?:\w+ ){0,2}?goodbyes\b|"
        r"(?:texted|messaged|sent|text|said|posted|wrote) (?:me |us |her |him )?(?:saying )?"
        r"sorry for everything",
    ),
    (
        "it_to_stop",
        r"(?:want|need) (?:it|this|everything|the pain) (?:all )?to (?:stop|end|be over)|"
        r"want it (?:all )?over",
    ),
    # The net under the rules above: a word of death or means, and a word of despair.
    (
        "means_and_despair",
        r"^(?=.*(?<!\w)(?:die|dying|dead|death|suicid\w*|myself|overdos\w*|pills|tablets|"
        r"paracetamol|meds|cut|cutting|bleed\w*|end it|end my life|hang|rope|noose|jump|"
        r"bridge|razor|blade|train|gone)(?!\w))"
        r"(?=.*(?<!\w)(?:hopeless|worthless|no one cares|nobody cares|no point|pointless|"
        r"give up|giving up|gave up|(?:tired|sick) of (?:living|life|everything|it all|being "
        r"alive)|hate myself|hate my life|burden|empty inside|can not take it|can not do it "
        r"any ?more|had enough|done with|goodbye|want it over|can not cope|alone)(?!\w))",
    ),
)


def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Every rule starts at the start of a word ("is" must not match the end of "this").
    return tuple((name, re.compile(rf"(?<!\w)(?:{source})")) for name, source in rules)


DANGER_PATTERNS = _compiled(DANGER_RULES)
SELF_HARM_PATTERNS = _compiled(SELF_HARM_RULES)

# A past account ("he used to...", "years ago", "last summer"), a what-if ("in future",
# "hypothetically") or a story ("in the film", "writing a novel") is not danger now, unless
# the question also says something is happening now.
_HISTORIC = re.compile(
    r"(?<!\w)(?:used to|years ago|year ago|last (?:week|weekend|month|term|summer|spring|autumn|"
    r"winter|christmas|easter|monday|tuesday|wednesday|thursday|friday|saturday|sunday|time)|"
    # past markers beyond the calendar: "a few weeks ago", "a while back", "at the time"
    r"(?:\w+ )?(?:days|weeks|months|decades) (?:ago|back)|(?:a while|a long time|ages|a bit) "
    r"(?:ago|back)|the other (?:day|week)|at the time|back when|growing up|previously|"
    r"(?:my|our|a) (?:last|previous|old|former) (?:relationship|partner|boyfriend|girlfriend|"
    r"husband|wife|marriage)|when (?:i|we) (?:was|were|lived|was living|were living) "
    r"(?:with|together|married|in)|(?:since|after|before) (?:i|we) (?:left|moved|split|"
    r"separated|got away)|it (?:was|happened) (?:\w+ )?(?:ago|years|months|weeks)|"
    r"(?:in|during) (?:january|february|march|april|june|july|august|"
    r"september|october|november|december)\b|a scene (?:where|in which|with|when)|"
    r"as a joke|for a joke|jokingly|for a laugh|(?:doing|getting|feeling) (?:\w+ )?(?:well|"
    r"better|great|fine|ok|okay) now|(?:in a )?(?:much |far |lot )?better place now|"
    r"back in (?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|the day)|hypothetical\w*|in theory|"
    r"(?:writing|write|wrote) (?:a |my |our )?(?:novel|story|book|script|screenplay|essay|play)|"
    r"(?:in|on) (?:the|a|that|this) (?:\w+ )?(?:drama|film|movie|soap|series|episode|"
    r"documentary|podcast|novel|video game)|when i was (?:a |young|little|younger|small|at school|"
    r"a kid|a child|\d+)|"
    r"when we were (?:together|married|living)|in the past|back then|as a (?:child|kid|teenager)|"
    # "yesterday", and a weekday after a past verb ("threw a bottle at me on saturday",
    # "it was on tuesday"; not "he is coming round on saturday")
    r"yesterday|(?:was|were|happened|did|threw|thrown|pushed|hit|punched|kicked|spat|shoved|"
    r"grabbed|attacked|shouted|chased|followed) (?:\w+ ){0,8}?on "
    r"(?:a )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"historic|historical|last year|in (?:the )?future|next year|in (?:19|"
    r"20)\d\d|\d+ years|recovered|years back|anymore now)(?!\w)"
)
_NOW = re.compile(
    # Whole words only: "now" is not in "nowhere" or "know", "again" not in "against".
    r"(?<!\w)(?:right now|currently|as (?:we speak|i type|i write|i am typing|i am writing)|"
    r"this (?:minute|second)|any (?:minute|second)|tonight|at the moment|happening now|"
    r"here now|just now|minutes ago|an hour ago|"
    r"on (?:his|her|their) way|(?<!\w)(?:is|are|s) (?:\w+ )?(?:outside|here|inside|downstairs|"
    r"upstairs)|"
    r"(?<!it )(?<!up )(?<!report )(?<!still )(?<!them )(?<!him )(?<!this )(?<!that )"
    r"(?<!behind me )(?<!behind us )(?<!fine )(?<!better )(?<!great )(?<!okay )(?<!ok )"
    r"(?<!well )(?<!place )"
    r"\bnow\b(?! i am| that| she is| he is| they are)|every (?:few |\d+ )?(?:mins|minutes|"
    r"seconds|secs)|still (?:here|outside|there|doing|"
    r"happening)|again|today)(?!\w)"
)

# Not being around for something ahead, which a date beside it ("in June", "next year") must
# not turn into a past account or a what-if.
_NOT_AROUND = re.compile(
    r" (?:will not|am not going to|not going to|never going to|do not think i will) "
    r"(?:be (?:here|around|alive|there|at)|make it to|see|live to)\b"
)

# Figures of speech, hypotheticals and talk about a subject that share words with a crisis;
# cut out before the rules and the staff phrases are matched ("this queue is killing me",
# "when someone's life is in danger", "suicide prevention", "talk to children about
# self-harm").
_NOT_A_CRISIS = re.compile(
    r"(?<!\w)(?:cutting (?:back|down) on|(?:more|less) (?:common|likely) (?:in|among|for)|"
    r"(?:queue|wait|waiting|suspense|feet|back|head|legs|this|it|that|heat|job|work|stress|"
    r"boredom|tooth|neck|knees|traffic|drama|show|series|film|game|kids|homework|form|"
    r"forms|paperwork|website|app|admin|process|exams?|revision|hangover|commute|wifi|"
    r"deadlines?|essay|assignment|dissertation|shifts?|rent|bills|noise|weather|cold) "
    r"(?:is|are|was|were) (?:literally |actually |really )?killing me|"
    r"(?:when|if|whose|where|whether) (?:\w+ ){0,4}(?:is|are|was|were|be) in (?:\w+ )?danger|"
    r"dying (?:to|of|for) (?:know|see|hear|boredom|laughter|a|the)|"
    # idioms: "I wanted to die of embarrassment", "she hurt my feelings", "my boss will kill
    # me if I'm late" (a boss or teacher: a parent's words may be a real threat)
    r"(?:die|died|dying) (?:of|from) (?:embarrassment|shame|laughing|laughter|boredom|cringe)|"
    r"hurt (?:my|her|his|their|your|our) feelings|"
    r"(?:boss|manager|teacher|tutor|coach|supervisor) (?:will|would|is going to) (?:kill|murder) "
    r"(?:me|us) if|"
    r"(?:battery|phone|laptop|tablet|charge|signal|wifi|car) (?:is |has )?(?:about to |going to "
    r"|gonna |nearly |almost )?(?:die|dying|dead|died)|"
    r"(?:assisted|physician assisted) suicide|"
    r"(?:i am |i was )?(?:not|never) in (?:\w+ )?danger|"
    r"(?:videos?|clips?|posts?|content) (?:of|about|showing) (?:someone|somebody|people|"
    r"a person|a man|a woman|a girl|a boy|kids|children) (?:\w+ ){0,3}|"
    r"how to (?:talk|speak|respond) to (?:someone|somebody|a person|people) who (?:is |are )?"
    r"(?:\w+ ){0,4}|"
    # "they have not threatened me", "he never hit her": violence denied
    r"(?:has|have|had|did|does|do|is|are|was|were) (?:not|never) (?:\w+ )?(?:threatened|hit|"
    r"hurt|attacked|touched|harmed|hurting|threatening|hitting) (?:me|us|her|him|them|anyone)|"
    r"(?:died|die|dies|death|deaths|lost \w+|loss) (?:by|to|from|through) suicide|"
    r"(?:suicide|self harm) (?:prevention|awareness|rates?|statistics|figures|squad|bombers?|"
    r"helplines?|charity|charities|training|services?|policy|policies|strategy|research)|"
    r"(?<!the )(?<!these )(?:people|victims|anyone|witnesses|officers|families|survivors|"
    r"adults|teenagers|young people|patients|prisoners|callers|clients|pupils|students|"
    r"customers|colleagues|volunteers) (?:who|that) (?:\w+ ){0,6}|"
    r"what happens (?:if|when) (?:\w+ ){0,8}|"
    r"(?:penalty|sentence|sentences|punishment|law|laws|rules|legal|illegal|offence|crime) "
    r"(?:for|on|about|to|against) (?:\w+ ){0,6}|"
    r"(?:die|dying|died) (?:in|at) (?:her|his|my|their|our) (?:own )?(?:home|bed|sleep)|"
    r"(?:hurt|injured|killed|died) (?:in|during|at) (?:a|an|the) (?:\w+ ){0,2}?(?:crash|accident|"
    r"collision)|"
    r"jump (?:on|onto) (?:a|the|my) (?:next |first |last |\w+ )?(?:train|bus|tram|plane|"
    r"flight|call|zoom)|jump in (?:a|the|my) (?:taxi|cab|car|shower)|"
    r"(?:signs?|symptoms|warning signs) (?:that|of) (?:\w+ ){0,4}|"
    r"if (?:they|you|police|the police|officers|people) (?:think|believe|suspect|know) "
    r"(?:\w+ ){0,6}|"
    r"(?:when|if) (?:someone|somebody|people|a person|anyone|an? \w+) (?:says|say|writes|posts|"
    r"texts|sends|tells|told|discloses|mentions|admits) (?:\w+ ){0,6}|"
    r"if (?:i|you|we|someone|anyone|people) (?:see|sees|find|finds|notice|spot|spots|hear) "
    r"(?:\w+ ){0,6}|"
    r"(?:talk|talking|speak|speaking|teach|teaching|learn|learning|training|information|"
    r"leaflets?|course|courses|lessons?|workshops?|reports? of|reporting) (?:\w+ ){0,3}?about "
    r"(?:suicide|self harm)|"
    # A what-if about someone else, with words before its verb ("what should i do if someone
    # at my work threatens me"), unless it reports what someone said ("he said if anyone...").
    r"(?<!said )(?<!says )(?<!told me )(?<!threatened )(?<!threatens )(?<!texted )"
    r"(?:if|when|whether) (?:someone|somebody|anyone|a person|people|a friend|a child|"
    r"a young person|a woman|a man|a neighbour|a partner|an ex|a family member|a stranger|"
    r"a pupil|a student|a client|a patient|a resident|a tenant|a service user|a colleague|"
    r"your (?:\w+ )?(?:partner|ex|child|friend|neighbour|family|parent)) (?:\w+ ){0,7}|"
    # A professional or a friend asking how to help in general ("how can we support pupils
    # who self harm", "how should staff respond to a client who talks about suicide")
    r"how (?:can|do|should|could|would|might|best to|to) (?:(?:i|we|you|staff|teachers|carers|"
    r"volunteers|parents|professionals|schools|police|officers) )?(?:best )?(?:help|support|"
    r"respond to|talk to|speak to|approach|reassure|safeguard|look after|deal with|recognise|"
    r"spot|protect|refer|work with) (?:a|an|someone|somebody|people|pupils?|students?|clients?|"
    r"patients?|service users?|young people|children|kids|residents?|callers?|victims?|"
    r"survivors?|colleagues?|staff|those|adults|tenants|members) (?:\w+ ){0,8}|"
    # General questions about danger, risk and refuges ("what counts as being in danger",
    # "how do refuges keep women safe from violent partners", "is it dangerous to...")
    r"(?:counts? as|classed as|class as|defined as|definition of|considered) (?:\w+ ){0,6}|"
    r"(?:what|how|where|who|are|is|can|do|does) (?:\w+ ){0,3}(?:refuges?|shelters?|safe houses?) "
    r"(?:\w+ ){0,6}|"
    r"(?:what|how) (?:do|does|will|would|can|should) (?:the )?(?:police|officers|courts?|"
    r"social services|services) (?:do|decide|assess|judge|know) (?:\w+ ){0,8}|"
    r"is it (?:safe|dangerous|risky|illegal|legal) (?:to|for) (?:\w+ ){0,6}|"
    r"how (?:dangerous|common|likely|often) (?:\w+ ){0,8}|"
    r"(?:who|which \w+) (?:is|are) (?:most )?at (?:most |greater |higher )?risk (?:\w+ ){0,6}|"
    r"what (?:are|is) the (?:risks?|dangers?|signs?|warning signs?) (?:\w+ ){0,6})"
)

# Every word the rules above spell out: a token that is one of these after squeezing its
# repeated letters ("killl", "helpp", "meee") is read as it.
_RULE_WORDS = frozenset(
    word
    for _, source in (*DANGER_RULES, *SELF_HARM_RULES)
    for word in re.findall(r"[a-z]{2,}", source.replace("\\w", " ").replace("\\b", " "))
) | frozenset(("me", "i", "a"))
_FUZZY_RULE_WORDS = _RULE_WORDS | frozenset(FUZZY_TARGETS)
_SQUEEZED_RULE_WORDS = {
    _squeeze(word): word for word in sorted(_RULE_WORDS, key=len) if _squeeze(word) != word
}


@lru_cache(maxsize=8192)
def _canonical_token(token: str) -> str:
    """One token as the rules spell it (may become several words: "gonna" -> "going to").

    An English word is left as it is, whatever it is near ("calling" is not "killing"):
    only the rewrites above, written by hand, and l33t change one. A token that is not a
    word is read as a rule word it is a misspelling of (safeguarding.spelling), if any."""
    if token in TOKEN_REWRITES:
        return TOKEN_REWRITES[token]
    if not token.isdigit() and any(char.isdigit() or char in "@$" for char in token):
        # "2nite" is text-speak (looked up above); "k1ll" and "mys3lf" are l33t.
        token = token.translate(LEET)
        if token in TOKEN_REWRITES:
            return TOKEN_REWRITES[token]
    if len(token) > 4 and token.endswith("in") and token + "g" in _RULE_WORDS:  # "killin"
        return token + "g"
    if token in _RULE_WORDS or token.isdigit() or spelling.is_english_word(token):
        return token
    if token.endswith("s") and spelling.is_english_word(token[:-1]):
        return token  # a possessive without its apostrophe: "fun's" is not "guns"
    squeezed = _squeeze(token)
    if squeezed in TOKEN_REWRITES:
        return TOKEN_REWRITES[squeezed]
    if squeezed in _RULE_WORDS:
        return squeezed
    if squeezed in _SQUEEZED_RULE_WORDS:
        return _SQUEEZED_RULE_WORDS[squeezed]
    if squeezed.endswith("in") and _SQUEEZED_RULE_WORDS.get(squeezed + "g"):
        return _SQUEEZED_RULE_WORDS[squeezed + "g"]
    if len(token) < 5:
        return token  # four letters are one edit from too many words: "blts" is not "bats"
    nearest = spelling.nearest_words(token)
    if nearest:
        return next((word for word in nearest if word in _FUZZY_RULE_WORDS), token)
    if len(token) >= 7:
        best = process.extractOne(token, FUZZY_TARGETS, scorer=OSA.distance, score_cutoff=2)
        if best is not None:
            return str(best[0])
    return token


def normalise(text: str) -> str:
    """The text as the rules read it: " words separated by single spaces " (with a space at
    each end, so a pattern can anchor on whole words)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"['\u2019\u2018`\u00b4]", "", folded)  # he's, hes and he`s read alike
    words = " ".join(_canonical_token(token) for token in _WORD.findall(folded))
    # "kill my self" reads as "kill myself".
    words = re.sub(r"\b(my|her|him|your) self\b", r"\1self", words)
    words = re.sub(r"\b(them|our) selves\b", r"\1selves", words)
    # Misspellings of a means that are English words themselves, so the corrector leaves
    # them: read as the means only where the word cannot be the English one ("took an
    # overdoes", "a bottle of pils" is corrected already).
    words = _MEANS_MISSPELT_AS_WORDS.sub(r"\1 overdose", words)
    return f" {words} "


_MEANS_MISSPELT_AS_WORDS = re.compile(r"\b(an|took|taken|take|taking|had|have) overdoes\b")


# Rules whose words also turn up in questions about a crisis ("training for callers who are
# suicidal", "a scene where a woman gets followed home", "can I'll kill you be a threat"): a
# flag from these (or from a staff phrase not marked "always urgent"), with no other rule
# beside them, may be overruled by the learned layer when it is confident the question is
# not a crisis (below its veto_below, chosen by cross-validation on dev so that no crisis
# message of crisis.tsv's dev is unflagged: docs/safeguarding.md, "Overrules"). The other
# rules state a danger or a wish to die outright ("kill myself", "locked in", "he is
# outside"); they are reviewed too, but only below strong_veto_below, chosen the same way
# with a wider margin (safeguarding.evaluation.scoring). A staff phrase marked "always
# urgent" is never overruled.
OVERRULABLE_RULES = frozenset(
    (
        "threat_to_harm",
        "threatened_to",
        "violence_in_progress",
        "violence_just_done",
        "just_violence",
        "being_harmed",
        "weapon",
        "violence_and_urgency",
        "suicidal",
        "suicide",
        "self_harming",
        "overdose",
        "means_and_despair",
    )
)


def warm(*, learned: bool) -> None:
    """Read the word lists (and, with `learned`, the learned layer) now rather than on the
    first question."""
    spelling.warm()
    if learned:
        crisis_scorer.warm()


def forget_words() -> None:
    """Forget how each token was read (kept for the process, up to 8,192 tokens): for a
    benchmark that times questions whose words the process has not seen."""
    _canonical_token.cache_clear()


def crisis_match(
    text: str,
    staff_phrases: Iterable[str] = (),
    *,
    learned: bool = False,
    always_urgent: Iterable[str] | None = None,
) -> CrisisMatch | None:
    """The first sign that someone is in danger now or at risk of self-harm, if any: from
    the rules and the staff's phrases, or, with `learned`, the learned layer beside them
    (safeguarding.crisis_scorer; `flagged_with_scorer` says how). `always_urgent`: staff
    phrases (among `staff_phrases`) that the learned layer may never overrule; a caller that
    does not say (None) has every staff phrase treated so."""
    normalised = normalise(text)
    staff_phrases = tuple(staff_phrases)
    if not learned:
        return next(rule_matches(normalised, staff_phrases), None)
    always = staff_phrases if always_urgent is None else tuple(always_urgent)
    verdict = rules_verdict(normalised, staff_phrases, always)
    if verdict.first is not None and verdict.review is Review.NEVER:
        return verdict.first  # the scorer has no say: spare scoring it
    scorer = crisis_scorer.committed_scorer()
    probability = scorer.probability(text, normalised)
    if not flagged_with_scorer(verdict, probability, scorer):
        return None
    return verdict.first or CrisisMatch(LEARNED, "learned scorer")


class Review(enum.Enum):
    """How far the learned layer may overrule a flag: the strictest of the matches decides."""

    WEAK = "weak"  # weaker rules and staff phrases: below veto_below
    STRONG = "strong"  # a rule that states the danger outright: below strong_veto_below
    NEVER = "never"  # a staff phrase marked "always urgent"


@dataclass(frozen=True)
class RulesVerdict:
    first: CrisisMatch | None  # the first staff phrase or rule that matched
    review: Review = Review.WEAK  # how far the learned layer may overrule the flag
    # Not flagged, and the rules read a figure of speech, talk about a subject, a what-if or
    # an account only of the past in it: the learned layer adds no flag to such a question.
    about_a_crisis: bool = False

    @property
    def flagged(self) -> bool:
        return self.first is not None


def rules_verdict(
    normalised: str, staff_phrases: Iterable[str] = (), always_urgent: Iterable[str] = ()
) -> RulesVerdict:
    always = {_normalised_phrase(phrase) for phrase in always_urgent}
    matches = list(rule_matches(normalised, staff_phrases))
    if not matches:
        return RulesVerdict(None, about_a_crisis=reads_as_about_a_crisis(normalised))
    reviews = {review_of(match, always) for match in matches}
    strictest = next(r for r in (Review.NEVER, Review.STRONG, Review.WEAK) if r in reviews)
    return RulesVerdict(matches[0], strictest)


def review_of(match: CrisisMatch, always_urgent: Collection[str] = frozenset()) -> Review:
    if match.kind == STAFF_PHRASE:
        return Review.NEVER if _normalised_phrase(match.rule) in always_urgent else Review.WEAK
    if match.kind in (DANGER_NOW, SELF_HARM) and match.rule in OVERRULABLE_RULES:
        return Review.WEAK
    return Review.STRONG


def flagged_with_scorer(
    verdict: RulesVerdict, probability: float, scorer: "crisis_scorer.Scorer"
) -> bool:
    """The rules' verdict with the learned layer's probability beside it: the scorer adds a
    flag above its threshold when the rules found nothing, and overrules a flag below the
    limit its review allows (veto_below for the weaker rules and staff phrases,
    strong_veto_below for the others, never for a staff phrase marked "always urgent").
    Used by `crisis_match` and, with cross-validated probabilities, by
    safeguarding.evaluation.scoring."""
    if not verdict.flagged:
        return probability > scorer.threshold and not verdict.about_a_crisis
    if verdict.review is Review.WEAK:
        return probability >= scorer.veto_below
    if verdict.review is Review.STRONG:
        return probability >= scorer.strong_veto_below
    return True


def _only_about_the_past(normalised: str) -> bool:
    """A past account, a what-if or a story, with nothing said about now or about the writer
    not being around in the future ("I won't be here next year", "won't see June")."""
    return (
        _HISTORIC.search(normalised) is not None
        and not _NOW.search(normalised)
        and not _NOT_AROUND.search(normalised)
    )


def reads_as_about_a_crisis(normalised: str) -> bool:
    """The rules read a figure of speech ("my battery is about to die"), talk about a subject,
    a what-if or an account only of the past in the question."""
    if _only_about_the_past(normalised):
        return True
    return _NOT_A_CRISIS.search(normalised) is not None


def rule_matches(normalised: str, staff_phrases: Iterable[str] = ()) -> Iterator[CrisisMatch]:
    """Every staff phrase and rule that matches the normalised question, in the order they
    are tried (lazily: the first is all most callers need)."""
    if _only_about_the_past(normalised):
        return
    normalised = _NOT_A_CRISIS.sub(" ", normalised)
    for phrase in staff_phrases:
        # Read as the rules read the question, as whole words: "HE HAS A KNIFE!!" matches
        # "he has a knife", "hes gonna" matches "he's going to", but "suicide" does not
        # match "suicide prevention".
        if _normalised_phrase(phrase) in normalised:
            yield CrisisMatch(STAFF_PHRASE, phrase)
    for kind, patterns in ((SELF_HARM, SELF_HARM_PATTERNS), (DANGER_NOW, DANGER_PATTERNS)):
        for name, pattern in patterns:
            if pattern.search(normalised):
                yield CrisisMatch(kind, name)


@lru_cache(maxsize=1024)
def _normalised_phrase(phrase: str) -> str:
    return normalise(phrase)
