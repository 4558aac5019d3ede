"""textstat without a download at run time.

textstat (written for 0.7.13) counts syllables from NLTK's copy of the CMU Pronouncing
Dictionary, which it downloads on first use (`nltk.download('cmudict')`); here nothing may
download at run time, and a download from inside a request would hang it. Where the
dictionary has no word, textstat counts its syllables with Pyphen's hyphenation patterns,
which ship inside the pyphen package. This module makes that textstat's only path: its
dictionary lookup answers "no dictionary", as it does for every language but English.

It leans on one name inside textstat, `textstat.backend.counts._count_syllables.get_cmudict`.
Its version is checked when the app starts (`check_version`, cheap); textstat itself (with
NLTK, seconds to import) is imported at the first hint, not by every process that starts,
and the path in use is logged then, once. EASY_READ_TEXTSTAT_OFFLINE=false leaves textstat
as it is (with NLTK's cmudict installed where NLTK looks for it).
"""

import functools
import logging
from importlib import import_module
from importlib.metadata import version
from types import ModuleType

from django.conf import settings

logger = logging.getLogger(__name__)

WRITTEN_FOR = ("0.7.",)
_COUNTER_MODULE = "textstat.backend.counts._count_syllables"


def check_version() -> None:
    """At start-up: refuse a textstat this module was not written for."""
    installed = version("textstat")
    if settings.EASY_READ_TEXTSTAT_OFFLINE and not installed.startswith(WRITTEN_FOR):
        raise RuntimeError(
            f"textstat {installed} is not the one easyread/syllables.py was written for "
            f"({WRITTEN_FOR}); check its syllable counting and update the module"
        )


def _no_dictionary(lang: str) -> None:
    return None


@functools.cache
def offline_textstat() -> ModuleType:
    """textstat, its syllables counted with Pyphen alone (unless switched off)."""
    textstat = import_module("textstat")
    if not settings.EASY_READ_TEXTSTAT_OFFLINE:
        logger.info("readability: textstat as installed (EASY_READ_TEXTSTAT_OFFLINE=false)")
        return textstat
    counter = import_module(_COUNTER_MODULE)
    if not callable(getattr(counter, "get_cmudict", None)):
        # Refuse to guess: a readability hint is not worth a request hanging on a download.
        raise RuntimeError("textstat has no get_cmudict to replace: update easyread/syllables.py")
    counter.get_cmudict = _no_dictionary  # type: ignore[attr-defined]
    logger.info("readability: textstat %s counts syllables with Pyphen only", version("textstat"))
    return textstat
