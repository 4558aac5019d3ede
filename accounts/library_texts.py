"""The words django-allauth and Django's password checks put on our account and 2-step
verification pages, named here so that `makemessages` keeps their Welsh in accounts/locale/
(allauth ships no Welsh, and Django's Welsh lacks the password checks). Our own words for
allauth's errors are in accounts/adapter.py; its field labels are replaced in
templates/allauth/includes/ and templates/mfa/.

Written for django-allauth 65 and Django 5.2: each text must be a msgid the library has
exactly, and tests/test_translations.py checks that it still is after an upgrade."""

from django.utils.translation import gettext_noop, ngettext_lazy

ALLAUTH_TEXTS = (
    # Form errors that reach our pages (allauth's adapter and forms).
    gettext_noop("You must type the same password each time."),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    # The reauthentication page's other ways to confirm it is you (templates/account/).
    gettext_noop("Send me a sign-in code"),
    # Field labels and placeholders (our templates write their own labels; these stay right
    # for any field that falls back to allauth's).
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Code"),
    # allauth.mfa's: the authenticator set-up form's code field (its placeholder is "Code").
    # Its other words on the 2-step pages are its errors: "Incorrect code." and the unverified
    # email one are replaced by ours (accounts/adapter.py), the rest are listed above.
    gettext_noop("Authenticator code"),
    gettext_noop("Forgot your password?"),
)

DJANGO_TEXTS = (
    # django.contrib.auth's password validators (AUTH_PASSWORD_VALIDATORS).
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    # Django's own Welsh says "ebost": ours says "e-bost" everywhere.
    gettext_noop("Enter a valid email address."),
)

# (The Welsh account pages' test signs up with a short password: it fails if this changes.)
DJANGO_PLURAL_TEXTS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
)
