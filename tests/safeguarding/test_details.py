"""Personal details the finder missed before issue 15: each is found, and masking removes
exactly it."""

from pathlib import Path

import pytest

from safeguarding.detection import Finding, find_personal_details, mask


@pytest.mark.parametrize(
    ("text", "kind", "found", "masked"),
    [
        (
            "my NI number is QQ123456C",
            "national_insurance_number",
            "QQ123456C",
            "my NI number is [national insurance number removed]",
        ),
        (
            "NI: QQ 12 34 56 C, is that safe to give?",
            "national_insurance_number",
            "QQ 12 34 56 C",
            "NI: [national insurance number removed], is that safe to give?",
        ),
        ("my postcode is LS6  2QT", "postcode", "LS6  2QT", "my postcode is [postcode removed]"),
        ("we're in M14-5RE now", "postcode", "M14-5RE", "we're in [postcode removed] now"),
        ("DOB 1987-03-14", "date_of_birth", "1987-03-14", "DOB [date of birth removed]"),
        (
            "I was born in March 1987",
            "date_of_birth",
            "March 1987",
            "I was born in [date of birth removed]",
        ),
        ("d.o.b. 14.3.87", "date_of_birth", "14.3.87", "d.o.b. [date of birth removed]"),
        (
            "he drives a van, A123 BCD",
            "vehicle",
            "A123 BCD",
            "he drives a van, [vehicle removed]",
        ),
        (
            "the car that follows me is ABC 123D",
            "vehicle",
            "ABC 123D",
            "the car that follows me is [vehicle removed]",
        ),
        ("I live at 12 Elm Park", "address", "12 Elm Park", "I live at [address removed]"),
        (
            "my address is 4 Rose Cottages, near the church",
            "address",
            "4 Rose Cottages",
            "my address is [address removed], near the church",
        ),
        (
            "we live at The Old Rectory now",
            "address",
            "The Old Rectory",
            "we live at [address removed] now",
        ),
        (
            "email me at sam dot jones at example dot org",
            "email",
            "sam dot jones at example dot org",
            "email me at [email removed]",
        ),
        (
            "my email is jo(at)example(dot)com",
            "email",
            "jo(at)example(dot)com",
            "my email is [email removed]",
        ),
        ("ring me on O77OO 9OO123", "phone", "O77OO 9OO123", "ring me on [phone removed]"),
    ],
)
def test_each_new_kind_of_personal_detail_is_found_and_masked(
    text: str, kind: str, found: str, masked: str
) -> None:
    findings = find_personal_details(text)

    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert mask(text, findings) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Is the National Domestic Abuse Helpline 0808 2000 247 free from mobiles?",
        "Do you cover the A1 and the M25?",
        "Does the police still use Form 101A?",
        "I have 3 kids at the park most days, is that safe?",
        "Is the report form at gov.uk the right one?",
        "My court date is 14 March 2027, will someone support me?",
        "I was born and raised in Leeds, does that matter?",
    ],
)
def test_ordinary_questions_shaped_like_details_have_no_findings(text: str) -> None:
    assert find_personal_details(text) == []


def test_several_details_are_all_masked_in_one_question() -> None:
    text = "I'm at 7 the Paddocks, LS6  2QT, NI QQ 12 34 56 C, call O77OO 9OO123"

    assert mask(text, find_personal_details(text)) == (
        "I'm at [address and postcode removed], NI [national insurance number removed], "
        "call [phone removed]"
    )


@pytest.mark.parametrize(
    "hidden",
    [
        "call me on \u202e07700 900123\u202c tonight",
        "call me on \u2067\u202e07700 900123\u2069 tonight",
        "call me on 07700\u200b900\u200b123 tonight",
        "call me on \ufeff07700\u00ad900123 tonight",
    ],
)
def test_a_phone_number_wrapped_in_invisible_controls_is_found_once_they_are_removed(
    hidden: str,
) -> None:
    from safeguarding.detection import visible_text

    seen = visible_text(hidden)

    assert seen.replace(" ", "") == "callmeon07700900123tonight"
    assert [finding.kind for finding in find_personal_details(seen)] == ["phone"]


