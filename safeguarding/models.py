"""Safeguarding's own data: the phrases staff keep in the admin.

The table keeps the name it had when this model lived in the chat app."""

from django.db import models


class SafeguardingPhrase(models.Model):
    """Words staff keep in the admin: crisis phrases mark a question urgent and send its asker
    emergency help; blocked words flag it for the moderator. Neither publishes anything."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", "Someone may be in danger now"
        BLOCKED = "blocked", "Blocked word (flag for the moderator)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    phrase = models.CharField(
        max_length=100,
        help_text=(
            "Matched as whole words, ignoring case and spacing. A crisis phrase is read the way "
            "the question is (punctuation, apostrophes, text-speak and common misspellings "
            'ignored: "hes gonna" matches "he\'s going to"), and is not matched in a figure '
            'of speech or talk about a subject ("suicide prevention") or in an account only '
            "about the past."
        ),
    )
    is_active = models.BooleanField(default=True)
    always_urgent = models.BooleanField(
        "always urgent",
        default=False,
        help_text=(
            "Crisis phrases only. A question with a crisis phrase is marked urgent, but the "
            "learned check that reads each question as a whole may clear the mark when it is "
            "confident the question is not a crisis (as it may for the built-in rules). Tick "
            "this and it never may: every question with this phrase is urgent and its asker "
            "is shown emergency help."
        ),
    )

    class Meta:
        db_table = "chat_safeguardingphrase"
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "phrase"], name="safeguarding_phrase_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.phrase}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.phrase = " ".join(self.phrase.lower().split())
        super().save(*args, **kwargs)  # type: ignore[arg-type]
