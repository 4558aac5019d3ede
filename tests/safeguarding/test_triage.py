"""Crisis triage: a question that says someone is in danger now, or at risk of suicide or
self-harm, gets emergency help at once and is urgent for moderators, however it is written;
ordinary questions that share its words do not."""

import dataclasses
import uuid

import pytest
from pytest_django import Settings

from chat.models import Question
from safeguarding import crisis_scorer
from safeguarding.crisis import (
    DANGER_NOW,
    LEARNED,
    SELF_HARM,
    STAFF_PHRASE,
    CrisisMatch,
    RulesVerdict,
    crisis_match,
    normalise,
    rules_verdict,
)
from safeguarding.detection import HELP_NOW_MESSAGE, says_in_danger_now
from safeguarding.models import SafeguardingPhrase
from tests.live import LiveEvent, guest_asks, make_live_event

# Every message issue 15 found missed by the old phrase list.
MISSED_BEFORE = [
    "i feel suicidal tonight",
    "I want to end it all",
    "I'm going to take an overdose",
    "he's here now and has a knife",
    "he is gonna kill me",
    "he will kill me",
    "im in danger",
    "kill my self",
    "kil myself",
    "sucide",
    "i wanna die",
    "he is hitting me right now",
    "my mum is being hit right now",
]
NEAR_MISSES = [
    "How do I kill time while waiting for the panel?",
    "There was a stabbing in the film we watched, is that realistic?",
    "What happens if I report a threat from last year?",
    "This queue is killing me, when will my question be answered?",
    "He used to threaten to kill me when we were together; can I still use that as evidence?",
    "Do you work with suicide prevention charities?",
    "Can I carry a knife for self defence?",
    "I'm locked out of my account on this site",
    "Why are knife crime sentences so low?",
    "My battery is about to die so I'll be quick",
]


@pytest.fixture
def live_event(db: None) -> LiveEvent:
    return make_live_event()


@pytest.mark.parametrize("body", MISSED_BEFORE)
def test_question_in_crisis_gets_help_now_and_is_urgent(live_event: LiveEvent, body: str) -> None:
    outcome = guest_asks(live_event, body)

    assert outcome.help_now is True
    assert Question.objects.get(body=body).is_urgent is True
    assert outcome.question["state"] == "pending"  # never published by itself


@pytest.mark.parametrize("body", NEAR_MISSES)
def test_ordinary_question_sharing_words_with_a_crisis_is_not_urgent(
    live_event: LiveEvent, body: str
) -> None:
    outcome = guest_asks(live_event, body)

    assert outcome.help_now is False
    assert Question.objects.get(body=body.strip()).is_urgent is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("default_phrases")
async def test_misspelt_crisis_over_the_socket_sends_help_to_the_asker_alone(connect) -> None:
    from channels.db import database_sync_to_async

    live = await database_sync_to_async(make_live_event)()
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)

    await asker.send({"type": "ask", "client_id": str(uuid.uuid4()), "body": "kil myselff 2nite"})

    assert await asker.until_type("help_now") == {"type": "help_now", "message": HELP_NOW_MESSAGE}
    queued = (await moderator.until_type("queue_add"))["question"]
    assert queued["is_urgent"] is True
    assert "help_now" not in str(moderator.frames)
    await viewer.nothing_more()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("HES HITTING MEEEE", DANGER_NOW),
        ("hes gunna kill me 2nite", DANGER_NOW),
        ("he's threatning me with a knife", DANGER_NOW),
        ("someone is following me home", DANGER_NOW),
        ("he has locked me in the bedroom", DANGER_NOW),
        ("k1ll mys3lf", SELF_HARM),
        ("i want too dieeee", SELF_HARM),
        ("thinkin bout killin myself", SELF_HARM),
        ("suicidle", SELF_HARM),
        ("i took 30 paracetamol", SELF_HARM),
        ("my friend says she's going to kill herself tonight", SELF_HARM),
    ],
)
def test_crisis_is_recognised_however_it_is_written(text: str, kind: str) -> None:
    match = crisis_match(text)

    assert match is not None
    assert match.kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a threat with a condition, or a verb that wraps round the victim
        ("he says if i go to the police hell put me in hospital", DANGER_NOW),
        ("if she tells anyone they will break her legs", DANGER_NOW),
        # damage to a door or window named with more than one word
        ("my dad is banging on my bedroom door and screaming", DANGER_NOW),
        # someone between them and the way out
        ("my partner is standing in the doorway and i cant get out of the flat", DANGER_NOW),
        ("hes 2 mins away", DANGER_NOW),
        ("her ex sent her a pic of her front door", DANGER_NOW),
        # hopelessness, thoughts of dying, a note, in words other than "suicide" or "kill"
        ("im sick of living", SELF_HARM),
        ("i dont think i can keep going", SELF_HARM),
        ("i keep thinking about being dead", SELF_HARM),
        ("ive left my note on the kitchen table", SELF_HARM),
        ("i wish i could just vanish", SELF_HARM),
    ],
)
def test_crisis_is_recognised_without_the_usual_words(text: str, kind: str) -> None:
    match = crisis_match(text)

    assert match is not None
    assert match.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "my dad got hurt in a road accident, can i bring him",
        "i will jump on the next bus after work",
        "my ex assaulted me years ago and is now living abroad, can I still report?",
        "i dont think i can carry on with the case",
        "can you sort me out with a new password",
        "my mum turned up at court to support me",
    ],
)
def test_the_same_words_in_an_ordinary_question_are_not_a_crisis(text: str) -> None:
    assert crisis_match(text) is None