@pytest.mark.parametrize(
    ("text", "kind", "found", "masked"),
    [
        (
            "my sort code is 20-45-77",
            "sort_code",
            "20-45-77",
            "my sort code is [sort code removed]",
        ),
        (
            "account number 4159 8722, can they freeze it?",
            "account_number",
            "4159 8722",
            "account number [account number removed], can they freeze it?",
        ),
        (
            "he has my IBAN GB82 WEST 1234 5698 7654 32 now",
            "iban",
            "GB82 WEST 1234 5698 7654 32",
            "he has my IBAN [iban removed] now",
        ),
        (
            "the card 4539 1488 0343 6467 was used",
            "card_number",
            "4539 1488 0343 6467",
            "the card [card number removed] was used",
        ),
        ("my name is Kerry Whitlock", "name", "Kerry Whitlock", "my name is [name removed]"),
        ("hi my name is jodie, help", "name", "jodie", "hi my name is [name removed], help"),
        (
            "my ex is called Marcus Finch",
            "name",
            "Marcus Finch",
            "my ex is called [name removed]",
        ),
        (
            "My neighbour Gary Holt keeps shouting",
            "name",
            "Gary Holt",
            "My neighbour [name removed] keeps shouting",
        ),
        (
            "my landlord Mr Okafor comes in",
            "name",
            "Mr Okafor",
            "my landlord [name removed] comes in",
        ),
        (
            "she's in flat 3b above the shop",
            "address",
            "flat 3b",
            "she's in [address removed] above the shop",
        ),
        (
            "I'm at number 14, come quick",
            "address",
            "number 14",
            "I'm at [address removed], come quick",
        ),
        (
            "he lives on Cranbrook Road, near the Co-op",
            "address",
            "Cranbrook Road",
            "he lives on [address removed], near the Co-op",
        ),
        (
            "he lives at Rose Cottage, Mill Lane now",
            "address",
            "Rose Cottage, Mill Lane",
            "he lives at [address removed] now",
        ),
        ("his car is AB 12 CDE", "vehicle", "AB 12 CDE", "his car is [vehicle removed]"),
        ("reg y 652 hbt", "vehicle", "y 652 hbt", "reg [vehicle removed]"),
        (
            "call oh seven seven double oh nine hundred one two three",
            "phone",
            "oh seven seven double oh nine hundred one two three",
            "call [phone removed]",
        ),
    ],
)
def test_each_kind_added_for_issue_29_is_found_and_masked(
    text: str, kind: str, found: str, masked: str
) -> None:
    findings = find_personal_details(text)

    assert [(f.kind, f.text) for f in findings] == [(kind, found)]
    assert mask(text, findings) == masked


def test_an_address_followed_by_its_postcode_without_a_comma_leaves_nothing_of_either() -> None:
    text = "I live at 27 Wellesley Avenue BN3 6JL, please hurry"

    masked = mask(text, find_personal_details(text))

    assert masked == "I live at [address and postcode removed], please hurry"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "I live at 12 Acacia Road, Leeds, LS6 2QT now",
            "I live at [address and postcode removed] now",
        ),
        ("he lives at 14 Elm Road, Leeds and hits me", "he lives at [address removed] and hits me"),
    ],
)
def test_an_address_its_town_and_its_postcode_are_masked_as_one(text: str, masked: str) -> None:
    assert mask(text, find_personal_details(text)) == masked


def test_findings_that_overlap_are_masked_as_one_even_when_passed_separately() -> None:
    text = "ring 07700 900123 now"
    overlapping = [Finding("phone", 5, 12, "07700 9"), Finding("phone", 10, 17, "900123")]

    assert mask(text, overlapping) == "ring [phone removed] now"


@pytest.mark.parametrize(
    ("text", "valid"),
    [("GB82WEST12345698765432", True), ("GB82WEST12345698765433", False)],
)
def test_an_iban_is_found_anywhere_only_when_its_checksum_holds(text: str, valid: bool) -> None:
    question = f"money went to {text} yesterday"

    assert bool(find_personal_details(question)) is valid


def test_a_card_number_that_fails_luhn_is_found_only_beside_a_word_about_cards() -> None:
    assert find_personal_details("the reference was 1234 5678 9012 3456") == []
    assert [f.kind for f in find_personal_details("my card 1234 5678 9012 3456")] == ["card_number"]


