"""Korean particles (조사) chosen by how a word ends when read aloud, so that no sentence shows both
forms of a particle with one in brackets.

`josa("빛고을", "을/를")` gives "빛고을을"; `particle("AI", "이/가")` gives "가". The pair is
written "after a consonant / after a vowel" in either order ("을/를" or "를/을");
"으로/로" also takes "로" after ㄹ. Words that end in digits or Latin letters are read as a
Korean speaker reads them:
"3" is 삼, "10" is 십, "2030" ends in 십, "L" is 엘, "AI" ends in 아이, "file" ends in ㄹ.
"""

from __future__ import annotations

# pairs as (after a consonant, after a vowel)
_PAIRS: dict[str, tuple[str, str]] = {}
for _consonant, _vowel in (
    ("을", "를"),
    ("이", "가"),
    ("은", "는"),
    ("과", "와"),
    ("으로", "로"),
    ("아", "야"),
    ("이나", "나"),
    ("이랑", "랑"),
    ("이며", "며"),
    ("이라는", "라는"),
    ("이라고", "라고"),
    ("이에요", "예요"),
    ("이었", "였"),
):
    _PAIRS[f"{_consonant}/{_vowel}"] = (_consonant, _vowel)
    _PAIRS[f"{_vowel}/{_consonant}"] = (_consonant, _vowel)

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the final consonants (jongseong)

# How the last digit is read: None (ends in a vowel), "ㄹ", or another final consonant.
_DIGITS = {
    "0": "ㅇ",  # 영
    "1": "ㄹ",  # 일
    "2": None,  # 이
    "3": "ㅁ",  # 삼
    "4": None,  # 사
    "5": None,  # 오
    "6": "ㄱ",  # 육
    "7": "ㄹ",  # 칠
    "8": "ㄹ",  # 팔
    "9": None,  # 구
}
# Powers of ten read by their unit: 십 (ㅂ), 백 (ㄱ), 천 (ㄴ), 만 (ㄴ).
_TENS = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 0: "ㄴ"}
# Latin letters read by name: A 에이, … L 엘, M 엠, N 엔, R 알.
_LETTERS = {"L": "ㄹ", "R": "ㄹ", "M": "ㅁ", "N": "ㄴ"}
# Closing marks a particle follows but that are not read.
_TRAILING = " \t\n\"'”’»)]}>.,!?…"


def _final(word: str) -> str | None:
    """The final consonant of the word's last sound: None for a vowel, "ㄹ" for ㄹ, another
    jamo-like marker for other consonants, or "?" when it cannot be told."""
    text = word.rstrip(_TRAILING)
    if not text:
        return "?"
    last = text[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        jong = (code - _HANGUL_FIRST) % 28
        if jong == 0:
            return None
        return "ㄹ" if jong == _RIEUL else "ㄱ"
    if last.isdigit():
        digits = ""
        for char in reversed(text):
            if not char.isdigit():
                break
            digits = char + digits
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        if not stripped:
            return _DIGITS["0"]
        if zeros == 0:
            return _DIGITS[stripped[-1]]
        return _TENS[zeros % 4]
    if last.isascii() and last.isalpha():
        token = ""  # nosec B105  # a word being read, not a password
        for char in reversed(text):
            if not (char.isascii() and char.isalpha()):
                break
            token = char + token
        if token.isupper() or len(token) == 1:
            return _LETTERS.get(last.upper())
        lower = token.lower()
        if lower.endswith(("l", "le")):
            return "ㄹ"
        if lower.endswith(("m", "n", "ng", "k", "p", "b")):
            return "ㄴ"
        return None
    return "?"


def particle(word: str, pair: str) -> str:
    """The particle of `pair` ("을/를", "이/가", "은/는", "으로/로", …) that follows `word`."""
    try:
        consonant, vowel = _PAIRS[pair]
    except KeyError:
        raise ValueError(f"unknown particle pair: {pair!r}") from None
    final = _final(str(word))
    if final == "?":
        # Not Korean, digits or Latin (e.g. an emoji): the vowel form reads least oddly.
        return vowel
    if final is None:
        return vowel
    if consonant == "으로" and final == "ㄹ":
        return vowel
    return consonant


def josa(word: object, pair: str) -> str:
    """`word` followed by the right particle of `pair`: josa("관리자", "으로/로") == "관리자로"."""
    text = str(word)
    return text + particle(text, pair)
