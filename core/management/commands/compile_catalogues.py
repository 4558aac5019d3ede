"""Compile every committed .po catalogue to its .mo, without GNU gettext, and write the
public scripts' catalogue for each language as a static file (static/jsi18n/<code>.js).

Django's own compilemessages needs msgfmt, which a fresh machine may lack; Babel reads and
writes the same files in pure Python. make install, make run, make test and CI run this;
the .mo files are not committed (.gitignore). docs/accessibility.md, "Languages".
"""

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand, CommandError

from core.catalogues import catalogue_files, write_script_catalogues


class Command(BaseCommand):
    help = "Compile the project's and apps' .po catalogues to .mo (no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for po_path in catalogue_files():
            mo_path = po_path.with_suffix(".mo")
            if _up_to_date(po_path, mo_path):
                continue
            try:
                with po_path.open("rb") as po_file:
                    catalogue = read_po(po_file, abort_invalid=True)
            except Exception as invalid:  # Babel raises several kinds for a bad file
                raise CommandError(f"{po_path}: {invalid}") from invalid
            partial = mo_path.with_suffix(".mo.partial")
            with partial.open("wb") as mo_file:
                # Fuzzy entries are left out, as msgfmt does: a guess is never shown.
                write_mo(mo_file, catalogue, use_fuzzy=False)
            partial.replace(mo_path)
            compiled += 1
        # After the .mo files: the scripts' catalogues are built from them.
        written = write_script_catalogues()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{compiled} catalogue(s) compiled; {len(written)} script catalogue(s) written"
            )


def _up_to_date(po_path: Path, mo_path: Path) -> bool:
    return mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime
