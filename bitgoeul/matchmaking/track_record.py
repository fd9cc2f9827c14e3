"""The matchmaking track record of each supplier, reported to the potential score
(`companies.track_record`), like the programmes' (`programs.track_record`):

    points = 10 × contracts + 5 × pilots that matchmaking conversations ended in

A conversation that ended with no fit earns nothing. Suppliers with neither are absent.
"""

from __future__ import annotations

from bitgoeul.companies.track_record import track_record_provider
from bitgoeul.matchmaking.selectors import delivery_points


@track_record_provider("matchmaking")
def matchmaking_track_record() -> dict[int, float]:
    return delivery_points()
