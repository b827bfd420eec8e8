"""A readable account of an assessment for the terminal (`iom assess --explain`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from iom.people.labels import exclusions
from iom.rules import Assessment
from iom.rules.dates import spoken

OUTCOME_STYLE = {
    "eligible": "bold green",
    "consider": "bold yellow",
    "excluded": "bold red",
    "not_eligible": "dim",
}
WINDOWS = {
    "w12_start": "Recent offending window",
    "w6_start": "Six-month window",
    "css_start": "CSS window",
    "lookback_start": "Look-back window",
}


def render(assessment: Assessment) -> Panel:
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    for label, value in _summary_rows(assessment.to_json()):
        summary.add_row(label, value)
    steps = Table(show_header=True, header_style="bold", expand=True, box=None)
    steps.add_column("Rule", no_wrap=True)
    steps.add_column("Why")
    for reason in assessment.reasons:
        steps.add_row(reason.code, reason.text)
    title = f"{assessment.person_id} under {assessment.policy} on {spoken(assessment.as_of)}"
    return Panel(Group(summary, Text(""), steps), title=title, title_align="left")


def _summary_rows(data: dict[str, Any]) -> list[tuple[str, Text | str]]:
    rows: list[tuple[str, Text | str]] = []
    if "outcome" in data:
        outcome = data["outcome"]
        rows.append(("Outcome", Text(_said(outcome), style=OUTCOME_STYLE[outcome])))
        rows.append(("Cohort", _said(data["cohort"])))
        rows.append(("Criteria met", ", ".join(map(_said, data["criteria_met"])) or "None"))
        rows.append(("Exclusions", _said(exclusions(data["exclusions"]))))
        rows.append(("Priority tier", str(data["priority_tier"] or "None")))
        rows.append(("CSS", f"{data['css_score']:.2f}"))
        rows.append(("OGRS band", _said(data["ogrs_band"]) if data["ogrs_band"] else "No OGRS"))
        if data["turns_18_on"]:
            rows.append(("Turns 18 on", _day(data["turns_18_on"])))
    if "matrix_score" in data:
        refer = data["refer_to_selection_meeting"]
        rows.append(("Matrix score", str(data["matrix_score"])))
        rows.append(
            (
                "Selection meeting",
                Text("Refer" if refer else "Do not refer", style="bold" if refer else "dim"),
            )
        )
    for name, start in data.get("windows", {}).items():
        rows.append((WINDOWS.get(name, _said(name)), f"{_day(start)} to {_day(data['as_of'])}"))
    rows.append(
        (
            "Versions",
            f"policy {data['versions']['policy']}, offences {data['versions']['offences']}",
        )
    )
    return rows


def _said(code: str | None) -> str:
    """A coded value as a label: 'not_eligible' as 'Not eligible', nothing as 'None'."""
    words = code.replace("_", " ") if code else "none"
    return words[:1].upper() + words[1:]


def _day(iso: str) -> str:
    return spoken(date.fromisoformat(iso))


def print_explanation(assessment: Assessment, console: Console) -> None:
    console.print(render(assessment))
