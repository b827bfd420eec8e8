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
# Referrals and meetings about children are also read by the MAIT analyst, who scores them, and
# the panel chair (the IOM Inspector chairs the selection meeting); neither opens the person page.
YOUTH_REFERRALS = YOUTH_RECORDS | {R.MAIT_ANALYST, R.PANEL_CHAIR}
REFERRERS = frozenset(
    {
        R.COORDINATOR,
        R.POLICE_IOM_OFFICER,
        R.POLICE_INTELLIGENCE,
        R.PCSO,
        R.PROBATION_OM,
        R.YJS_CASE_MANAGER,
    }
)
CHAIRS = frozenset({R.COORDINATOR, R.PANEL_CHAIR})
# Those who may be allocated a member (and record their contacts, consent, needs...), with the
# coordinator; the object rule narrows it to a member's allocated workers.
CASE_WORKERS = frozenset(
    {R.COORDINATOR, R.POLICE_IOM_OFFICER, R.PCSO, R.PROBATION_OM, R.YJS_CASE_MANAGER}
)
INTELLIGENCE_CHECKERS = frozenset({R.POLICE_INTELLIGENCE, R.POLICE_IOM_OFFICER, R.COORDINATOR})


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
            "record_movement",
            "person",
            REFERRERS,
            "Record an arrival from another area (on PPO or IOM there) or a move to adult services.",
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
            "Upload a PNC-style extract; see import reports (a role that may not see children's "
            "records sees only the reports of its own uploads).",
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
            "view_schemes",
            "scheme",
            frozenset(Role.values),
            "The schemes, their areas, policies and meetings.",
        ),
        Action(
            "edit_schemes",
            "scheme",
            frozenset({R.COORDINATOR, R.SYSTEM_ADMIN}),
            "Change a scheme and its meeting types (quorum, cadence, who decides jointly).",
        ),
        Action(
            "view_referrals",
            "referral",
            OPERATIONAL,
            "List and read referrals. About under 18s: the roles that see their records, the MAIT "
            "analyst and the panel chair.",
        ),
        Action(
            "make_referral",
            "referral",
            REFERRERS,
            "Refer a person; complete an automatic referral.",
        ),
        Action(
            "score_referral",
            "referral",
            frozenset({R.MAIT_ANALYST, R.COORDINATOR}),
            "Score a referral on the matrix and set the intelligence override (matrix schemes).",
        ),
        Action(
            "manage_referral",
            "referral",
            REFERRERS | CHAIRS,
            "Flag a referral as critical for the next meeting.",
        ),
        Action(
            "withdraw_referral",
            "referral",
            REFERRERS,
            "Withdraw an open referral: its referrer, or a coordinator for any.",
        ),
        Action(
            "run_auto_referrals",
            "referral (bulk)",
            frozenset({R.COORDINATOR}),
            "Open the automatic referrals due today.",
        ),
        Action(
            "view_meetings",
            "meeting",
            OPERATIONAL,
            "Meetings, agendas, attendance and decisions. Youth schemes' meetings as for referrals.",
        ),
        Action(
            "plan_meetings",
            "meeting",
            CHAIRS,
            "Plan a meeting, build its agenda, record who is present, add a critical case.",
        ),
        Action(
            "decide_referrals",
            "decision",
            CHAIRS,
            "Record a meeting's decision on a referral (quorum and joint agreement are checked).",
        ),
        Action(
            "read_minutes",
            "meeting minutes",
            OPERATIONAL,
            "The minutes page and PDF; downloading the PDF is logged as a disclosure.",
        ),
        Action(
            "raise_actions",
            "action",
            CHAIRS,
            "Raise an action at a meeting, with an owner and a due date.",
        ),
        Action(
            "view_actions",
            "action",
            OPERATIONAL,
            "My actions; update their progress (the owner, or a coordinator for any).",
        ),
        Action(
            "view_cohort",
            "membership",
            OPERATIONAL,
            "The cohort, caseloads, a member's page and the case review PDF. Members under 18 or on "
            "a youth scheme: the roles that see young people's records.",
        ),
        Action(
            "manage_member",
            "membership",
            CASE_WORKERS,
            "Record contacts, the contact plan, consent, pathways, requirements and enforcement; "
            "give the 3-month notice; print the member's letters; mark a flag seen. A member's "
            "allocated workers, or a coordinator for any member.",
        ),
        Action(
            "allocate_workers",
            "membership",
            frozenset({R.COORDINATOR}),
            "Allocate the offender manager, police IOM officer, YJS case manager and YJS PCSO.",
        ),
        Action(
            "record_intelligence",
            "intelligence entry",
            REFERRERS,
            "Add an intelligence entry about a member, graded, restricted to one's agency if need be.",
        ),
        Action(
            "check_intelligence",
            "intelligence entry",
            INTELLIGENCE_CHECKERS,
            "The morning intelligence check: mark new entries checked and flag what matters to the "
            "case manager. Restricted entries show only to their agency; young members only to youth "
            "roles.",
        ),
        Action(
            "decide_exit",
            "exit decision",
            CHAIRS,
            "Record a panel's decision to deselect a member or keep them on.",
        ),
        Action(
            "run_policy_what_if",
            "person (bulk)",
            frozenset({R.COORDINATOR, R.MAIT_ANALYST}),
            "Screen a scheme's population under its policy and a proposed version: who would "
            "enter and leave each outcome, the counts by cohort and the disproportionality.",
        ),
        Action(
            "activate_policy",
            "policy",
            frozenset({R.COORDINATOR}),
            "Put a proposed policy version in force, after its what-if has been seen (logged).",
        ),
        Action(
            "view_governance",
            "aggregate figures",
            frozenset({R.COORDINATOR, R.GOVERNANCE_ANALYST, R.PANEL_CHAIR}),
            "Impact, intermediate outcomes, enforcement, cohort flow, disproportionality and the "
            "SIG report, with their CSV tables: aggregates only, small numbers suppressed.",
        ),
        Action(
            "export_personal_rows",
            "membership episodes (personal)",
            frozenset({R.COORDINATOR}),
            "Download each member's before and after figures as CSV, giving a reason; logged as a "
            "disclosure.",
        ),
        Action(
            "administer_users",
            "user",
            frozenset({R.SYSTEM_ADMIN, R.COORDINATOR}),
            "Add users, change their role, disable leavers (their sessions end), reset an "
            "authenticator, set a temporary password. Coordinators: their own agency's staff, and "
            "never a system administrator.",
        ),
        Action(
            "administer_agencies",
            "agency",
            frozenset({R.SYSTEM_ADMIN}),
            "Add the partnership's agencies.",
        ),
        Action(
            "change_own_password",
            "own account",
            frozenset(Role.values),
            "Change one's own password (asked for at sign-in after a temporary one).",
        ),
        Action(
            "manage_api_keys",
            "own API keys",
            frozenset(Role.values),
            "Make one's own API keys (shown once, expiring within 90 days) and revoke them. A key "
            "acts with its owner's role: the API allows what this matrix allows.",
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
    "accounts:sso": PUBLIC,
    "accounts:sso-callback": PUBLIC,
    "accounts:sign-out": PUBLIC,
    "accounts:sign-out-everywhere": "sign_out_everywhere",
    "home": "view_home",
    "api-docs": "view_home",
    "accounts:password": "change_own_password",
    "accounts:users": "administer_users",
    "accounts:user-new": "administer_users",
    "accounts:user": "administer_users",
    "accounts:user-disable": "administer_users",
    "accounts:user-enable": "administer_users",
    "accounts:user-reset-authenticator": "administer_users",
    "accounts:user-temporary-password": "administer_users",
    "accounts:agencies": "administer_agencies",
    "accounts:api-keys": "manage_api_keys",
    "accounts:api-key-revoke": "manage_api_keys",
    "people:search": "search_people",
    "people:detail": "view_person",
    "people:movement": "record_movement",
    "people:import": "import_people",
    "people:import-report": "import_people",
    "audit:log": "view_audit_log",
    "schemes:list": "view_schemes",
    "schemes:edit": "edit_schemes",
    "schemes:edit-meeting-type": "edit_schemes",
    "referrals:list": "view_referrals",
    "referrals:new": "make_referral",
    "referrals:detail": "view_referrals",
    "referrals:complete": "make_referral",
    "referrals:score": "score_referral",
    "referrals:withdraw": "withdraw_referral",
    "referrals:flag": "manage_referral",
    "referrals:auto": "run_auto_referrals",
    "panels:list": "view_meetings",
    "panels:plan": "plan_meetings",
    "panels:detail": "view_meetings",
    "panels:agenda": "plan_meetings",
    "panels:attendance": "plan_meetings",
    "panels:critical": "plan_meetings",
    "panels:decide": "decide_referrals",
    "panels:raise-action": "raise_actions",
    "panels:minutes": "read_minutes",
    "panels:minutes-pdf": "read_minutes",
    "panels:actions": "view_actions",
    "panels:update-action": "view_actions",
    "notifications:read": "view_home",
    "cases:list": "view_cohort",
    "cases:mine": "view_cohort",
    "cases:due": "view_cohort",
    "cases:contacts": "view_cohort",
    "cases:detail": "view_cohort",
    "cases:review-pdf": "view_cohort",
    "cases:allocate": "allocate_workers",
    "cases:plan": "manage_member",
    "cases:contact": "manage_member",
    "cases:consent": "manage_member",
    "cases:pathway": "manage_member",
    "cases:requirement": "manage_member",
    "cases:enforcement": "manage_member",
    "cases:notice": "manage_member",
    "cases:notice-letter": "manage_member",
    "cases:consent-letter": "manage_member",
    "cases:exit-letter": "manage_member",
    "cases:seen": "manage_member",
    "cases:intelligence": "record_intelligence",
    "cases:exit": "decide_exit",
    "cases:checks": "check_intelligence",
    "cases:check": "check_intelligence",
    "policies:what-if": "run_policy_what_if",
    "policies:what-if-run": "run_policy_what_if",
    "policies:activate": "activate_policy",
    "governance:impact": "view_governance",
    "governance:impact-csv": "view_governance",
    "governance:episodes-csv": "export_personal_rows",
    "governance:fairness": "view_governance",
    "governance:fairness-csv": "view_governance",
    "governance:fairness-work-out": "view_governance",
    "governance:sig": "view_governance",
    "governance:sig-pdf": "view_governance",
}


# The API's operations (a Bearer key, not a session): what each needs, as for the pages.
API_ACTIONS = {
    "api:person": "view_person",
    "api:assessments": "view_person",
    "api:memberships": "view_cohort",
    "api:referrals": "view_referrals",
    "api:import_people": "import_people",
    "api:refer": "make_referral",
    "api:openapi-json": "view_home",
    "api:api-root": "view_home",
}


def allowed(role: str, action: str) -> bool:
    return role in ACTIONS[action].roles


def may_see_youth(role: str) -> bool:
    return role in YOUTH_RECORDS


def may_see_youth_referrals(role: str) -> bool:
    return role in YOUTH_REFERRALS


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
    lines += [
        "",
        "## API operations (with the caller's own key)",
        "",
        "| URL name | needs |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {need} |" for name, need in API_ACTIONS.items()]
    return "\n".join(lines) + "\n"
