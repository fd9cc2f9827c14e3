"""The registry of demo-data loaders. `bitgoeul.web.demo.load_demo` loads the foundation's own
data, then runs every registered loader in the order the apps registered them."""

from __future__ import annotations

import random
from collections.abc import Callable

Loader = Callable[[random.Random], str]

_LOADERS: list[tuple[str, Loader]] = []


def demo_loader(name: str) -> Callable[[Loader], Loader]:
    """Register a loader of an app's demo data; it returns a one-line summary. Apps register
    from their `AppConfig.ready`."""

    def register(loader: Loader) -> Loader:
        if all(existing != name for existing, _ in _LOADERS):
            _LOADERS.append((name, loader))
        return loader

    return register


def demo_loaders() -> list[tuple[str, Loader]]:
    return list(_LOADERS)