@pytest.mark.parametrize(
    "text",
    [
        "Should I ring 101 or 999 if he is parked outside?",
        "Is 0808 2000 247 free, and is 0300 123 2040 Action Fraud?",
        "nine nine nine is the number, right?",
        "Is the Home Secretary going to change the law?",
        "people keep calling me names because I have a learning disability",
        "My name is on the tenancy but he won't leave",
        "Where is the police station on Park Road, is it open on Sunday?",
        "Is the Crown Court at 1 Oxford Row open today?",
        "I'm on the number 14 bus when it happens",
        "My account was hacked, how do I report it?",
        "I'm at Leeds Crown Court tomorrow, where do I go?",
        "Can I write to the Ministry of Justice at 102 Petty France?",
        "The 2024 figures say 4,500 reports and 120 charges",
    ],
)
def test_clean_questions_full_of_public_numbers_and_places_have_no_findings(text: str) -> None:
    assert find_personal_details(text) == []


def test_the_events_own_helplines_addresses_and_panellists_are_not_findings() -> None:
    text = (
        "Is 0113 496 0123 the right line, and can I come to 4 Wharf Street? "
        "My neighbour Sarah Jones said so"
    )
    public = ("0113 496 0123", "Hope House, 4 Wharf Street, Leeds LS2 7EQ", "Sarah Jones")

    assert [f.kind for f in find_personal_details(text)] == ["phone", "address", "name"]
    assert find_personal_details(text, public=public) == []


def test_nothing_of_any_detail_in_the_corpus_is_left_in_the_masked_text() -> None:
    from safeguarding.evaluation.blind_details import corpus_details_left

    assert corpus_details_left() == []


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("my account number is 12 34 56 78", "12 34 56 78"),
        ("my Barclays account 63849201", "63849201"),
        ("the card ending 4242 was used", "4242"),
        ("he knows my PIN 4821", "4821"),
        ("I'm Dave and I'm 40, my wife hits me", "Dave"),
        ("thanks for listening, Kerry", "Kerry"),
        ("my husband is called dave", "dave"),
        ("my ex (Jamie Clark) keeps messaging", "Jamie Clark"),
        ("Kerry Whitlock, 07700 900456, is the one", "Kerry Whitlock"),
        ("he lives on cranbrook road", "cranbrook road"),
        ("I live in the yellow house opposite the Red Lion", "opposite the Red Lion"),
        ("Police are at 12 Acacia Road now, he is still inside", "12 Acacia Road"),
        ("it happens at my house, number 31", "number 31"),
        ("we live at Meadowbank, the big house", "Meadowbank"),
        ("HIS NAME IS DAVE SMITH AND HE HITS ME", "DAVE SMITH"),
        ("Dave Smith's number is 07700 900123", "Dave Smith"),
        ("mob: seven seven double oh nine hundred and twelve", "nine hundred and twelve"),
        ("my house number is 42", "42"),
        ("his car is ab 12 cde", "ab 12 cde"),
        ("his car AB-12-CDE was outside", "AB-12-CDE"),
        ("ring me O-7-7-0-0 9-0-0-1-2-3", "O-7-7-0-0 9-0-0-1-2-3"),
        ("o seven nine one one, twelve thirty four, fifty six", "twelve thirty four, fifty six"),
    ],
)
def test_a_detail_written_another_way_is_still_masked_whole(text: str, detail: str) -> None:
    masked = mask(text, find_personal_details(text))

    assert detail not in masked
    assert "removed]" in masked


@pytest.mark.parametrize(
    "text",
    [
        "I went to the bank on 12-05-21 and they said no",
        "The crime number 12345678 from the bank, do I need it?",
        "I'm British and was attacked on holiday",
        "I'm Pakistani and they spit at me",
        "Hi, I'm Deaf, can I use BSL?",
        "I get called names on the bus every day",
        "Is the council's number still 0113 222 4444?",
        "Is 1 Victoria Street the right address for the department?",
        "We have 2 houses on our street that are empty",
        "I live in a house near a school, are there patrols?",
        "Is Victim Support still at 5 Bridge Street?",
        "Has the CPS moved to 9 Wellington Place?",
        "I stay at Nan's at weekends",
        "Can I get to Leeds Crown Court, 1 Oxford Row, Leeds LS1 3BG by bus?",
        "My step dad Christmas presents were all taken",
        "Is number 10 going to do anything about knife crime?",
    ],
)
def test_ordinary_questions_near_the_new_kinds_have_no_findings(text: str) -> None:
    assert find_personal_details(text) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "I live in the flat above the chip shop on the High Street",
            "I live in [address removed]",
        ),
        ("my flat is above the bookies on Station Road", "my flat is [address removed]"),
        (
            "He lives in the big house at the end of Holly Lane with the red door",
            "He lives in [address removed] with the red door",
        ),
        (
            "Market Street, above the shop, is where he lives",
            "[address removed], above the shop, is where he lives",
        ),
        # a town after an address with no digit in the question
        ("I live at Hollybank, Mill Lane, Otley", "I live at [address removed]"),
        # a full name in a sentence that gives where someone lives, with no cue before it
        (
            "The lad is Liam Grant and he's at 3 Mill Lane",
            "The lad is [name removed] and he's at [address removed]",
        ),
    ],
)
def test_a_home_described_and_a_name_beside_it_are_masked(text: str, masked: str) -> None:
    assert mask(text, find_personal_details(text)) == masked