def test_normalising_reads_text_speak_contractions_and_repeated_letters_as_words() -> None:
    assert normalise("Hes gonna KILLL me 2nite!!") == " he is going to kill me tonight "
    assert normalise("im in dnager, pls") == " i am in danger please "
    assert normalise("kill my self") == " kill myself "


def test_a_past_account_is_not_danger_now_unless_it_is_happening_again() -> None:
    assert crisis_match("he used to hit me years ago, can I still report it?") is None
    assert crisis_match("he used to hit me and he is hitting me again right now") is not None


def test_a_story_or_a_what_if_is_not_a_crisis_unless_it_is_happening_now() -> None:
    assert crisis_match("hypothetically if someone said they would kill me, who do i ring") is None
    assert crisis_match("in the drama the dad locks the kids in, would police break in?") is None
    assert crisis_match("he threatened to stab me last summer, is it too late") is None
    assert crisis_match("i used to cut myself but im fine now, can i volunteer") is None
    assert crisis_match("this form is killing me, where do i sign") is None
    assert crisis_match("im not in danger, how long does a court order take") is None
    assert crisis_match("he threatened to stab me last summer and hes outside right now")
    assert crisis_match("i used to cut myself and im cutting again tonight")


@pytest.mark.usefixtures("default_phrases")
def test_staff_phrases_add_to_the_built_in_detection_and_cannot_turn_it_off() -> None:
    from django.test import Client
    from django.urls import reverse

    from safeguarding.models import SafeguardingPhrase
    from tests.factories import StaffFactory

    assert says_in_danger_now("Can I ask for Angela at the bar tonight?") is False
    client = Client()
    client.force_login(StaffFactory())
    client.post(
        reverse("admin:safeguarding_safeguardingphrase_add"),
        {"kind": "crisis", "phrase": "  Ask for  ANGELA ", "is_active": "on"},
    )
    SafeguardingPhrase.objects.filter(phrase="want to die").update(is_active=False)

    assert says_in_danger_now("Can I ask for Angela at the bar tonight?") is True
    assert crisis_match("can i ASK FOR ANGELA??", ("ask for angela",)).kind == STAFF_PHRASE
    assert says_in_danger_now("I want to die") is True  # the built-in detection still sees it


def test_a_staff_crisis_phrase_matches_whole_words_read_as_the_question_is() -> None:
    assert crisis_match("ask 4 ANGELA pls", ("ask for angela",)).kind == STAFF_PHRASE
    assert crisis_match("can i ask for angelas number", ("ask for angela",)) is None
    assert crisis_match("he had a knife years ago, can i report it", ("knife",)) is None


# A warning sign the rules miss (docs/safeguarding.md, "What it cannot catch") that the
# learned scorer reads as one; not a corpus message.
SCORER_ONLY = "i have sorted my will and said sorry to everyone"


@pytest.mark.usefixtures("default_phrases")
def test_learned_scorer_adds_a_flag_the_rules_miss_only_when_switched_on(
    settings: Settings,
) -> None:
    settings.SAFEGUARDING_LEARNED_SCORER = False
    assert says_in_danger_now(SCORER_ONLY) is False

    settings.SAFEGUARDING_LEARNED_SCORER = True
    assert says_in_danger_now(SCORER_ONLY) is True
    assert crisis_match(SCORER_ONLY, learned=True).kind == LEARNED
    assert says_in_danger_now("How do I kill time while waiting for the panel?") is False


