"""Crisis triage's second reading (safeguarding.second_reading): the committed weights are what
training gives, and the setting and a missing model turn it off, with one log line."""

import json
from pathlib import Path

import pytest
from pytest_django import Settings

from safeguarding import second_reading
from safeguarding.evaluation import scoring as safeguarding_eval

# Not a corpus message: a farewell the rules do not flag.
FAREWELL = "thank you for everything, i wont be needing the appointment next month"


@pytest.fixture(autouse=True)
def _fresh_model() -> None:
    second_reading.loaded_model.cache_clear()
    yield
    second_reading.loaded_model.cache_clear()


def test_committed_second_reading_is_what_training_on_the_dev_messages_gives() -> None:
    # So the weights cannot drift from the corpus: change the corpus or the training and this
    # fails until `manage.py safeguarding_train --second-reading` is run again. (Within a
    # rounding place: the sentence vectors' last bits depend on BLAS's threads.)
    trained = safeguarding_eval.train_second_reading()
    committed = json.loads(second_reading.WEIGHTS_PATH.read_text(encoding="utf-8"))

    assert safeguarding_eval.same_second_reading(committed, trained)


def test_the_weights_check_notices_a_changed_weight() -> None:
    committed = json.loads(second_reading.WEIGHTS_PATH.read_text(encoding="utf-8"))
    changed = {**committed, "sentence_weights": [w + 0.01 for w in committed["sentence_weights"]]}

    assert safeguarding_eval.same_second_reading(committed, committed)
    assert not safeguarding_eval.same_second_reading(committed, changed)


def test_second_reading_gives_a_probability_when_on(settings: Settings) -> None:
    settings.SAFEGUARDING_SENTENCE_MODEL = True

    crisis = second_reading.second_reading_probability(FAREWELL)
    ordinary = second_reading.second_reading_probability("what time does the webchat start")

    assert crisis is not None and ordinary is not None
    assert crisis > second_reading.committed_reading().threshold > ordinary


def test_second_reading_gives_nothing_when_switched_off(settings: Settings) -> None:
    settings.SAFEGUARDING_SENTENCE_MODEL = False

    assert second_reading.second_reading_probability(FAREWELL) is None
    assert second_reading.adds_flag(FAREWELL) is False
    assert second_reading.loaded_model.cache_info().currsize == 0  # the model is not read


def test_a_missing_model_logs_one_line_and_triage_goes_on(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SAFEGUARDING_SENTENCE_MODEL = True
    settings.SAFEGUARDING_SENTENCE_MODEL_DIR = tmp_path / "missing"

    with caplog.at_level("ERROR", logger="safeguarding.second_reading"):
        first = second_reading.second_reading_probability(FAREWELL)
        second = second_reading.second_reading_probability(FAREWELL)

    assert (first, second) == (None, None)
    assert second_reading.is_on() is False
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "Crisis triage's second reading is off"
    ]


@pytest.mark.parametrize(
    "greeting", ["ok", "hello", "thanks", "bye", "first", "second", "Hi there", "thank you!!"]
)
def test_a_greeting_or_a_word_or_two_is_never_read_as_a_crisis(greeting: str) -> None:
    """The sentence model reads "ok" or "thanks" as a crisis (the corpus has no ordinary
    question that short); people type them in a webchat, and a help box for each would be
    noise. Short crisis messages are the rules' (tests/safeguarding/test_triage.py)."""
    assert not second_reading.adds_flag(greeting)


def test_a_farewell_the_rules_let_through_is_read_as_a_crisis() -> None:
    text = "I have written letters for my kids and put them in the drawer"
    assert second_reading.adds_flag(text)
    assert not second_reading.adds_flag("Can I report something that happened last year?")
