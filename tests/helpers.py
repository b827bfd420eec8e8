"""Shared test helpers: build records tersely, load policies with overridden parameters."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from iom.rules import Person, load_catalogue, load_policy, person_from_json
from iom.rules.policy import Policy, parse_policy, policies_folder


def plain(value: Any) -> Any:
    """YAML turns 2024-06-30 into a date; the person schema wants text, so turn dates back."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def record(**fields: Any) -> dict[str, Any]:
    """A person record with the required fields filled in."""
    base: dict[str, Any] = {"id": "P1", "date_of_birth": "1990-01-01", "convictions": []}
    base.update(plain(fields))
    return base


def person(**fields: Any) -> Person:
    return person_from_json(record(**fields), load_catalogue())


def policy_with(policy_id: str, overrides: dict[str, Any] | None = None) -> Policy:
    """A bundled policy, with some parameters' values replaced (every dated value)."""
    if not overrides:
        return load_policy(policy_id)
    data = yaml.safe_load((policies_folder() / f"{policy_id}.yaml").read_text())
    for name, value in overrides.items():
        values = data["parameters"][name]["values"]
        for since in values:
            values[since] = value
    data = plain(data)
    return parse_policy(yaml.safe_dump(data), f"{policy_id} (test overrides)")


def conviction(cid: str, code: str, on: str, **flags: Any) -> dict[str, Any]:
    return {"id": cid, "offence_code": code, "conviction_date": on, **flags}


def run_iom(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`iom ARGS` as a user runs it; whatever happens, no traceback reaches them."""
    result = subprocess.run(
        [sys.executable, "-m", "iom", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "Traceback" not in result.stderr
    return result


def migrated(env: dict[str, str]) -> dict[str, str]:
    """Migrate the database that `env` names (DATABASE_URL) with manage.py; returns `env`."""
    manage = Path(__file__).parents[1] / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "-v0"], env=env, check=True)
    return env


def development_env(folder: Path) -> dict[str, str]:
    """This process's environment with a fresh SQLite database and var/ folder under `folder`."""
    skip = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(IOM_ROOT=str(folder), DATABASE_URL=f"sqlite:///{folder / 'iom.sqlite3'}")
    return env
