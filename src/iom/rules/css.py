"""ONS Crime Severity Score over a window (rules contract, section 2)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from iom.rules.catalogue import Catalogue
from iom.rules.model import JSON, Conviction
from iom.rules.windows import Window


@dataclass(frozen=True)
class CssScore:
    total: float  # unrounded: thresholds are tested against this
    weighted: tuple[tuple[Conviction, float], ...]
    unweighted: tuple[Conviction, ...]
    window: Window

    @property
    def reported(self) -> float:
        return round(self.total, 2)

    def evidence(self, catalogue: Catalogue, column: str) -> JSON:
        return {
            "window": self.window.evidence(),
            "css_score": self.reported,
            "weights_from": f"offence catalogue {catalogue.version}, column {column}",
            "convictions": [
                {
                    "id": c.id,
                    "offence_code": c.offence_code,
                    "conviction_date": c.conviction_date.isoformat(),
                    "weight": weight,
                    "source": catalogue[c.offence_code].text("css_source"),
                }
                for c, weight in self.weighted
            ],
            "unweighted": [
                {
                    "id": c.id,
                    "offence_code": c.offence_code,
                    "conviction_date": c.conviction_date.isoformat(),
                }
                for c in self.unweighted
            ],
        }


def css_score(
    convictions: list[Conviction], window: Window, catalogue: Catalogue, column: str
) -> CssScore:
    """Sum of the catalogue weight of each conviction in the window; attempts weigh as the full offence.

    `math.fsum` keeps the total independent of the order convictions arrive in.
    """
    weighted: list[tuple[Conviction, float]] = []
    unweighted: list[Conviction] = []
    for conviction in sorted(convictions, key=lambda c: (c.conviction_date, c.id)):
        if not window.holds(conviction.conviction_date):
            continue
        weight = catalogue[conviction.offence_code].number(column)
        if weight is None:
            unweighted.append(conviction)
        else:
            weighted.append((conviction, weight))
    total = math.fsum(weight for _, weight in weighted)
    return CssScore(
        total=total, weighted=tuple(weighted), unweighted=tuple(unweighted), window=window
    )
