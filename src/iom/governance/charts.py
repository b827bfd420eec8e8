"""Charts as SVG (matplotlib), always shown beside a table of the same numbers.

Each function returns a `data:` URI for an <img>, so pages (under the content security policy)
and the PDF report embed the same picture. Text stays text in the SVG, and ids are fixed, so
the same figures give the same file.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from matplotlib import rcParams
from matplotlib.figure import Figure

from iom.governance.queries import Quarter
from iom.impact import Row
from iom.impact.disclosure import SUPPRESSED, small

rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "iom",
        "font.family": "sans-serif",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
BEFORE, AFTER, REFERENCE = "#505a5f", "#1d70b8", "#d4351c"


def _uri(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue().encode()).decode()


def before_after(labels: Sequence[str], before: Sequence[float], after: Sequence[float]) -> str:
    """Offences per 365 days at liberty, before and after joining, one pair of bars a group."""
    figure = Figure(figsize=(6, 2.6))
    axes = figure.subplots()
    places = range(len(labels))
    axes.bar([p - 0.2 for p in places], before, 0.4, label="Before joining", color=BEFORE)
    axes.bar([p + 0.2 for p in places], after, 0.4, label="After joining", color=AFTER)
    axes.set_xticks(list(places), labels)
    axes.set_ylabel("Offences per 365 days at liberty")
    axes.legend(frameon=False, ncols=2, loc="lower left", bbox_to_anchor=(0, 1))
    return _uri(figure)


def relative_rates(rows: Sequence[Row], title: str) -> str:
    """Each group's index as a dot with its 95% interval, and the line at 1 (no difference)."""
    shown = [r for r in rows if r.rri is not None]
    figure = Figure(figsize=(6, 0.5 + 0.35 * max(len(shown), 1)))
    axes = figure.subplots()
    for place, row in enumerate(shown):
        if row.ci_low is not None and row.ci_high is not None:
            axes.plot([row.ci_low, row.ci_high], [place, place], color=AFTER, linewidth=2)
        axes.plot([row.rri], [place], "o", color=BEFORE if row.status == "reference" else AFTER)
    axes.axvline(1, color=REFERENCE, linewidth=1)
    axes.set_yticks(list(range(len(shown))), [r.group for r in shown])
    axes.invert_yaxis()
    axes.set_xlabel("Relative rate index (1 = the same rate as the reference group)")
    axes.set_title(title, loc="left", fontsize=9)
    return _uri(figure)


def flow(quarters: Sequence[Quarter]) -> str:
    """Members joining and leaving each quarter; counts of 1 to 4 are marked "<5", not drawn."""
    figure = Figure(figsize=(6, 2.8))
    axes = figure.subplots()
    places = range(len(quarters))
    for offset, counts, label, colour in (
        (-0.2, [q.joined for q in quarters], "Joined", AFTER),
        (0.2, [q.left_total for q in quarters], "Left", BEFORE),
    ):
        drawn = [0 if small(n) else n for n in counts]
        axes.bar([p + offset for p in places], drawn, 0.4, label=label, color=colour)
        for place, n in zip(places, counts, strict=True):
            if small(n):
                axes.annotate(SUPPRESSED, (place + offset, 0), ha="center", va="bottom", fontsize=7)
    axes.set_xticks(list(places), [f"{q.start:%b %y}" for q in quarters])
    axes.set_ylabel("Members")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, ncols=2, loc="lower left", bbox_to_anchor=(0, 1))
    return _uri(figure)
