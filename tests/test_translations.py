"""The translations can be trusted: the Welsh catalogues are complete (no untranslated or
fuzzy entry, the same placeholders and markup as the English), `makemessages` would find
nothing new, and no English is left on a page read in Welsh (every word on the page comes
from the Welsh catalogues or from what staff typed, so a string nobody marked fails here).
CI runs these with the rest of the suite."""

import html as html_module
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation.trans_real import DjangoTranslation

from core.catalogues import catalogue_files
from tests.live import LiveEvent

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from django.http import HttpResponse

BASE_DIR = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%\{\w+\}|%\{\w+\}")
TAG = re.compile(r"</?([a-z]+)")
# What makemessages must not read: not the portal's own text.
IGNORED = [
    ".venv/*",
    "tests/*",
    "bench/*",
    "frontend/*",
    "deploy/*",
    "demo/*",
    "static/vendor/*",
    "static/jsi18n/*",
    "staticfiles/*",
    "*/node_modules/*",
    "node_modules/*",
    "var/*",
]


def welsh_catalogues() -> list[Path]:
    return [path for path in catalogue_files() if path.parts[-3] == "cy"]


def test_there_is_a_welsh_catalogue_for_the_pages_and_the_scripts() -> None:
    names = {(path.parent.parent.parent, path.name) for path in welsh_catalogues()}
    assert (BASE_DIR / "locale", "django.po") in names
    assert (BASE_DIR / "locale", "djangojs.po") in names
    # The accounts app's words, and allauth's and Django's on the account pages.
    assert (BASE_DIR / "accounts" / "locale", "django.po") in names


def library_msgids(*catalogues: Path) -> set[str]:
    found: set[str] = set()
    for po_path in catalogues:
        with po_path.open("rb") as po_file:
            found.update(message.id for message in read_po(po_file) if isinstance(message.id, str))
    return found


def test_the_library_texts_we_translate_are_still_the_libraries_own() -> None:
    """accounts/library_texts.py names allauth's and Django's words so that their Welsh is
    kept: after an upgrade that rewords one, its Welsh would silently stop being used."""
    import allauth
    import django

    from accounts import library_texts

    allauth_english = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    django_english = [
        Path(django.__file__).parent / part / "locale" / "en" / "LC_MESSAGES" / "django.po"
        for part in ("conf", "contrib/auth")
    ]
    allauth_ids = library_msgids(allauth_english / "django.po")
    django_ids = library_msgids(*django_english)
    assert [text for text in library_texts.ALLAUTH_TEXTS if text not in allauth_ids] == []
    assert [text for text in library_texts.DJANGO_TEXTS if text not in django_ids] == []


@pytest.mark.parametrize("po_path", welsh_catalogues(), ids=lambda path: str(path))
def test_the_welsh_catalogue_is_complete(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale="cy")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {sources[0]!r}")
        if not all(texts):
            problems.append(f"untranslated: {sources[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        for index, text in enumerate(texts):
            found = set(PLACEHOLDER.findall(text))
            # The singular form may say "one" in words instead of the number.
            if found != wanted and not (len(texts) > 1 and index == 0 and found <= wanted):
                problems.append(f"placeholders {sorted(found)} for {sorted(wanted)}: {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(sources[0])):
                problems.append(f"markup differs: {text!r}")
    assert catalogue.num_plurals == 4
    assert not catalogue.obsolete, f"obsolete entries: {list(catalogue.obsolete)}"
    assert problems == []


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied aside and `makemessages` run over it: the committed .po files,
    merged with every string the code marks now."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext, msgmerge) is needed in CI: apt-get install gettext")
        pytest.skip("GNU gettext is not installed: makemessages cannot run (CI has it)")
    copy = tmp_path_factory.mktemp("extraction") / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "var",
            "*.mo",
            "__pycache__",
            ".mypy_cache",
            ".ruff_cache",
            ".pytest_cache",
            ".import_linter_cache",
        ),
    )
    ignore = [f"--ignore={pattern}" for pattern in IGNORED]
    env = {**os.environ, "DEBUG": "true", "PYTHONPATH": str(copy)}
    for domain in ("django", "djangojs"):
        done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "makemessages", "-l", "cy", "-d", domain,
             "--no-location", *ignore],
            cwd=copy, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, f"makemessages -d {domain} failed:\n{done.stderr}"
    return copy


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_makemessages_would_add_nothing_new(fresh_extraction: Path, domain: str) -> None:
    for committed in (path for path in welsh_catalogues() if path.name == f"{domain}.po"):
        extracted = fresh_extraction / committed.relative_to(BASE_DIR)
        with committed.open("rb") as before, extracted.open("rb") as after:
            kept = {message.id for message in read_po(before) if message.id}
            merged = read_po(after)
        found = {message.id for message in merged if message.id}
        assert found - kept == set(), "marked but not in the catalogue: run makemessages"
        assert kept - found == set(), "in the catalogue but no longer marked"
        assert not merged.obsolete


