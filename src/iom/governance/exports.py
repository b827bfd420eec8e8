"""The governance tables as CSV: the figures exactly as the pages show them."""

from __future__ import annotations

import io
from collections.abc import Sequence

from iom.governance.figures import SchemeFairness, SchemeImpact
from iom.impact import Episode
from iom.impact.disclosure import shown
from iom.impact.episodes import EPISODE_COLUMNS
from iom.spreadsheet import write_csv

GROUP_FIGURES = (
    "before_count",
    "after_count",
    "before_css",
    "after_css",
    "days_at_liberty",
    "no_offence_after",
    "volume_change_pct",
    "severity_change_pct",
    "before_per_365",
    "after_per_365",
)


def impact_csv(found: Sequence[SchemeImpact]) -> str:
    """One row per group; a group of fewer than 5 measured episodes has its figures withheld."""
    out = io.StringIO()
    rows = []
    for scheme in found:
        for line in scheme.lines:
            g = line.group.to_json()
            figures = [""] * len(GROUP_FIGURES) if line.withheld else [g[k] for k in GROUP_FIGURES]
            rows.append(
                [
                    scheme.scheme.name,
                    g["by"].get("cohort", ""),
                    g["by"].get("area", ""),
                    shown(g["episodes"]),
                    shown(g["too_early"]),
                    *figures,
                ]
            )
    write_csv(out, ("scheme", "cohort", "area", "episodes", "too_early", *GROUP_FIGURES), rows)
    return out.getvalue()


def fairness_csv(found: Sequence[SchemeFairness]) -> str:
    out = io.StringIO()
    columns = (
        "characteristic",
        "group",
        "stage",
        "count",
        "previous",
        "rate",
        "rri",
        "ci_low",
        "ci_high",
        "significant",
        "status",
    )
    rows = []
    for scheme in found:
        rows += [[scheme.scheme.name, *(row.to_json()[c] for c in columns)] for row in scheme.rows]
        if scheme.too_many is not None:  # one row to say so, rather than none
            rows.append([scheme.scheme.name, *("" for _ in columns[:-1]), "not_worked_out"])
    write_csv(out, ("scheme", *columns), rows)
    return out.getvalue()


def episodes_csv(episodes: Sequence[Episode]) -> str:
    """Personal rows: each member's episode, as `iom impact` writes them."""
    out = io.StringIO()
    rows = (e.to_json() for e in episodes)
    write_csv(out, EPISODE_COLUMNS, ([row[c] for c in EPISODE_COLUMNS] for row in rows))
    return out.getvalue()
