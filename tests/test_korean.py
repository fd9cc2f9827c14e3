"""The particle helper: Korean, digits and Latin endings, and the template filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import engines

from bitgoeul.core.korean import josa, particle


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("(주)그린데이터", "을/를", "(주)그린데이터를"),
        ("빛고을", "을/를", "빛고을을"),
        ("관리자", "으로/로", "관리자로"),
        ("구성원", "으로/로", "구성원으로"),
        ("서울", "으로/로", "서울로"),  # ㄹ takes 로
        ("“abc”", "은/는", "“abc”는"),
        ("2030-01-01", "이/가", "2030-01-01이"),  # 일
        ("2030", "이/가", "2030이"),  # 삼십
        ("버전 2", "은/는", "버전 2는"),  # 이
        ("3", "을/를", "3을"),  # 삼
        ("7", "으로/로", "7로"),  # 칠 ends in ㄹ
        ("100", "이/가", "100이"),  # 백
        ("AI", "이/가", "AI가"),  # 에이아이
        ("URL", "을/를", "URL을"),  # 엘
        ("URL", "으로/로", "URL로"),
        ("KSIC M", "과/와", "KSIC M과"),  # 엠
        ("file", "을/를", "file을"),
        ("data", "을/를", "data를"),
        ("기업", "와/과", "기업과"),
        ("회사", "와/과", "회사와"),
        ("", "을/를", "를"),
    ],
)
def test_josa_reads_the_last_sound(word: str, pair: str, expected: str) -> None:
    assert josa(word, pair) == expected


def test_particle_accepts_either_order_and_rejects_unknown_pairs() -> None:
    assert (particle("기업", "를/을"), particle("회사", "를/을")) == ("을", "를")
    with pytest.raises(ValueError):
        particle("기업", "에/에게")


def test_template_filters_choose_and_escape() -> None:
    template = engines["django"].from_string(
        '{% load bitgoeul %}{{ a|josa:"을/를" }} '
        '{{ b }}{{ b|particle:"이/가" }} {{ c|josa:"은/는" }}'
    )
    html = template.render({"a": "빛고을", "b": "무등비전랩", "c": "<b>AI</b>"})
    assert html == "빛고을을 무등비전랩이 &lt;b&gt;AI&lt;/b&gt;는"


PLACEHOLDERS = (
    "을(를)",
    "를(을)",
    "이(가)",
    "가(이)",
    "은(는)",
    "는(은)",
    "(으)로",
    "와/과",
    "과/와",
)


def test_no_particle_placeholder_in_catalogues_or_templates() -> None:
    import polib

    root = Path(__file__).resolve().parents[1] / "bitgoeul"
    found = [
        (str(path.relative_to(root)), entry.msgid)
        for path in root.glob("**/locale/ko/LC_MESSAGES/django.po")
        for entry in polib.pofile(str(path))
        if any(
            p in entry.msgstr or any(p in s for s in entry.msgstr_plural.values())
            for p in PLACEHOLDERS
        )
    ]
    found += [
        (str(path.relative_to(root)), placeholder)
        for path in root.glob("**/templates/**/*.html")
        for placeholder in PLACEHOLDERS
        if placeholder in path.read_text(encoding="utf-8")
    ]
    assert found == []