@pytest.mark.parametrize(
    "text",
    [
        "The police station is on Park Road, is it open on Sunday?",
        "Is the court on Market Street where the trial is?",
        "The shop on the High Street where he works sells knives",
        "I had to get a taxi that cost £38 each way.",
        "The riots on Oxford Street years ago were in the news",
    ],
)
def test_a_street_named_for_a_public_place_is_not_a_finding(text: str) -> None:
    assert find_personal_details(text) == []


def test_an_agency_named_beside_a_private_number_is_not_taken_for_a_name() -> None:
    text = "Can Victim Support ring me on 07700 900123?"

    assert [f.kind for f in find_personal_details(text)] == ["phone"]


# Written for issue 29's fourth round, beside the dev set of 440 messages that round was built
# on (docs/safeguarding.md, "Personal details, fourth round"): each kind as people wrote it
# there, and the public places beside it that must stay.
@pytest.mark.parametrize(
    ("text", "detail"),
    [
        # Where a named person will be is their whereabouts, published or not.
        ("I'm meeting my ISVA on Church Street tomorrow", "Church Street"),
        ("we are the only polish family on Sycamore Close", "Sycamore Close"),
        ("at the lights on beech grove he shouted at me", "beech grove"),
        ("we live Meadowbank, Tennyson Way", "Meadowbank"),
        ("we live at fern villa, harewood mount. help", "fern villa"),
        ("my address is the coach house, hollybush lane", "coach house"),
        ("she's at the pink semi opposite the red lion on coronation street", "pink semi"),
        ("he was born the twenty second of November 1969", "twenty second"),
        ("born on the ninth of june nineteen eighty two", "nineteen eighty two"),
        ("my dob is 220852 and", "220852"),
        ("hi im Farah Doherty, 16 April 1982, 144 Grange Crescent", "16 April 1982"),
        ("my ex hamza steadman keeps turning up", "steadman"),
        ("my ex girlfriend Lorna Iqbal sends threats", "Lorna Iqbal"),
        ("my brother's girlfriend Bethany Iqbal stabbed him", "Bethany Iqbal"),
        ("my kids are Craig and Natasha", "Craig"),
        ("my kids are Craig and Natasha", "Natasha"),
        ("pls call me back, ask for Zainab", "Zainab"),
        ("name on account Gary Bhatti", "Gary Bhatti"),
        ("i'm dariusz, my mobile is off", "dariusz"),
        ("my neighbour mr Okafor plays loud music", "Okafor"),
        ("the perpetrator lives at 129 Alder Court, N19 5HG", "5HG"),
        ("I'm at my mum's at Flat 6, Harrington Court, Ashby Road now", "Ashby Road"),
        ("some lads on Tower Hill estate keep calling him names", "Tower Hill estate"),
        ("he lives on the Parkside estate", "Parkside"),
    ],
)
def test_details_written_the_fourth_rounds_ways_are_masked(text: str, detail: str) -> None:
    masked = mask(text, find_personal_details(text))
    assert detail not in masked, masked


@pytest.mark.parametrize(
    "text",
    [
        "is it the cps at 102 petty france, london sw1h 9ea",
        "the hearing is at Bristol Crown Court on Small Street, BS1 1DA on 15th april",
        "my case is at the old bailey ec4m 7eh on monday",
        "I give evidence at Southwark Crown Court, 1 English Grounds, SE1 2HU next month",
        "what if he doesnt turn up at Birmingham Crown Court, 1 Newton Street, B4 7NA",
        "my crime ref is 11/474760/22 can i add more evidence",
        "im deaf, can i text you instead of phoning",
        "my daughters friend overdosed at a party last year",
        "The shop on the High Street where he works sells knives",
        "I had to get a taxi that cost £38 each way.",
        "The riots on Oxford Street years ago were in the news",
    ],
)
def test_public_places_and_references_of_the_fourth_round_are_left_alone(text: str) -> None:
    assert find_personal_details(text) == []


