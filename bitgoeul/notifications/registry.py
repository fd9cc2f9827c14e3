"""The notification kinds. An app registers each kind it sends from its `AppConfig.ready`
(`kind_register(Kind(...))`); `notify` refuses a kind nobody registered.

A kind says what a notice is about (`model`, a model label such as "companies.company"), how it
reads (`text`, called in the reader's language when shown or mailed), where it leads (`link`),
and who may see it (`can_see(user, obj)`): the check runs when the notice is sent, so nobody gets
a row about an object they may not see, and again when it is shown, so a notice whose object
the reader can no longer see (consent withdrawn, membership ended) is hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str  # stable, namespaced by the app: "companies.score_jump"
    label: str | Promise  # the name on the preferences page (lazily translated)
    model: str  # label of the model the notice is about, lower case: "companies.company"
    text: Callable[[Any, dict[str, Any]], str]  # (obj, params) -> sentence, translated
    link: Callable[[Any], str]  # obj -> URL path
    can_see: Callable[[Any, Any], bool]  # (user, obj) -> may the user see this notice?
    title: Callable[[Any], str] = str  # obj -> the name shown beside the text
    select_related: tuple[str, ...] = ()  # what `can_see`, `title` and `link` read of obj
    in_app_default: bool = True
    email_default: bool = False


_KINDS: dict[str, Kind] = {}


def kind_register(kind: Kind) -> Kind:
    """Register a kind once; registering another kind under the same code is an error."""
    existing = _KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.code!r} is already registered")
    _KINDS[kind.code] = kind
    return kind


def kind_get(code: str) -> Kind | None:
    return _KINDS.get(code)


def kinds() -> list[Kind]:
    return list(_KINDS.values())
