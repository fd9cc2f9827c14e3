"""Korean text → search terms, with Kiwi (kiwipiepy) loaded lazily once per process.

Text is split into words (어절) on spaces and punctuation, and each distinct word is analysed
on its own and cached. Analysing word by word loses a little context, but it is the same for
documents and queries (so they always agree), and real corpora repeat the same words so often
that the cache answers almost every word: that is what makes bulk imports fast.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# Morpheme tags that carry meaning: nouns, foreign words, numbers, Chinese characters, verb
# and adjective stems, roots. Particles (J*), endings (E*) and affixes (X*) are dropped.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "SL", "SH", "SN", "XR", "VV", "VA", "VX", "MAG"}
)
_WORD = re.compile(r"[0-9A-Za-z\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\u4e00-\u9fff]+")
# Legal-form markers that are part of many company names but never what someone searches for.
_LEGAL_FORMS = re.compile(
    r"\((주|유|사|재|합)\)|㈜|주식회사|유한회사|유한책임회사|사단법인|재단법인"
)
CACHE_LIMIT = 500_000

_lock = threading.Lock()
_kiwi: Any = None
_cache: dict[str, tuple[str, ...]] = {}
_expanded: dict[str, str] = {}  # word → `word morpheme …` (document terms)


def kiwi() -> Any:
    """The process's Kiwi analyser, loaded on first use (about two seconds)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                # The typo and multi-word dictionaries cost a third of the time and add nothing
                # to single-word analysis.
                _kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
    return _kiwi


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def words(text: str) -> list[str]:
    """The words of a text: runs of Hangul, Latin letters, digits or Hanja, lower-cased."""
    if "(" in text or "㈜" in text or "회사" in text or "법인" in text:  # as in _LEGAL_FORMS
        text = _LEGAL_FORMS.sub(" ", text)
    return _WORD.findall(normalise(text))


def _morphemes(batch: Iterable[str]) -> None:
    """Analyse the words not cached yet, all in one Kiwi call, and cache their morphemes
    (and the word followed by them, as `document_terms` writes it)."""
    wanted = list(dict.fromkeys(batch))
    missing = [w for w in wanted if w not in _cache]
    if not missing:
        return
    if len(_cache) + len(missing) > CACHE_LIMIT:
        _cache.clear()
        _expanded.clear()
        missing = wanted  # the callers read every word of the batch from the cache
    results = kiwi().tokenize(missing) if len(missing) > 1 else [kiwi().tokenize(missing[0])]
    for word, tokens in zip(missing, results, strict=True):
        forms = []
        for token in tokens:
            if token.tag.split("-")[0] in CONTENT_TAGS:
                form = normalise(token.form)
                if form != word and _WORD.fullmatch(form):
                    forms.append(form)
        _cache[word] = tuple(dict.fromkeys(forms))


def morphemes(word: str) -> tuple[str, ...]:
    """The content morphemes of one word other than the word itself (cached)."""
    if word not in _cache:
        _morphemes([word])
    return _cache[word]


def document_terms_many(texts: Sequence[str]) -> list[str]:
    """`document_terms` for many texts, with one Kiwi call for all their uncached words."""
    if len(_expanded) > CACHE_LIMIT:
        _expanded.clear()  # derived from `_cache`: safe to drop (English words only live here)
    split = [words(text) for text in texts]
    unique = set().union(*split)
    new = unique - _expanded.keys()
    if new:
        _morphemes([w for w in new if not w.isascii()])  # may empty both caches when full
        new = unique - _expanded.keys()
        _morphemes([w for w in new if not w.isascii() and w not in _cache])
        for word in new:
            _expanded[word] = word if word.isascii() else " ".join((word, *_cache[word]))
    get = _expanded.__getitem__
    return [" ".join(map(get, ws)) for ws in split]


def document_terms(text: str) -> str:
    """Index terms of a text, space-separated: every word and its content morphemes.

    `반도체장비를 만드는` gives `반도체장비를 반도체 장비 만드는 만들`; repeated terms stay
    repeated, so that BM25 sees how often a term occurs.
    """
    return document_terms_many([text])[0]


def name_terms(name: str) -> str:
    """Index terms of a name: its words plus every suffix of two syllables or more of each
    Hangul word, so that a prefix query for `에이아이` finds `빛고을에이아이`. Names are not
    analysed by Kiwi: every name is different (no cache helps), and the suffixes already make
    any part of a name findable."""
    terms: list[str] = []
    for word in words(name):
        terms.append(word)
        if not word.isascii():
            terms.extend(word[i:] for i in range(1, len(word) - 1))
    return " ".join(dict.fromkeys(terms))


def query_terms(text: str) -> list[str]:
    """Terms to look for: the content morphemes of each word typed, or the word itself when it
    has none (English words, numbers, unknown names). Duplicates removed, order kept."""
    ws = words(text)
    _morphemes([w for w in ws if not w.isascii()])
    terms: list[str] = []
    for word in ws:
        parts = _cache.get(word, ()) if not word.isascii() else ()
        # A word Kiwi keeps whole (a noun with nothing attached) is its own morpheme.
        terms.extend(parts or (word,))
    return list(dict.fromkeys(terms))


def term_set(texts: Iterable[str]) -> set[str]:
    """All terms of already-computed document terms (space-separated strings)."""
    return {term for text in texts for term in text.split()}