# ---- No English left on a page read in Welsh ----------------------------------------------

WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ\u2019']+")
# Scripts, styles and code (a checksum, a command) are not words in a language.
SCRIPT_OR_STYLE = re.compile(r"<(script|style|code)\b.*?</\1>", re.S)
ATTRIBUTE_TEXT = re.compile(r'\s(?:aria-label|title|alt|placeholder|data-i18n[\w.-]*)="([^"]*)"')
TAGS = re.compile(r"<[^>]+>")
OTHER_LANGUAGE = re.compile(r'<(a|span)\b[^>]*\blang="(?!cy)[^"]*"[^>]*>.*?</\1>', re.S)


def catalogue_words() -> set[str]:
    """Every word of the Welsh translations: ours, and Django's own (day and month names)."""
    words: set[str] = set()
    for po_path in welsh_catalogues():
        with po_path.open("rb") as po_file:
            for message in read_po(po_file):
                texts = message.string if isinstance(message.string, tuple) else (message.string,)
                for text in texts:
                    words.update(WORD.findall(TAGS.sub(" ", PLACEHOLDER.sub(" ", text or ""))))
    django_welsh = DjangoTranslation("cy")
    for _key, text in django_welsh._catalog.items():  # Django's own catalogue
        for form in text if isinstance(text, list) else [text]:
            words.update(WORD.findall(str(form)))
    return {word.lower().strip("'\u2019") for word in words}


def data_words() -> set[str]:
    """Words staff typed (events, agencies, panellists, topics): never translated."""
    from events.models import Agency, Event, Panellist, PanelSeat, Topic

    words = set(WORD.findall(settings.SITE_NAME))
    for model in (Agency, Event, PanelSeat, Panellist, Topic):
        for row in model.objects.all():
            for field in row._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(value, str):
                    words.update(WORD.findall(value))
    return {word.lower().strip("'\u2019") for word in words}


def visible_words(html: str) -> set[str]:
    html = SCRIPT_OR_STYLE.sub(" ", html)
    # Text marked as another language is meant to be in it (the chooser's "English").
    html = OTHER_LANGUAGE.sub(" ", html)
    texts = ATTRIBUTE_TEXT.findall(html)
    body = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    texts.append(TAGS.sub(" ", body))
    words = set()
    for text in texts:
        text = html_module.unescape(text)
        text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
        words.update(word.lower().strip("'\u2019") for word in WORD.findall(text))
    return words - {""}


@pytest.fixture
def webchat_with_items(live: LiveEvent) -> LiveEvent:
    """The live webchat with an item published, and another webchat finished and archived
    (its words are Welsh words from the catalogue: what people type is never translated)."""
    from chat import services as chat_services
    from tests.chat.test_live_page import _publish
    from tests.live import asked_question, finished_webchat, make_live_event

    _publish(live, "Yn gyhoeddus")
    question = asked_question(live, "Cwestiwn", "Nina")
    chat_services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    finished_webchat(
        make_live_event("archived-chat"),
        published=("Cwestiwn", "Nina"),
        answer="Ateb",
        announcement="Cyhoeddiad",
    )
    return live


def welsh_pages(live: LiveEvent) -> dict[str, str]:
    from chat.models import Question

    slug = live.event.slug
    agency = live.event.lead_agency.slug
    published = Question.objects.filter(event=live.event, number__isnull=False).first()
    assert published is not None
    return {
        "me too": reverse("chat:me_too", args=[slug, published.pk]),
        "talk privately": reverse("support:talk", args=[slug]),
        "home": reverse("events:home"),
        "event": reverse("events:event_detail", args=[slug]),
        "live": reverse("chat:live", args=[slug]),
        "embed": reverse("chat:embed", args=[slug]),
        "staying safe": reverse("events:staying_safe"),
        "agency": reverse("events:agency_detail", args=[agency]),
        "transcripts": reverse("archive:transcripts"),
        "transcripts search": reverse("archive:transcripts") + "?q=cwestiwn",
        "transcript": reverse("archive:transcript", args=["archived-chat"]),
        "archived event": reverse("events:event_detail", args=["archived-chat"]),
        "archived live page": reverse("chat:live", args=["archived-chat"]),
        "not found": "/dim-tudalen/",
    }


