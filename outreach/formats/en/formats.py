"""English as written in the UK: the site's English is British (dates typed and shown day
first, 07/12/2026 is 7 December), while its language code stays "en" (the chooser, the
kept pages' keys). Django's "en" formats are American (month first)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403 - the whole of Django's en_GB formats
