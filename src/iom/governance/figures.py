"""What the impact, fairness and SIG report pages show: the pure figures of `iom.impact` over the
records, depersonalised (no names, no ids; counts of 1 to 4 people shown as "<5")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings

from iom.governance import charts, queries
from iom.governance.models import StoredFairness
from iom.impact import Group, Row, fairness, group, impact_parameters
from iom.impact.disclosure import small
from iom.impact.fairness import STAGES
from iom.schemes.models import Scheme

CONVICTION_LAG = (
    "Offending is counted from convictions recorded by the date of the figures. Offences "
    "committed but not yet convicted are missing, so recent after-joining figures will rise as "
    "cases reach court; for members still on the scheme, the after figures are not final."
)
STAGE_WORDS = {
    "candidate": "to be found a candidate on screening",
    "referred": "to be referred, once a candidate",
    "selected": "to be selected, once referred",
}


@dataclass(frozen=True)
class GroupLine:
    """One group of episodes as it may be shown: figures withheld for fewer than 5 measured."""

    label: str
    group: Group

    @property
    def withheld(self) -> bool:
        return small(self.group.episodes)


@dataclass
class SchemeImpact:
    scheme: Scheme
    lines: list[GroupLine]
    chart: str | None


def _label(by: dict[str, str | None], cohorts: dict[str, str]) -> str:
    parts = []
    if "cohort" in by:
        parts.append(cohorts.get(by["cohort"] or "", "No cohort"))
    if "area" in by:
        parts.append(by["area"] or "Area not recorded")
    return ", ".join(parts) or "Whole scheme"


def impact(chosen: Sequence[Scheme], as_of: date) -> list[SchemeImpact]:
    from iom.cases.models import Cohort

    cohorts = {str(k): str(v) for k, v in Cohort.choices}
    episodes = queries.episodes(chosen, as_of)
    found = []
    for scheme in chosen:
        groups = group(e for e in episodes if e.membership.scheme == scheme.slug)
        lines = [GroupLine(_label(g.by, cohorts), g) for g in groups]
        by_cohort = [line for line in lines if set(line.group.by) == {"scheme", "cohort"}]
        drawable = [line for line in by_cohort if not line.withheld and line.group.episodes]
        chart = (
            charts.before_after(
                [line.label for line in drawable],
                [line.group.before_per_365 or 0 for line in drawable],
                [line.group.after_per_365 or 0 for line in drawable],
            )
            if drawable
            else None
        )
        found.append(SchemeImpact(scheme, lines, chart))
    return found


@dataclass
class SchemeFairness:
    """A scheme's figures; `worked_out_at` when they are stored ones (None: worked out now), and
    `too_many` (the people in its areas) when none are stored and screening them would keep the
    page waiting too long."""

    scheme: Scheme
    rows: list[Row]
    charts: dict[str, str] = field(default_factory=dict)  # stage -> chart
    worked_out_at: datetime | None = None
    too_many: int | None = None

    def significant(self) -> list[str]:
        return [statement(r, self.reference(r.characteristic)) for r in self.rows if r.significant]

    def reference(self, characteristic: str) -> str:
        return next(
            (
                r.group
                for r in self.rows
                if r.characteristic == characteristic and r.status == "reference"
            ),
            "",
        )


def fairness_by_scheme(chosen: Sequence[Scheme], as_of: date) -> list[SchemeFairness]:
    """Stored figures where there are some for `as_of`; otherwise screened now, unless the
    scheme's areas hold more people than `IOM_SCREENED_IN_PAGE`."""
    stored = {s.scheme_id: s for s in StoredFairness.objects.filter(scheme__in=chosen, as_of=as_of)}
    found = []
    for scheme in chosen:
        if scheme.pk in stored:
            kept = stored[scheme.pk]
            found.append(_charted(scheme, kept.figures(), kept.worked_out_at))
        elif (held := queries.people_in_areas(scheme)) > settings.IOM_SCREENED_IN_PAGE:
            found.append(SchemeFairness(scheme, [], too_many=held))
        else:
            staged = queries.staged_people(scheme, as_of)
            found.append(_charted(scheme, fairness(staged, as_of, impact_parameters(as_of))))
    return found


def _charted(
    scheme: Scheme, rows: list[Row], worked_out_at: datetime | None = None
) -> SchemeFairness:
    drawn = {
        stage: charts.relative_rates(
            [
                Row(**{**r.to_json(), "group": f"{r.characteristic.replace('_', ' ')}: {r.group}"})
                for r in rows
                if r.stage == stage
            ],
            f"{stage.capitalize()} stage",
        )
        for stage in STAGES[1:]
        if any(r.rri is not None for r in rows if r.stage == stage)
    }
    return SchemeFairness(scheme, rows, drawn, worked_out_at)


def people_words(characteristic: str, group: str) -> str:
    if characteristic == "sex":
        return {"M": "men", "F": "women"}.get(group, f"people recorded as {group}")
    if characteristic == "age_band":
        if group == "under 18":
            return "people under 18"
        return "people aged 50 and over" if group == "50+" else f"people aged {group}"
    return f"{group} people" if group != "Not stated" else "people whose ethnicity is not stated"


def statement(row: Row, reference: str) -> str:
    """A significant index in words: 'Black people were 1.80 times as likely as White people ...'."""
    return (
        f"{people_words(row.characteristic, row.group).capitalize()} were {row.rri:.2f} times as "
        f"likely as {people_words(row.characteristic, reference)} {STAGE_WORDS[row.stage]} "
        f"(95% interval {row.ci_low:.2f} to {row.ci_high:.2f})."
    )


def cohort_flow(chosen: Sequence[Scheme], end: date, quarters: int = 8) -> dict[str, Any]:
    """Joining and leaving by quarter up to `end`, with its chart, and each scheme's make-up."""
    flow = queries.flow(chosen, end, quarters)
    return {
        "quarters": flow,
        "flow_chart": charts.flow(flow),
        "composition": [(s, queries.composition([s], end)) for s in chosen],
    }


def trends(chosen: Sequence[Scheme], end: date) -> list[queries.PathwayTrend]:
    """Pathway outcomes at the end of each of the last four quarters, the last one at `end`."""
    ends = [q_end for _, q_end in queries.quarters_to(end, 4)]
    return queries.pathway_trends(chosen, [*ends[:-1], end])


def sig_report(start: date, end: date) -> dict[str, Any]:
    """The Strategic Implementation Group's quarterly report for `[start, end]`, as of `end`."""
    chosen = queries.schemes()
    return {
        "start": start,
        "end": end,
        "schemes": chosen,
        **cohort_flow(chosen, end),
        "trends": trends(chosen, end),
        "joined": sum(1 for m in queries.memberships(chosen) if start <= m.start <= end),
        "left": sum(
            1 for m in queries.memberships(chosen) if m.end_on and start <= m.end_on <= end
        ),
        "impact": impact(chosen, end),
        "outcomes": queries.pathway_outcomes(chosen, end),
        "enforcement": queries.enforcement(chosen, start, end),
        "fairness": fairness_by_scheme(chosen, end),
        "caveat": CONVICTION_LAG,
    }
