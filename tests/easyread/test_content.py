"""The Easy Read words follow the guidance the view promises (docs/accessibility.md): at most
15 words a line, no acronyms, and every picture named with a text alternative and present."""

import re
from pathlib import Path

import pytest

from easyread import content
from easyread.pictograms import ALT_TEXT

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = [value for value in vars(content).values() if isinstance(value, content.Section)]
LINES = [line for section in SECTIONS for line in section.lines]
WORD = re.compile(r"[A-Za-z0-9'\u2019]+")
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# Relay UK is a name, not an acronym: "UK" is how the service is called.
NAMES = {"UK"}


@pytest.mark.parametrize("text", [str(line.text) for line in LINES])
def test_every_line_is_short_and_has_no_acronym(text: str) -> None:
    assert len(WORD.findall(text)) <= 15, text
    assert set(ACRONYM.findall(text)) <= NAMES, text


def test_every_picture_used_has_its_file_and_a_text_alternative() -> None:
    used = {line.picture for line in LINES} | {
        picture for picture, _ in content.QUESTION_STATE_MESSAGES.values()
    }
    assert used <= set(ALT_TEXT)
    for name in ALT_TEXT:
        assert (ROOT / "static/easyread/pictograms" / f"{name}.svg").is_file(), name
        assert str(ALT_TEXT[name]).startswith("Picture of "), name
    folder = ROOT / "static/easyread/pictograms"
    assert (folder / "LICENSE.txt").is_file()
    assert "CC BY-SA 4.0" in (folder / "README.md").read_text()


def test_every_live_question_state_has_an_easy_read_message() -> None:
    from chat.enums import QuestionState

    assert set(content.QUESTION_STATE_MESSAGES) == set(QuestionState.values)


def test_the_welsh_catalogue_is_complete() -> None:
    catalogue = (ROOT / "easyread/locale/cy/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = [entry for entry in catalogue.split("\n\n") if "\nmsgid " in f"\n{entry}"]
    untranslated = []
    for entry in entries[1:]:  # the first is the header
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', entry.split("msgstr")[0], re.M))
        msgstr = "".join(re.findall(r'"(.*)"', entry.split("msgstr", 1)[1]))
        if not msgstr or "#, fuzzy" in entry:
            untranslated.append(msgid)
    assert len(entries) > 80
    assert untranslated == []
    for line in LINES:
        assert f'msgid "{line.text}"' in catalogue, line.text