@pytest.mark.django_db(transaction=True)
def test_no_english_is_left_on_the_public_pages_read_in_welsh(
    webchat_with_items: LiveEvent,
) -> None:
    allowed = catalogue_words() | data_words()
    reader = Client(HTTP_ACCEPT_LANGUAGE="cy")
    left: dict[str, set[str]] = {}
    for name, url in welsh_pages(webchat_with_items).items():
        response = reader.get(url)
        assert response.status_code in (200, 404), name
        assert '<html lang="cy"' in response.content.decode(), name
        english = visible_words(response.content.decode()) - allowed
        if english:
            left[name] = english
    assert left == {}, "\n".join(f"{name}: {sorted(words)}" for name, words in left.items())


@pytest.mark.django_db(transaction=True)
def test_no_english_is_left_on_the_error_pages_read_in_welsh(rf) -> None:
    from django.utils import translation

    from outreach import errors

    allowed = catalogue_words() | data_words()
    request = rf.get("/")
    left = {}
    with translation.override("cy"):
        for handler, argument in (
            (errors.bad_request, Exception()),
            (errors.permission_denied, Exception()),
            (errors.page_not_found, Exception()),
        ):
            english = visible_words(handler(request, argument).content.decode()) - allowed
            if english:
                left[handler.__name__] = english
        english = visible_words(errors.server_error(request).content.decode()) - allowed
        if english:
            left["server_error"] = english
    assert left == {}


# ---- The account pages and emails, read in Welsh -----------------------------------------

READER_EMAIL = "nerys.jones@example.org"


def english_left(response: "HttpResponse", allowed: set[str]) -> set[str]:
    page = response.content.decode()
    assert '<html lang="cy"' in page
    return visible_words(page) - allowed


def read_in_welsh(
    left: dict[str, set[str]], allowed: set[str], name: str, response: "HttpResponse"
) -> str:
    """Note in `left` any English on the page `name`; the page's text, for what it says."""
    assert response.status_code == 200, name
    english = english_left(response, allowed)
    if english:
        left[name] = english
    return html_module.unescape(response.content.decode())


@pytest.mark.django_db(transaction=True)
def test_no_english_is_left_on_the_account_pages_read_in_welsh() -> None:
    """What a member of the public sees of their account, in Welsh: signing in (and getting
    the password wrong), creating an account (and a password the checks refuse), resetting
    the password, then, signed in, their questions, email, password, deleting the account
    and signing out."""
    from tests.accounts.test_accounts import PASSWORD, verified_user

    allowed = catalogue_words() | data_words()
    verified_user(READER_EMAIL)
    reader = Client(HTTP_ACCEPT_LANGUAGE="cy")
    left: dict[str, set[str]] = {}

    def check(name: str, response: "HttpResponse") -> str:
        return read_in_welsh(left, allowed, name, response)

    for name, url in {
        "sign in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "password reset sent": reverse("account_reset_password_done"),
    }.items():
        check(name, reader.get(url))
    wrong = check(
        "wrong password",
        reader.post(reverse("account_login"), {"login": READER_EMAIL, "password": "anghywir"}),
    )
    assert "Mae'r cyfeiriad e-bost neu'r cyfrinair yn anghywir." in wrong
    # Sign-ups refused: each error in Welsh (Django's and allauth's password checks).
    for name, (email, password1, password2), errors in (
        (
            "refused passwords",
            ("newydd@example.org", "1234", "4321"),
            (
                "Mae'r cyfrinair hwn yn rhy gyffredin.",
                "Rhifau yn unig sydd yn y cyfrinair hwn.",
                "Rhaid iddo gynnwys o leiaf 8 nod.",
            ),
        ),
        (
            "passwords that differ",
            ("newydd@example.org", PASSWORD, PASSWORD + "!"),
            ("Rhaid i chi deipio'r un cyfrinair bob tro.",),
        ),
        (
            "password like the address",
            ("gwenllian@example.org", "gwenllian", "gwenllian"),
            ("Mae'r cyfrinair yn rhy debyg i'r cyfeiriad e-bost.",),
        ),
    ):
        refused = check(
            name,
            reader.post(
                reverse("account_signup"),
                {"email": email, "password1": password1, "password2": password2},
            ),
        )
        for error in errors:
            assert error in refused, (name, error)

    signed_in = reader.post(reverse("account_login"), {"login": READER_EMAIL, "password": PASSWORD})
    assert signed_in.status_code == 302
    questions = check("my questions", reader.get(reverse("chat:my_questions")))
    assert "Rydych wedi mewngofnodi." in questions  # allauth's message, ours in Welsh
    for name, url in {
        "email addresses": reverse("account_email"),
        "password change": reverse("account_change_password"),
        "delete account": reverse("accounts:delete"),
        "sign out": reverse("account_logout"),
    }.items():
        check(name, reader.get(url))
    # Deleting asks for the password again first.
    asked = reader.post(reverse("accounts:delete"), {})
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    check("confirm it is you", reader.get(asked["Location"]))
    reader.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    unticked = check("delete account unticked", reader.post(reverse("accounts:delete"), {}))
    assert "Ticiwch y blwch i gadarnhau eich bod eisiau dileu eich cyfrif" in unticked
    wrong_current = check(
        "password change wrong",
        reader.post(
            reverse("account_change_password"),
            {"oldpassword": "anghywir", "password1": PASSWORD, "password2": PASSWORD},
        ),
    )
    assert "Rhowch eich cyfrinair presennol" in wrong_current
    assert left == {}, "\n".join(f"{name}: {sorted(words)}" for name, words in left.items())


