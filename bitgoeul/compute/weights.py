"""The weight of a GPU request in its round (docs/compute.md, "Request weight").

weight = 1
       + weight_award     × the linked award's application score (0–100)
       + weight_potential × the company's potential score (0–100)
       + weight_priority  × staff priority × 10 (0–10 becomes 0–100)

The coefficients are the round's. A missing term takes a stated default: no linked award (or an
award whose selection gave no score) counts 0, an unscored company counts 50 (the middle of the
scale: a company is not punished for a score nobody computed yet). The 1 keeps every weight
positive, so that with the `priority` policy idle capacity still goes to a request whose terms
are all zero. Scores outside 0–100 are clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE = 1.0
MISSING_AWARD_SCORE = 0.0
MISSING_POTENTIAL = 50.0


@dataclass(frozen=True)
class Term:
    code: str  # award, potential, priority
    coefficient: float
    value: float  # 0–100, after the default and the clip
    missing: bool  # the default stood in for a missing figure

    @property
    def points(self) -> float:
        return self.coefficient * self.value


@dataclass(frozen=True)
class Weight:
    terms: tuple[Term, ...]

    @property
    def value(self) -> float:
        return round(BASE + sum(term.points for term in self.terms), 6)


def _clip(value: float) -> float:
    return min(max(float(value), 0.0), 100.0)


def request_weight(
    *,
    weight_award: float,
    weight_potential: float,
    weight_priority: float,
    award_score: float | None,
    potential_score: float | None,
    staff_priority: int,
) -> Weight:
    """The weight and its terms (the "why this weight" the staff page shows)."""
    return Weight(
        (
            Term(
                "award",
                float(weight_award),
                MISSING_AWARD_SCORE if award_score is None else _clip(award_score),
                award_score is None,
            ),
            Term(
                "potential",
                float(weight_potential),
                MISSING_POTENTIAL if potential_score is None else _clip(potential_score),
                potential_score is None,
            ),
            Term("priority", float(weight_priority), _clip(staff_priority * 10), False),
        )
    )
