"""Who may do what: the permission matrix (role x action x record kind), in one place.

`docs/permissions.md` is generated from this module (`iom permissions-doc`) and a test checks it
is current; another test tries every URL for every role against `URL_ACTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from iom.accounts.models import Role

R = Role
OPERATIONAL = frozenset(
    {
        R.COORDINATOR,
        R.POLICE_IOM_OFFICER,
        R.POLICE_INTELLIGENCE,
        R.PCSO,
        R.PROBATION_OM,
        R.YJS_CASE_MANAGER,
        R.MAIT_ANALYST,
        R.PANEL_CHAIR,
    }
)
YOUTH_RECORDS = frozenset({R.YJS_CASE_MANAGER, R.POLICE_IOM_OFFICER, R.PCSO, R.COORDINATOR})


@dataclass(frozen=True)
class Action:
    name: str
    record: str  # the kind of record the action touches
    roles: frozenset[str]
    note: str = ""


ACTIONS = {
    a.name: a
    for a in [
        Action("view_home", "none", frozenset(Role.values), "The start page."),
        Action(
            "search_people",
            "person (list)",
            OPERATIONAL,
            "Search by name, PNC id or date of birth.",
        ),
        Action(
            "view_person",
            "person",
            OPERATIONAL,
            "Adults: every operational role. Under 18s: only YJS case managers, police IOM officers, PCSOs "
            "and coordinators. An agency's restricted intelligence flags show only to that agency's staff.",
        ),
        Action(
            "view_person_access_log",
            "audit events of one person",
            frozenset({R.COORDINATOR}),
            "Who has looked at this person, on the person page.",
        ),
        Action(
            "import_people",
            "person (bulk)",
            frozenset({R.COORDINATOR, R.MAIT_ANALYST}),
            "Upload a PNC-style extract; see import reports.",
        ),
        Action(
            "view_audit_log",
            "audit events",
            frozenset({R.COORDINATOR, R.SYSTEM_ADMIN}),
            "Read and filter the whole access log: who did what to which kind of record, when.",
        ),
        Action(
            "view_audit_details",
            "audit events (personal details)",
            frozenset({R.COORDINATOR}),
            "The personal details in the access log: names opened, search terms, files imported.",
        ),
        Action(
            "sign_out_everywhere",
            "own sessions",
            frozenset(Role.values),
            "End every session of one's own.",
        ),
    ]
}

# Every named URL: the action it needs, or PUBLIC (reachable before signing in).
PUBLIC = "public"
URL_ACTIONS = {
    "accounts:sign-in": PUBLIC,
    "accounts:verify": PUBLIC,
    "accounts:enrol": PUBLIC,
    "accounts:sign-out": PUBLIC,
    "accounts:sign-out-everywhere": "sign_out_everywhere",
    "home": "view_home",
    "people:search": "search_people",
    "people:detail": "view_person",
    "people:import": "import_people",
    "people:import-report": "import_people",
    "audit:log": "view_audit_log",
}


def allowed(role: str, action: str) -> bool:
    return role in ACTIONS[action].roles


def may_see_youth(role: str) -> bool:
    return role in YOUTH_RECORDS


def markdown() -> str:
    """docs/permissions.md."""
    roles = list(Role)
    lines = [
        "# Permissions",
        "",
        "Generated from `src/iom/accounts/permissions.py` by `iom permissions-doc`; a test checks it is current.",
        "Every view needs a signed-in user with a verified second factor, except the sign-in pages.",
        "The governance analyst sees aggregates only: no action here shows them personal data.",
        "",
        "| action | record | " + " | ".join(r.label for r in roles) + " | notes |",
        "|---|---|" + "---|" * len(roles) + "---|",
    ]
    for action in ACTIONS.values():
        marks = " | ".join("yes" if r.value in action.roles else "" for r in roles)
        lines.append(f"| {action.name} | {action.record} | {marks} | {action.note} |")
    lines += ["", "## URLs", "", "| URL name | needs |", "|---|---|"]
    lines += [f"| `{name}` | {need} |" for name, need in URL_ACTIONS.items()]
    return "\n".join(lines) + "\n"