def code_in_app(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.django_db(transaction=True)
def test_no_english_is_left_on_the_two_step_verification_pages_read_in_welsh() -> None:
    """A member of the public reading in Welsh sets up an authenticator app from their account
    (getting the code wrong first), looks after their recovery codes, then signs in again with
    the second step (a wrong code, then a recovery code) and turns the app off."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from accounts.models import User
    from tests.accounts.test_accounts import PASSWORD, verified_user

    allowed = catalogue_words() | data_words()
    verified_user(READER_EMAIL)
    reader = Client(HTTP_ACCEPT_LANGUAGE="cy")
    left: dict[str, set[str]] = {}

    def check(name: str, response: "HttpResponse") -> str:
        return read_in_welsh(left, allowed, name, response)

    reader.post(reverse("account_login"), {"login": READER_EMAIL, "password": PASSWORD})
    off = check("two-step, off", reader.get(reverse("mfa_index")))
    assert "I ffwrdd</strong> Nid ydych wedi gosod ap dilysu." in off
    # Setting up the app asks for the password again first.
    asked = reader.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    reader.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    setup = reader.get(reverse("mfa_activate_totp"))
    check("set up an authenticator app", setup)
    wrong = check(
        "set up, wrong code", reader.post(reverse("mfa_activate_totp"), {"code": "000000"})
    )
    assert "Mae'r cod yn anghywir neu'n rhy hen. Teipiwch y cod diweddaraf o'ch ap." in wrong
    turned_on = check(
        "set up, right code",
        reader.post(
            reverse("mfa_activate_totp"),
            {"code": code_in_app(setup.context["form"].secret)},
            follow=True,
        ),
    )
    assert "Mae dilysu dau gam ymlaen." in turned_on  # the message, on the recovery codes
    assert "Mae gennych <strong>10</strong> cod ar ôl allan o 10." in turned_on

    on = check("two-step, on", reader.get(reverse("mfa_index")))
    assert "Ymlaen</strong> Rydych yn defnyddio ap dilysu i fewngofnodi." in on
    assert "Mae gennych <strong>10</strong> cod adfer ar ôl allan o 10." in on
    for name, url_name in {
        "recovery codes": "mfa_view_recovery_codes",
        "make new recovery codes": "mfa_generate_recovery_codes",
        "confirm it is you with a code": "mfa_reauthenticate",
        "turn off the app": "mfa_deactivate_totp",
    }.items():
        check(name, reader.get(reverse(url_name)))
    remade = check(
        "new recovery codes made",
        reader.post(reverse("mfa_generate_recovery_codes"), follow=True),
    )
    assert "Mae gennych godau adfer newydd. Cadwch nhw rywle diogel." in remade

    # Signing in again: the second step, for someone with an authenticator app.
    reader.post(reverse("account_logout"))
    reader.post(reverse("account_login"), {"login": READER_EMAIL, "password": PASSWORD})
    check("second step", reader.get(reverse("mfa_authenticate")))
    wrong = check(
        "second step, wrong code", reader.post(reverse("mfa_authenticate"), {"code": "12345678"})
    )
    assert "Mae'r cod yn anghywir neu'n rhy hen. Teipiwch y cod diweddaraf o'ch ap." in wrong
    user = User.objects.get(email=READER_EMAIL)
    recovery_code = RecoveryCodes.activate(user).get_unused_codes()[0]
    signed_in = reader.post(reverse("mfa_authenticate"), {"code": recovery_code})
    assert signed_in.status_code == 302
    # Turning the app off asks again (allauth counts only a confirmation, not the sign-in).
    asked = reader.post(reverse("mfa_deactivate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    check("confirm it is you, app on", reader.get(asked["Location"]))
    reader.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    turned_off = check("app turned off", reader.post(reverse("mfa_deactivate_totp"), follow=True))
    assert "Mae eich ap dilysu wedi'i ddiffodd." in turned_off
    assert left == {}, "\n".join(f"{name}: {sorted(words)}" for name, words in left.items())


def welsh_email_words(message: "EmailMessage") -> tuple[str, set[str]]:
    """The subject without allauth's "[site] " prefix, and the words of subject and body."""
    subject = message.subject.split("] ", 1)[-1]
    text = re.sub(r"https?://\S+", " ", f"{subject}\n{message.body}")
    return subject, {word.lower().strip("'\u2019") for word in WORD.findall(text)} - {""}


@pytest.mark.django_db(transaction=True)
def test_the_account_emails_are_in_welsh_for_a_welsh_reader() -> None:
    """allauth sends its emails in the language of the request: a person reading in Welsh
    gets them in Welsh, every word of them."""
    from django.core import mail

    from tests.accounts.test_accounts import PASSWORD, verified_user

    allowed = catalogue_words()
    verified_user(READER_EMAIL)
    reader = Client(HTTP_ACCEPT_LANGUAGE="cy")
    sent = {}
    reader.post(
        reverse("account_signup"),
        {"email": "newydd@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    sent["signup confirmation"] = mail.outbox[-1]
    reader.post(reverse("account_reset_password"), {"email": READER_EMAIL})
    sent["password reset"] = mail.outbox[-1]
    reader.post(reverse("account_reset_password"), {"email": "neb@example.org"})
    sent["unknown account"] = mail.outbox[-1]

    subjects = {name: welsh_email_words(message)[0] for name, message in sent.items()}
    assert subjects == {
        "signup confirmation": "Cadarnhau eich cyfeiriad e-bost",
        "password reset": "Gosod cyfrinair newydd",
        "unknown account": "Eich cais",
    }
    for message in sent.values():
        assert message.body.startswith("Helo,\n")
        assert message.body.rstrip().endswith(
            "Anfonwyd yr e-bost hwn yn awtomatig. Peidiwch ag ateb iddo."
        )
    english = {name: welsh_email_words(message)[1] - allowed for name, message in sent.items()}
    assert english == {name: set() for name in sent}


SCRIPT_TEXT = re.compile(r"\b(?:gettext|gettext_noop)\('((?:[^'\\]|\\.)*)'\)")
SCRIPT_PLURAL = re.compile(r"\bngettext\('((?:[^'\\]|\\.)*)',")


def test_every_text_in_the_public_scripts_is_in_the_welsh_javascript_catalogue(
    client: Client,
) -> None:
    welsh = served_catalogue(client, "cy")
    english = served_catalogue(client, "en")
    missing = []
    for script in sorted((BASE_DIR / "static" / "js").glob("*.js")):
        source = script.read_text()
        for text in SCRIPT_TEXT.findall(source) + SCRIPT_PLURAL.findall(source):
            text = text.replace("\\'", "'")
            if text not in welsh or text in english:
                missing.append((script.name, text))
    assert missing == []


def served_catalogue(client: Client, language: str) -> dict[str, object]:
    script = client.get(reverse("javascript_catalogue") + f"?lang={language}").content.decode()
    found = re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)
    return json.loads(found.group(1)) if found else {}


# Scripts whose words are staff's (the consoles): English for now (docs/accessibility.md).
STAFF_SCRIPTS = {"console.js", "support-console.js", "similar-console.js", "staffroom-pane.js"}
HUMAN_LITERAL = re.compile(r"(?<![\w.])'([A-Z][a-z]+(?: [a-z]+){2,}[^']*)'")


def test_no_public_script_shows_a_sentence_without_the_catalogue() -> None:
    """A sentence in quotes in a public script that is not a gettext call: a string
    someone forgot to mark."""
    left = []
    for script in sorted((BASE_DIR / "static" / "js").glob("*.js")):
        if script.name in STAFF_SCRIPTS:
            continue
        for number, line in enumerate(script.read_text().splitlines(), start=1):
            if line.lstrip().startswith("//"):
                continue
            for text in HUMAN_LITERAL.findall(line):
                marked = ("gettext(" in line or "gettext_noop(" in line) and f"'{text}'" in line
                if not marked:
                    left.append(f"{script.name}:{number}: {text}")
    assert left == []
