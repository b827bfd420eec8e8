"""A headless Debian chromium for the browser journeys, and the web tests' users and people."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.web.conftest import (  # noqa: F401 - the same users, people and provider as the web tests
    adult,
    identity_provider,
    make_user,
)

CHROMIUM = Path(os.environ.get("IOM_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ.setdefault(
        "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
    )  # the ORM is used beside Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session", autouse=True)
def _no_database_connection_left(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """End the journeys' stray PostgreSQL sessions before the test database is dropped.

    While Playwright's synchronous API is open, the test's own queries go through a connection
    Django keeps in a context of its own (the stray session's last query is the test's last
    save), and nothing closes it; left open, it stops the test database being dropped."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
