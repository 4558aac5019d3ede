"""The first names the personal-details finder knows (safeguarding/first_names.txt), made from
Faker's person providers (a test dependency: the finder reads only the committed list).

Faker's lists are the first names people are given in each locale, from each country's
statistics; these locales are the UK's and those of the languages most spoken in it after
English. Kept: names in Latin letters of three or more, less the ones that, capitalised in a
question, are more often something else: months, virtues and flowers, places, counties and
countries, churches and saints ("May", "Grace", "Chelsea", "Victoria", "Christian").
"""

import importlib
import pkgutil
import re

from wordfreq import zipf_frequency

# Every locale Faker has: people in the UK are named from everywhere. A name that is also a
# common English word is kept only if an English-speaking locale lists it ("Guy", "Don" are
# English names; Dutch "Bas" is not taken over "bas").
ENGLISH_LOCALES = ("en_GB", "en_IE", "en_US")
COMMON_AT = 4.3
NOT_NAMES_CAPITALISED = frozenset(
    re.findall(
        r"\S+",
        """
    will may mark bill hope grace faith joy rose iris lily holly ivy jade pearl ruby amber
    crystal dawn summer autumn winter spring april june july august january march
    victoria albert chelsea jordan florence paris lincoln austin kent devon sandy virginia
    georgia carolina india china israel kenya jamaica ireland france holland england wales
    scotland britain london york chester preston kingston hamilton clifton stanley
    christian christ christmas easter angel king queen prince princess duke earl baron lord
    crown court street park lane dean dale glen hill brook brooks wood woods ford field
    fields marsh moss ash oak rowan heath forest river rain storm sky star sunny
    gay sunday monday friday tuesday sonny bobby cash penny price hunter porter parker
    baker carter cook mason taylor miller fisher turner walker young white black brown green
    gray grey page royal rich wills major general rev nazi isis jesus mars alpha oral
    mercy noble pleasant canal wells burns mills diamond candy clay jet sole con chase
    alabama missouri cleveland denver brooklyn sydney francisco washington texas florida
    boston clinton kennedy manchester liverpool bristol birmingham camden
    """,
    )
)


def _names(locale: str) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names: set[str] = set()
    for attribute in ("first_names", "first_names_male", "first_names_female"):
        listed = getattr(provider, attribute, None)
        if isinstance(listed, (list, tuple, dict, set, frozenset)):
            names.update(name.lower() for name in listed)
    return names


def first_names() -> list[str]:
    import faker.providers.person

    locales = sorted(m.name for m in pkgutil.iter_modules(faker.providers.person.__path__))
    english = set().union(*(_names(locale) for locale in ENGLISH_LOCALES if locale in locales))
    names = set().union(*(_names(locale) for locale in locales))
    kept = {
        name
        for name in names
        if len(name) >= 3
        and name.isascii()
        and name.replace("-", "").replace("'", "").isalpha()
        and name not in NOT_NAMES_CAPITALISED
        and (name in english or zipf_frequency(name, "en") < COMMON_AT)
    }
    return sorted(kept)


def first_names_text() -> str:
    return (
        "# Written by manage.py safeguarding_train --first-names "
        "(safeguarding/evaluation/first_names.py); do not edit by hand.\n"
        + "\n".join(first_names())
        + "\n"
    )