FLOORS = {"address": 104, "postcode": 34, "private_name": 210}  # of 109, 37, 212


def test_the_fourth_rounds_dev_set_is_masked_as_when_its_rules_were_written() -> None:
    # The 440 messages the fourth round's rules were written against (corpus/README.md): not
    # blind, so a floor against regressions, not a measure of how the finder generalises.
    from safeguarding.evaluation.blind_details import score_blind_details

    corpus = Path(__file__).resolve().parents[2] / "safeguarding/evaluation/corpus"
    lines = (corpus / "personal_details_2026-12-07e.jsonl").read_text(encoding="utf-8")
    scores = score_blind_details(lines.splitlines())
    for kind, floor in FLOORS.items():
        assert scores.kinds[kind].masked >= floor, (kind, scores.kinds[kind])
    # Every other kind: all of them.
    assert all(s.masked == s.total for k, s in scores.kinds.items() if k not in FLOORS)
    assert (scores.clean_flagged, scores.clean_total) == (0, 120)
    assert len(scores.left) <= 7


def test_the_committed_first_names_are_what_fakers_lists_give() -> None:
    from safeguarding import private_names
    from safeguarding.evaluation.first_names import first_names_text

    assert private_names.FIRST_NAMES_PATH.read_text(encoding="utf-8") == first_names_text()


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Kids are Maisie, Alfie and Rosie, he waits at the school", "Alfie"),
        ("A lady who comes in, Jolene, told me her partner takes her money", "Jolene"),
        ("Client Gordon Sykes, 54, learning disability", "Gordon Sykes"),
        ("wat do i do if my husband takes my passport. he is Imran.", "Imran"),
        ("a boy in my class called Ollie says my brother is a spaz", "Ollie"),
        ("MY DAUGHTER KERRY IS BEING BEATEN BY HER HUSBAND", "KERRY"),
        ("someone puts dog mess through my letterbox. ive lived here 30 year. Mary Doran", "Doran"),
    ],
)
def test_a_known_first_name_near_a_word_for_a_person_is_masked(text: str, detail: str) -> None:
    assert detail not in mask(text, find_personal_details(text))


@pytest.mark.parametrize(
    "text",
    [
        "I watched Jess Phillips talk about domestic abuse on Question Time",
        "Sadiq Khan said the Met was going to take violence against women seriously.",
        "I saw the news about the racist abuse of Saka, Rashford and Sancho",
        "Is Karma Nirvana still the helpline for forced marriage?",
        "Is Clare's law the same in Wales?",
        "What's an Osman warning?",
        "The Sarah Everard vigil on Clapham Common was the moment I decided to leave",
        "is Camden Market covered by cctv someone spat at me there",
        "my son wants to go to Alder Hey Hospital for his check up",
    ],
)
def test_public_people_and_things_named_after_someone_are_not_masked(text: str) -> None:
    assert [f for f in find_personal_details(text) if f.kind == "name"] == []


def test_the_fifth_rounds_dev_set_is_masked_as_when_its_rules_were_written() -> None:
    # 400 messages (corpus/README.md), not blind: a floor against regressions.
    from safeguarding.evaluation.blind_details import score_blind_details

    corpus = Path(__file__).resolve().parents[2] / "safeguarding/evaluation/corpus"
    lines = (corpus / "personal_details_2026-12-07f.jsonl").read_text(encoding="utf-8")
    scores = score_blind_details(lines.splitlines())
    masked = {kind: score.masked for kind, score in scores.kinds.items()}
    assert masked["private_name"] >= 415  # of 440
    assert masked["address"] >= 170  # of 200
    assert sum(masked.values()) >= 857  # of 913
    assert (scores.clean_flagged, scores.clean_total) == (0, 100)


