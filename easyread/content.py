"""The Easy Read words of the public journey, one idea per line, each with its picture.

Written to the UK government's and Mencap's Easy Read guidance (docs/accessibility.md,
"Easy Read"): at most 15 words a line, one idea and (nearly always) one verb, no acronyms,
and a hard word explained in the next line. tests/easyread/test_content.py checks the
length and the acronyms of every line, so a new line cannot drift from the rules.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Line:
    picture: str  # a name in easyread/pictograms.py
    text: Promise


@dataclass(frozen=True)
class Section:
    slug: str
    heading: Promise
    lines: tuple[Line, ...]


WEBCHAT = Section(
    "what-is-a-webchat",
    _("What is a webchat?"),
    (
        Line("webchat", _("A webchat is a meeting on this website at a set time.")),
        Line("answer", _("People from the police and charities answer questions from the public.")),
        Line("question", _("Anyone can ask a question by typing it into a box.")),
        Line("transcript", _("You can read all the questions and answers after the webchat.")),
    ),
)

TAKING_PART = Section(
    "how-to-take-part",
    _("How to take part"),
    (
        Line("webchat", _("Open the webchat page at the time written on this page.")),
        Line("writing", _("Write your question in the box called Your question.")),
        Line("private", _("Do not write your name or your address in the question.")),
        Line("published", _("Then press the green button called Send question.")),
    ),
)

YOUR_QUESTION = Section(
    "what-happens-to-your-question",
    _("What happens to your question"),
    (
        Line("reads-first", _("A person reads every question before anyone else sees it.")),
        Line("reads-first", _("This person is called a moderator.")),
        Line("published", _("The moderator puts most questions on the page for everyone.")),
        Line("declined", _("The moderator may say no to a question with private details.")),
        Line("maybe-not-answered", _("The panel may not have time for every question.")),
        Line("answer", _("The panel is the group of people who answer the questions.")),
        Line("private", _("We never show your name next to your question.")),
        Line("private", _("We never show your email address to anyone on the page.")),
    ),
)

LEAVE_QUICKLY = Section(
    "how-to-leave-quickly",
    _("How to leave this website quickly"),
    (
        Line("leave-quickly", _("Press the red button called Exit this page at any time.")),
        Line("leave-quickly", _("The button opens a different website straight away.")),
        Line("leave-quickly", _("On a computer you can also press the Shift key 3 times.")),
        Line("private", _("Close the browser window afterwards to be extra safe.")),
    ),
)

HELP_NOW = Section(
    "get-help-now",
    _("Get help now"),
    (
        Line("emergency", _("If you are in danger now, call 999.")),
        Line("silent-call", _("If you cannot speak, call 999 on a mobile phone.")),
        Line("silent-call", _("Then press the number 5 two times on your phone.")),
        Line("silent-call", _("This is called a silent call. It tells the police you need help.")),
        Line("text-relay", _("If you are deaf, call 18000 with the Relay UK app.")),
        Line("text-relay", _("Relay UK is a free service. It turns your typing into speech.")),
    ),
)

WEBCHAT_FINISHED = Section(
    "the-webchat-has-finished",
    _("The webchat has finished"),
    (
        Line("closed", _("This webchat has finished. Thank you for taking part.")),
        Line("closed", _("You cannot ask new questions in this webchat now.")),
        Line("transcript", _("You can still read every question and answer on this page.")),
        Line("transcript", _("Soon you can also read the transcript.")),
        Line("transcript", _("A transcript is a page with all the questions and answers.")),
    ),
)

TRANSCRIPTS = Section(
    "about-transcripts",
    _("About transcripts"),
    (
        Line("transcript", _("A transcript is a page with all the questions and answers.")),
        Line("answer", _("Some answers also have an Easy Read answer.")),
        Line("private", _("We never show who asked a question.")),
    ),
)

# The sections each public page shows in the Easy Read view, by its URL name, and after
# them every page's way to get help now.
SECTIONS_BY_PAGE: dict[str, tuple[Section, ...]] = {
    "events:home": (WEBCHAT, TAKING_PART, LEAVE_QUICKLY),
    "events:event_detail": (WEBCHAT, TAKING_PART, YOUR_QUESTION),
    "chat:live": (YOUR_QUESTION, LEAVE_QUICKLY),
    "chat:embed": (YOUR_QUESTION,),
    "archive:transcripts": (TRANSCRIPTS,),
    "archive:transcript": (TRANSCRIPTS,),
    "events:staying_safe": (LEAVE_QUICKLY,),
}
EVERY_PAGE = (HELP_NOW,)

# The live page's messages about one question, by its state (chat's own question states).
QUESTION_STATE_MESSAGES: dict[str, tuple[str, Promise]] = {
    "pending": ("waiting", _("Waiting. A person will read your question first.")),
    "published": ("published", _("Your question is on the page for everyone to see.")),
    "answered": ("answer", _("The panel answered your question. Look for it on the page.")),
    "rejected": ("declined", _("The moderator said no to this question. We will not show it.")),
    "unhandled": ("maybe-not-answered", _("The panel did not have time for this question.")),
    "removed": ("declined", _("The moderator took this question off the page.")),
    "passed": ("reads-first", _("A support worker will talk to you about this question.")),
    "merged": (
        "published",
        _("Other people asked the same question. It is on the page for everyone."),
    ),
}

# What the live page says as things happen (static/js/live.js reads these in Easy Read).
LIVE_MESSAGES: dict[str, Promise] = {
    "sent": _("We got your question. A person will read it first."),
    "closed": _("Questions are closed. You cannot send a question now."),
    "empty": _("Please write your question in the box first."),
    "finished": _("This webchat has finished. Thank you for taking part."),
    "answer_title": _("Easy Read answer"),
    "answer_full": _("The full answer:"),
}

# The ask form's sentence starters: a button for each fills the question box.
SENTENCE_STARTERS: tuple[Promise, ...] = (
    _("I want to know…"),
    _("This happened to me…"),
    _("What should I do if…"),
)
