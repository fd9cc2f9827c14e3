"""The registry of home-page sections. The home page (`bitgoeul.web.views.home`) belongs to
the site shell, which imports no domain app; each app registers one function that returns the
sections it adds to a person's home (its work queue and next steps), and the home shows them
in the order the apps registered them, after the foundation's own sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HomeSection:
    """A template (included with `section` bound to `context`) and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


HomeProvider = Callable[[Any], list[HomeSection]]

_PROVIDERS: list[tuple[str, HomeProvider]] = []


def home_provider(name: str) -> Callable[[HomeProvider], HomeProvider]:
    """Register `sections(request) -> [HomeSection, …]` under the app's name (once per name)."""

    def register(provider: HomeProvider) -> HomeProvider:
        if all(existing != name for existing, _ in _PROVIDERS):
            _PROVIDERS.append((name, provider))
        return provider

    return register


def home_sections(request: Any) -> list[HomeSection]:
    sections: list[HomeSection] = []
    for _, provider in _PROVIDERS:
        sections.extend(provider(request))
    return sections