# Written for the sixth round (dev set personal_details_2026-12-07g.jsonl): each class of detail
# the finder missed there, in wording of our own, masked whole.
@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # An address goes on: towns, "near" a town, a number on the street, a block, a pitch.
        (
            "He lives at 7 Larkspur Close, Pudsey, West Yorkshire.",
            "He lives at [address removed].",
        ),
        (
            "my cousin lives at Orchard House, Fen Lane, near Ely and he is scared",
            "my cousin lives at [address removed] and he is scared",
        ),
        (
            "She is staying on Tanner Street, number 14, with him",
            "She is staying on [address removed], with him",
        ),
        ("he lives on the Northfield estate, block D", "he lives on [address removed]"),
        ("we are on the Greenacres site, pitch 3", "we are on [address removed]"),
        (
            "she lives at Flat 2, Ash House, Meadowbank estate.",
            "she lives at [address removed].",
        ),
        ("we stay at the site on Brook Lane, pitch 11", "we stay at [address removed]"),
        (
            "They live at 3 Thistle House on the Broadfield estate.",
            "They live at [address removed].",
        ),
        (
            "I live above the bakery on Hope Street in Hexham.",
            "I live [address removed].",
        ),
        (
            "We live at 9 Poplar Row, the house with the broken gate",
            "We live at [address removed]",
        ),
        # A street or a block named right after the word for it.
        (
            "kids throw eggs at the windows on our street, Heron Way, every night",
            "kids throw eggs at the windows on our street, [address removed], every night",
        ),
        (
            "our block, Carlton House, has no lock on the door",
            "our block, [address removed], has no lock on the door",
        ),
        # Streets with their word first (Welsh, Gaelic), a path, plural lanes.
        ("my address is 3 Heol y Nant, Caerphilly", "my address is [address removed]"),
        ("he lives at 8 Miller's Path", "he lives at [address removed]"),
        (
            "they sleep in the cafe, 12 High Road Leyton.",
            "they sleep in the cafe, [address removed].",
        ),
        # Homes described by what they are and the named place by them.
        (
            "they live in the old caravan in the yard behind the Fox and Hounds at Little Bowden",
            "they live in [address removed]",
        ),
        (
            "we live at the keeper's cottage at Hollin Woods",
            "we live at [address removed]",
        ),
        ("he lives in the bungalows on Ash Grove", "he lives in [address removed]"),
        (
            "She lives at a small cottage in Grassington called Fellside.",
            "She lives at [address removed].",
        ),
        (
            "I'm writing from the Old Vicarage, Mill Road, Great Barford.",
            "I'm writing from [address removed].",
        ),
        (
            "A friend of mine, Mr Tom Hale of Ridge Farm, Upper Slaughter, needs help",
            "A friend of mine, [name removed] of [address removed], needs help",
        ),
    ],
)
def test_the_sixth_rounds_addresses_are_masked_whole(text: str, masked: str) -> None:
    assert mask(text, find_personal_details(text)) == masked


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        # After the words people use to give a name.
        ("Name: Priya Raman. I need my crime number", "Priya Raman"),
        ("Full name Tomasz Wrona, I reported it last week", "Tomasz Wrona"),
        ("surname Okafor, i rang yesterday", "Okafor"),
        ("my names kieran and they keep calling me a grass", "kieran"),
        ("her nickname is Tiny and she runs the group chat", "Tiny"),
        ("the lads all call him Tank and he carries a blade", "Tank"),
        ("he calls himself Ghost on snapchat", "Ghost"),
        ("I won't give my full name but its Mags for short", "Mags"),
        ("Sorry, cut off. It's Gemma. I rang before.", "Gemma"),
        ("hi its me again, chloe, the one with the broken window", "chloe"),
        ("im kayla, 17, and my stepdad hits me", "kayla"),
        ("This is Brandon's dad, he is too scared to write", "Brandon"),
        ("I'm Amrit Gill's son and she needs help", "Amrit Gill"),
        ("Yours sincerely, Alan Pike", "Alan Pike"),
        ("I can't sleep since it happened.\nRosalind", "Rosalind"),
        ("The officer was PC Dan Hollis and he laughed at me", "Dan Hollis"),
        ("I am the Reverend Ruth Ellery and I write for a parishioner", "Ruth Ellery"),
        ("Please write to Mrs K. Adebayo at the flat", "K. Adebayo"),
        ("Refund to Mr and Mrs T Hussain please", "T Hussain"),
        ("There is a boy, Tanner, who follows me home", "Tanner"),
        ("one of our tenants, Precious, asked me to write", "Precious"),
        ("I'm worried about Kez, she is my friend and he hits her", "Kez"),
        ("my so called best friend Kacey shared my photos", "Kacey"),
        ("Our Jayden got beaten up at the park", "Jayden"),
        ("my housemate liam on friday night broke the door", "liam"),
        ("Can I get an update on the case against Darius Hale?", "Darius Hale"),
        ("It's Tasha. Tasha Greenwood. Please ring back.", "Tasha Greenwood"),
        ("his name Dion and he has my car", "Dion"),
        ("Craig is his name, he lives next door", "Craig"),
        ("He's Rhys Morgan. He works with me.", "Rhys Morgan"),
        ("the ringleader is Kayleigh.", "Kayleigh"),
        ("I was married to Graham for 20 years", "Graham"),
        ("a dealer known as Blade took over his flat", "Blade"),
        ('a man called "Ziggy" moved into her flat', "Ziggy"),
        ("my sister in law Shabana is not allowed out", "Shabana"),
        ('her "boyfriend" Declan takes her money', "Declan"),
        ("a parishioner, Maureen, asked me to write", "Maureen"),
        ("I'm Temitope but everyone calls me Temi", "Temitope"),
        ("My ex keeps turning up. Gavin Price. He has a knife.", "Gavin Price"),
        # Letters beyond A-Z, and double names.
        ("my daughter Aoife-Rose is only 5", "Aoife-Rose"),
        ("my neighbour Zoë keeps my spare key", "Zoë"),
        ("My name is Łukasz Wójcik and I was attacked", "Łukasz Wójcik"),
        ("My name is Min-jun Lee and I study here", "Min-jun Lee"),
        ("My sister, Aoibhín's mum, is scared of him", "Aoibhín"),
        # Dates of birth written these ways, whole.
        ("date of birth: 04 / 05 / 2001", "04 / 05 / 2001"),
        ("born 1979, 3rd may. my son takes my money", "1979, 3rd may"),
        ("he was born in 2004, on the 2nd of March", "2004, on the 2nd of March"),
        (
            "her birthday is the 9th of October, 2015, and she is missing",
            "the 9th of October, 2015",
        ),
        # A card number in a card's four groups, with a card named further off.
        (
            "My debit card was taken from my bag by my ex at the weekend, it's 4000 1234 5678 9010",
            "4000 1234 5678 9010",
        ),
    ],
)
def test_the_sixth_rounds_names_and_dates_are_masked(text: str, detail: str) -> None:
    masked = mask(text, find_personal_details(text))
    assert detail not in masked, masked


