"""Reads for safeguarding: the crisis phrases staff keep in the admin, and crisis triage with
them."""

from dataclasses import dataclass

from django.conf import settings

from safeguarding import crisis, second_reading
from safeguarding.models import SafeguardingPhrase


@dataclass(frozen=True)
class CrisisPhrases:
    phrases: tuple[str, ...]  # the active crisis phrases
    always_urgent: tuple[str, ...]  # those the learned layer may never overrule

    @classmethod
    def none(cls) -> "CrisisPhrases":
        return cls((), ())


def crisis_phrases() -> CrisisPhrases:
    """The active crisis phrases in the admin, and which of them are marked always urgent."""
    rows = SafeguardingPhrase.objects.filter(
        kind=SafeguardingPhrase.Kind.CRISIS, is_active=True
    ).values_list("phrase", "always_urgent")
    phrases = tuple(rows)
    return CrisisPhrases(
        tuple(phrase for phrase, _ in phrases),
        tuple(phrase for phrase, always in phrases if always),
    )


def question_in_danger_now(text: str, phrases: CrisisPhrases | None = None) -> bool:
    """Someone is in danger now, or at risk of suicide or self-harm (safeguarding.crisis), with
    the staff's crisis phrases beside the rules and, unless SAFEGUARDING_LEARNED_SCORER is off,
    the learned layer, which may overrule any flag but one from a phrase marked always
    urgent (docs/safeguarding.md, "Overrules")."""
    staff = phrases if phrases is not None else crisis_phrases()
    match = crisis.crisis_match(
        text,
        staff.phrases,
        learned=settings.SAFEGUARDING_LEARNED_SCORER,
        always_urgent=staff.always_urgent,
    )
    return match is not None


def second_reading_on() -> bool:
    """Whether questions the ask path's triage lets through are read again, whole, by a
    worker (SAFEGUARDING_SENTENCE_MODEL, and the model where make install puts it). Cheap:
    the web process asks this for every question and never loads the model itself."""
    return settings.SAFEGUARDING_SENTENCE_MODEL and second_reading.model_installed()


def crisis_on_second_reading(text: str) -> bool:
    """The second reading: someone may be in danger now or at risk of suicide or self-harm,
    read by a model of whole sentences, in a question the rules (with the staff's crisis
    phrases) let through (docs/safeguarding.md, "The second reading")."""
    return second_reading.adds_flag(text, crisis_phrases().phrases)
