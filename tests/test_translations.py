"""Korean is the default and English is complete: every msgid has a translation in both."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import update_messages  # noqa: E402  (a script, not a package)


def catalogue_paths() -> list[Path]:
    return sorted(ROOT.glob("bitgoeul/**/locale/*/LC_MESSAGES/django.po"))


def test_both_languages_have_catalogues() -> None:
    languages = {path.parts[-3] for path in catalogue_paths()}
    assert languages == {"ko", "en"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_msgid_is_translated(language: str) -> None:
    assert update_messages.untranslated(language) == []


def test_catalogues_hold_every_string_in_the_code(tmp_path: Path) -> None:
    """Extract the strings again; a msgid the catalogues lack shows up untranslated."""
    saved = {path: tmp_path / f"{index}.po" for index, path in enumerate(catalogue_paths())}
    for path, copy in saved.items():
        shutil.copy2(path, copy)
    try:
        update_messages.extract()
        missing = update_messages.untranslated("ko") + update_messages.untranslated("en")
    finally:
        for path, copy in saved.items():
            shutil.copy2(copy, path)
        for path in catalogue_paths():
            if path not in saved:  # a new app's catalogue created by the extraction
                path.unlink()
    assert missing == []


def test_korean_plural_forms_header() -> None:
    for path in catalogue_paths():
        if path.parts[-3] == "ko":
            assert polib.pofile(str(path)).metadata["Plural-Forms"] == "nplurals=1; plural=0;"
