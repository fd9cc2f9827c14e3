"""Programme and infrastructure track record, reported by the apps that hold it.

`programs` (awards, milestones met) and `compute` / `equipment` (grants used well) register a
provider as they land; until then no company has a track record and the signal is left out of
every score (its weight goes to the others). A provider returns {company id: points ≥ 0}.
"""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[], dict[int, float]]
_PROVIDERS: dict[str, Provider] = {}


def track_record_provider(name: str) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        _PROVIDERS[name] = provider
        return provider

    return register


def track_records() -> dict[int, float]:
    """The sum of every provider's points per company (absent: no record anywhere)."""
    total: dict[int, float] = {}
    for provider in _PROVIDERS.values():
        for company_id, points in provider().items():
            total[company_id] = total.get(company_id, 0.0) + points
    return total
