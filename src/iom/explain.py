"""A readable account of an assessment for the terminal (`iom assess --explain`)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from iom.rules import Assessment

OUTCOME_STYLE = {
    "eligible": "bold green",
    "consider": "bold yellow",
    "excluded": "bold red",
    "not_eligible": "dim",
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
    title = f"{assessment.person_id} under {assessment.policy} on {assessment.as_of.isoformat()}"
    return Panel(Group(summary, Text(""), steps), title=title, title_align="left")


def _summary_rows(data: dict[str, Any]) -> list[tuple[str, Text | str]]:
    rows: list[tuple[str, Text | str]] = []
    if "outcome" in data:
        rows.append(("Outcome", Text(data["outcome"], style=OUTCOME_STYLE[data["outcome"]])))
        rows.append(("Cohort", data["cohort"] or "none"))
        rows.append(("Criteria met", ", ".join(data["criteria_met"]) or "none"))
        rows.append(("Exclusions", ", ".join(data["exclusions"]) or "none"))
        rows.append(("Priority tier", str(data["priority_tier"] or "-")))
        rows.append(("CSS", f"{data['css_score']:.2f}"))
        rows.append(("OGRS band", data["ogrs_band"] or "no OGRS"))
        if data["turns_18_on"]:
            rows.append(("Turns 18 on", data["turns_18_on"]))
    if "matrix_score" in data:
        refer = data["refer_to_selection_meeting"]
        rows.append(("Matrix score", str(data["matrix_score"])))
        rows.append(
            (
                "Selection meeting",
                Text("refer" if refer else "do not refer", style="bold" if refer else "dim"),
            )
        )
    for name, start in data.get("windows", {}).items():
        rows.append((name.replace("_", " "), f"{start} to {data['as_of']}"))
    rows.append(
        (
            "Versions",
            f"policy {data['versions']['policy']}, offences {data['versions']['offences']}",
        )
    )
    return rows


def print_explanation(assessment: Assessment, console: Console) -> None:
    console.print(render(assessment))
