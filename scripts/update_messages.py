"""Extract translatable strings into every catalogue, then fill the English ones.

Msgids are English, so the `en` catalogue is the identity (msgstr = msgid) and is filled here;
the `ko` catalogue is translated by people. Each app may keep its own `locale/` folder (Django
finds it); the foundation apps share `bitgoeul/locale/`. Run with `make i18n`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [".venv", "static", "var", "node_modules", "tests", "benchmarks", "scripts", "docs"]


def catalogues(language: str) -> list[Path]:
    return sorted(ROOT.glob(f"bitgoeul/**/locale/{language}/LC_MESSAGES/django.po"))


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [
        sys.executable,
        "-m",
        "bitgoeul.cli",
        "makemessages",
        "-l",
        "ko",
        "-l",
        "en",
        "--no-obsolete",
        "--no-location",
        "-v",
        "0",
    ]
    command += [f"--ignore={pattern}/*" for pattern in IGNORE]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def fill_english() -> None:
    for path in catalogues("en"):
        catalogue = polib.pofile(str(path), wrapwidth=100)
        for entry in catalogue:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()


def untranslated(language: str) -> list[tuple[Path, str]]:
    missing = []
    for path in catalogues(language):
        for entry in polib.pofile(str(path)):
            empty = (
                not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
            )
            if empty or "fuzzy" in entry.flags:
                missing.append((path.relative_to(ROOT), entry.msgid))
    return missing


def main() -> int:
    extract()
    fill_english()
    missing = untranslated("ko")
    for path, msgid in missing:
        print(f"{path}: untranslated: {msgid!r}")
    print(f"{len(missing)} Korean translations missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