def test_learned_scorer_never_replaces_what_the_rules_found() -> None:
    assert crisis_match("he is hitting me right now", learned=True).kind == DANGER_NOW
    assert crisis_match("i wanna die", learned=True).kind == SELF_HARM


def test_question_the_scorer_flags_gets_help_now_when_it_is_on(
    live_event: LiveEvent, settings: Settings
) -> None:
    settings.SAFEGUARDING_LEARNED_SCORER = True

    outcome = guest_asks(live_event, SCORER_ONLY)

    assert outcome.help_now is True
    assert Question.objects.get(body=SCORER_ONLY).is_urgent is True


# Questions about a crisis that one of the weaker rules flags (not corpus messages).
ABOUT_A_CRISIS = [
    "my nephew wants to hurt the lad who bullied him at school, how do we handle it?",
    "our youth group is running a session on how volunteers should answer a caller who is "
    "suicidal, any leaflets?",
    "can I claim criminal injuries compensation for being attacked outside a pub",
]


@pytest.mark.parametrize("text", ABOUT_A_CRISIS)
def test_learned_scorer_overrules_a_weak_rule_on_a_question_about_a_crisis(text: str) -> None:
    assert crisis_match(text) is not None
    assert crisis_match(text, learned=True) is None


@pytest.fixture
def overruling_scorer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A learned layer that overrules every flag it may, and adds none."""
    committed = crisis_scorer.committed_scorer()
    overruling = dataclasses.replace(
        committed, threshold=1.0, veto_below=1.0, strong_veto_below=1.0
    )
    monkeypatch.setattr(crisis_scorer, "committed_scorer", lambda: overruling)


@pytest.mark.usefixtures("overruling_scorer")
def test_learned_layer_may_overrule_any_flag_but_an_always_urgent_staff_phrase() -> None:
    assert crisis_match(ABOUT_A_CRISIS[0], learned=True) is None
    assert crisis_match("i am going to kill myself", learned=True) is None
    assert crisis_match("he is outside my flat", learned=True) is None
    staff = ("wants to hurt", "blue door code")

    assert (
        crisis_match("my son wants to hurt the boy", staff, learned=True, always_urgent=()) is None
    )
    match = crisis_match(
        "my son wants to hurt the boy", staff, learned=True, always_urgent=("wants to hurt",)
    )
    assert match == CrisisMatch(STAFF_PHRASE, "wants to hurt")
    # a caller that does not say which phrases are always urgent gets them all so
    assert crisis_match("the blue door code", staff, learned=True).kind == STAFF_PHRASE


@pytest.mark.usefixtures("overruling_scorer")
def test_staff_phrase_marked_always_urgent_makes_the_question_urgent_whatever_the_scorer_says(
    live_event: LiveEvent, settings: Settings
) -> None:
    settings.SAFEGUARDING_LEARNED_SCORER = True
    SafeguardingPhrase.objects.create(kind="crisis", phrase="red umbrella", always_urgent=True)
    SafeguardingPhrase.objects.create(kind="crisis", phrase="green umbrella")

    always = guest_asks(live_event, "I have the red umbrella with me")
    reviewed = guest_asks(live_event, "I have the green umbrella with me")

    assert always.help_now is True
    assert Question.objects.get(body="I have the red umbrella with me").is_urgent is True
    assert reviewed.help_now is False
    assert Question.objects.get(body="I have the green umbrella with me").is_urgent is False


def test_new_wordings_of_a_crisis_are_caught_by_the_rules() -> None:
    assert crisis_match("got a text saying ur dead when i find u").kind == DANGER_NOW
    assert crisis_match("he said tonight is the last night ill be alive") is not None
    assert crisis_match("theres blood on the floor and hes still shouting") is not None
    assert crisis_match("cut again and its deeper this time").kind == SELF_HARM
    assert crisis_match("she keeps posting goodbyes and wont answer").kind == SELF_HARM
    assert crisis_match("been thinking about driving into a wall").kind == SELF_HARM
    assert crisis_match('my dad texted "sorry for everything" and his phone is off') is not None
    assert crisis_match("HE HAS KICKED THE FRONT DOOR IN").kind == DANGER_NOW
    assert crisis_match("hes pinned her against the wall").kind == DANGER_NOW
    assert crisis_match("i took about 30 of my painkillers").kind == SELF_HARM
    assert crisis_match("i have decided when im going to do it").kind == SELF_HARM


def test_a_question_about_a_crisis_told_or_framed_elsewhere_is_not_one() -> None:
    assert crisis_match("if a pupil tells me they are self harming what do I do") is None
    assert crisis_match("what training do staff get for callers who are suicidal") is None
    assert crisis_match("my friends say ill kill you as a joke, is that a crime") is None
    assert crisis_match("she took an overdose years ago and is doing well now") is None
    assert crisis_match("they have not threatened me, they just message a lot") is None
    assert crisis_match("my essay is killing me, can I email my question") is None
    assert crisis_match("i was punched outside a club in march, can i claim") is None
    # the same framings with something happening now are still flagged
    assert crisis_match("i was punched in march and hes outside right now")
    assert crisis_match("she took an overdose years ago and has taken one again tonight")


# Issue 29's everyday hate crime and learning-disability plain English: not an emergency.
EVERYDAY_NOT_URGENT = [
    "People keep calling me names because I have a learning disability",
    "they call me names on the bus",
    "they laugh at me and take my money",
    "My battery is about to die so I'll be quick",
]


@pytest.mark.parametrize("body", EVERYDAY_NOT_URGENT)
def test_everyday_hate_crime_and_plain_english_are_not_urgent_with_the_learned_layer(
    live_event: LiveEvent, settings: Settings, body: str
) -> None:
    settings.SAFEGUARDING_LEARNED_SCORER = True

    outcome = guest_asks(live_event, body)

    assert outcome.help_now is False
    assert Question.objects.get(body=body).is_urgent is False


@pytest.mark.parametrize(
    "text",
    [
        # a what-if with words between "if someone" and the verb
        "what should i do if someone at my work keeps threatening me",
        # a professional asking how to help
        "how can we support pupils who self harm",
        # past markers beyond the calendar
        "he hit me a few weeks ago, can i still report it",
        "she threatened to stab me a while back, is it too late to tell the police",
        # "again" inside "against" is not a sign of now
        "he hit me years ago, is there a law against it",
        # a general question about refuges and danger
        "how do refuges decide who is in the most danger",
    ],
)
def test_time_and_stance_keep_a_question_about_violence_from_being_urgent(text: str) -> None:
    assert crisis_match(text) is None


def test_a_past_marker_does_not_hide_danger_that_is_happening_now() -> None:
    assert crisis_match("he hit me a few weeks ago and now hes outside with a knife") is not None


@pytest.mark.parametrize(
    "text",
    [
        # a past weekday after a past verb is a past account, like "last week"
        "some men threw a bottle at me when i was walking home on saturday",
        "girls at college pulled my hair and called me names yesterday",
        # everyday words after "don't want to go on / wake up / be around"
        "I don't want to go on the bus anymore because of the teenagers.",
        "I don't want to wake up to more letters from the bailiffs",
        # a last day somewhere is not a last day alive
        "it's my last day at work today, thank you everyone",
        # people in the street are not in the home
        "people in my street laugh at me because I talk different",
        "i've been cutting back on food to save money, is there a food bank?",
    ],
)
def test_everyday_words_near_a_rule_are_not_a_crisis(text: str) -> None:
    assert crisis_match(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "he said he is coming round on saturday to kill me",
        "he hit me yesterday and he's outside now",
        "I don't want to wake up tomorrow",
        "this is my last day on earth",
        "there are people in my house and they won't leave",
        # a means misspelt as another English word
        "took an overdoes of my tablets about 20 mins ago",
    ],
)
def test_the_same_rules_still_catch_the_crisis_beside_them(text: str) -> None:
    assert crisis_match(text) is not None


def test_a_date_ahead_does_not_turn_not_being_around_into_a_past_account() -> None:
    # "in June" is a past marker ("he hit me in June"), but not beside "I won't be at": the
    # learned layer may read the farewell.
    farewell = verdict_of("I wont be at my son's wedding in June")
    past = verdict_of("He hit me in June, can I still report it?")

    assert farewell.about_a_crisis is False
    assert past.about_a_crisis is True


def verdict_of(text: str) -> RulesVerdict:
    return rules_verdict(normalise(text))
