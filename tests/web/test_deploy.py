"""Production settings pass Django's deployment checks; demo features refuse to run there."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.helpers import development_env, migrated, run_iom

ROOT = Path(__file__).parents[2]


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "IOM_AUDIT_KEY", "IOM_DEBUG", "IOM_DEMO", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="iom.web.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        IOM_AUDIT_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="iom.example.org",
        IOM_ROOT=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    return env


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_demo_is_refused_in_production(tmp_path: Path) -> None:
    env = migrated(production_env(tmp_path))
    for command in (["demo", "--people", "1"], ["demo-code", "demo-coordinator"]):
        done = run_iom(*command, env=env)
        assert done.returncode == 2
        assert "development only" in done.stderr


def test_demo_loads_people_and_prints_users_with_passwords_and_codes(tmp_path: Path) -> None:
    env = migrated(development_env(tmp_path))
    demo = run_iom("demo", "--people", "60", env=env)
    assert demo.returncode == 0, demo.stderr
    assert "60 synthetic people loaded" in demo.stdout
    line = next(
        row for row in demo.stdout.splitlines() if row.strip().startswith("demo-coordinator")
    )
    assert len(line.split()[-2]) >= 12  # the password
    code = run_iom("demo-code", "demo-coordinator", env=env).stdout.strip()
    assert code.isdigit()
    assert len(code) == 6