@pytest.mark.parametrize(
    "text",
    [
        "Can I leave my car at the car park on Bridge Street when I go to court?",
        "Are the tribunal offices at Kingsway Court, 5 Market Street still open?",
        "the 43 bus near Albert Square never turns up on time",
        "Which exit do I take from Church Street station for the court?",
        "Is the Hate Crime Unit, is it 0113 496 0500?",
        "Should I ring the Respect Initiative on 0113 496 0000 instead?",
        "What is R v Brown about? My solicitor said it",
        "a bloke in Wendy's threw a drink at me, is that assault?",
        "people call him names at school because he is Roma",
        "it's Tuesday and he still hasn't been arrested.",
        "my names and address are on the letter",
        "They keep calling him a terrorist",
        "he calls me Polish scum every day at work",
        "Where is Leeds Crown Court? Is it still 1 Oxford Row?",
        "The nearest police station to the arena, is it the one on Dale Street?",
        "Galop's postal address is 2 Marsh Wall Road, isn't it?",
        "Is there a scheme known as Clare's Law in Scotland?",
        "The area known as Little Germany is where it happened",
    ],
)
def test_public_places_and_everyday_words_of_the_sixth_round_are_left_alone(text: str) -> None:
    assert find_personal_details(text) == []


def test_the_sixth_rounds_dev_set_is_masked_as_when_its_rules_were_written() -> None:
    # 400 messages (corpus/README.md), not blind: a floor against regressions.
    from safeguarding.evaluation.blind_details import score_blind_details

    corpus = Path(__file__).resolve().parents[2] / "safeguarding/evaluation/corpus"
    lines = (corpus / "personal_details_2026-12-07g.jsonl").read_text(encoding="utf-8")
    scores = score_blind_details(lines.splitlines())
    masked = {kind: score.masked for kind, score in scores.kinds.items()}
    assert masked["private_name"] >= 164  # of 167
    assert masked["address"] >= 95  # of 96
    assert masked["date_of_birth"] >= 40  # of 40
    assert sum(masked.values()) >= 360  # of 365
    assert (scores.clean_flagged, scores.clean_total) == (0, 180)
    assert len(scores.left) <= 5
