"""The resettlement pathways a member's needs are worked on, and the statuses each records.

Plain data, free of Django. `positive` marks the statuses the impact report counts as a good
outcome (settled accommodation, in education, training or work, engaged in treatment).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pathway:
    code: str
    label: str
    statuses: tuple[tuple[str, str], ...]
    positive: frozenset[str]

    def status_label(self, status: str) -> str:
        return dict(self.statuses).get(status, status)


_SUPPORT = (
    ("no_need", "No need"),
    ("need", "Need identified, not yet engaging"),
    ("engaging", "Engaging with support"),
    ("resolved", "Resolved"),
)
_TREATMENT = (
    ("no_need", "No need"),
    ("need", "Need identified, not in treatment"),
    ("in_treatment", "In treatment"),
    ("completed", "Treatment completed"),
)

PATHWAYS = {
    p.code: p
    for p in [
        Pathway(
            "accommodation",
            "Accommodation",
            (
                ("rough_sleeping", "Rough sleeping"),
                ("no_fixed_abode", "No fixed abode (sofa surfing)"),
                ("temporary", "Temporary or supported housing"),
                ("settled", "Settled accommodation"),
            ),
            frozenset({"settled"}),
        ),
        Pathway(
            "ete",
            "Education, training and employment",
            (
                ("none", "Not in education, training or work"),
                ("looking", "Looking for education, training or work"),
                ("training", "In education or training"),
                ("employed", "In work"),
            ),
            frozenset({"training", "employed"}),
        ),
        Pathway("drugs", "Drugs", _TREATMENT, frozenset({"in_treatment", "completed"})),
        Pathway("alcohol", "Alcohol", _TREATMENT, frozenset({"in_treatment", "completed"})),
        Pathway(
            "mental_health", "Mental health", _TREATMENT, frozenset({"in_treatment", "completed"})
        ),
        Pathway(
            "finance",
            "Finance, benefit and debt",
            _SUPPORT,
            frozenset({"engaging", "resolved"}),
        ),
        Pathway(
            "family",
            "Family and relationships",
            _SUPPORT,
            frozenset({"engaging", "resolved"}),
        ),
        Pathway(
            "thinking",
            "Thinking and behaviour",
            _SUPPORT,
            frozenset({"engaging", "resolved"}),
        ),
        Pathway(
            "mentoring",
            "Mentoring",
            (
                ("not_offered", "Not offered"),
                ("offered", "Offered, not taken up"),
                ("mentored", "Working with a mentor"),
                ("completed", "Mentoring completed"),
            ),
            frozenset({"mentored", "completed"}),
        ),
    ]
}


def status_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every pathway's statuses, grouped by pathway (for a form's grouped select)."""
    return [
        (p.label, [(f"{p.code}:{s}", label) for s, label in p.statuses]) for p in PATHWAYS.values()
    ]
