"""Demo data for a newcomer: synthetic people, agencies and one user per role with TOTP.

Development only: `iom demo` and `iom demo-code` refuse to run when IOM_DEMO is off (production).
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from iom.accounts.models import Agency, AgencyKind, Role, User
from iom.accounts.totp import authenticator_key
from iom.accounts.totp import current_code as totp_code
from iom.people.importer import import_file
from iom.synth import generate
from iom.synth.writers import write

AGENCIES = {
    "police": ("Derbyshire Constabulary", AgencyKind.POLICE),
    "probation": ("Probation Service, East Midlands", AgencyKind.PROBATION),
    "yjs": ("Derbyshire Youth Justice Service", AgencyKind.YOUTH_JUSTICE),
    "council": ("Derbyshire County Council", AgencyKind.LOCAL_AUTHORITY),
}
ROLE_AGENCY = {
    Role.COORDINATOR: "police",
    Role.POLICE_IOM_OFFICER: "police",
    Role.POLICE_INTELLIGENCE: "police",
    Role.PCSO: "police",
    Role.PROBATION_OM: "probation",
    Role.YJS_CASE_MANAGER: "yjs",
    Role.MAIT_ANALYST: "police",
    Role.PANEL_CHAIR: "police",
    Role.GOVERNANCE_ANALYST: "council",
    Role.SYSTEM_ADMIN: "council",
}


class DemoRefused(RuntimeError):
    pass


def require_demo() -> None:
    if not getattr(settings, "IOM_DEMO", False):
        raise DemoRefused("demo users and codes are for development only (IOM_DEMO is off)")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    secret: str


def load_people(count: int, seed: int = 2026) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.jsonl"
        write(generate(count, seed, date(2026, 10, 31)), path)
        run = import_file(path)
    return run.created + run.updated + run.unchanged


@transaction.atomic
def make_users() -> list[DemoUser]:
    require_demo()
    agencies = {
        key: Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for key, (name, kind) in AGENCIES.items()
    }
    made = []
    for role in Role:
        username = f"demo-{role.value.replace('_', '-')}"
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role.value})
        user.role, user.agency, user.is_demo = role.value, agencies[ROLE_AGENCY[role]], True
        user.first_name, user.last_name = "Demo", role.label
        user.set_password(password)
        user.save()
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        made.append(
            DemoUser(
                username,
                role.label,
                password,
                authenticator_key(device),
            )
        )
    return made


def current_code(username: str) -> str:
    require_demo()
    user = User.objects.get(username=username)
    if not user.is_demo:
        raise DemoRefused(f"{username} is not a demo user")
    return totp_code(TOTPDevice.objects.get(user=user, confirmed=True))


@transaction.atomic
def make_scheme_at_work() -> dict[str, int]:
    """Two years of past panels and members, today's referrals and meetings, members in every
    state: once (a rerun adds nothing). Returns how many referrals, members and past members."""
    from iom.cases.models import Membership
    from iom.referrals.models import Referral
    from iom.web.demo_cohort import make_cohort
    from iom.web.demo_history import make_history
    from iom.web.demo_scheme import make_activity, make_schemes

    make_schemes()
    if Referral.objects.exists():
        return {"referrals": 0, "members": Membership.objects.count(), "past": 0}
    past = make_history()
    activity = make_activity()
    make_cohort()
    return {
        "referrals": Referral.objects.count(),
        "members": Membership.objects.count(),
        "past": past,
        **{k: v for k, v in activity.items() if k != "referrals"},
    }
