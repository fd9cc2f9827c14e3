"""The registry of menu items. Each app registers one function that returns its items for a
user (labels already translated); `bitgoeul.web.context.navigation` shows them in the order the
apps registered them, between the foundation's own items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NavProvider = Callable[[Any], list[tuple[str, str]]]

_PROVIDERS: list[tuple[str, NavProvider]] = []


def nav_provider(name: str) -> Callable[[NavProvider], NavProvider]:
    """Register `items(user) -> [(label, url), …]` under the app's name (once per name)."""

    def register(provider: NavProvider) -> NavProvider:
        if all(existing != name for existing, _ in _PROVIDERS):
            _PROVIDERS.append((name, provider))
        return provider

    return register


def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for _, provider in _PROVIDERS:
        items.extend(provider(user))
    return items
