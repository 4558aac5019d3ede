"""Personal details the finder missed before issue 15: each is found, and masking removes
exactly it."""

import pytest

from safeguarding.detection import find_personal_details, mask


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
        "I'm at [address removed], [postcode removed], NI [national insurance number removed], "
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
