"""Report queries may read from a replica; everything else reads and writes the primary.

With `DATABASE_REPLICA_URL` set, code inside `reports_database()` (the governance figures) reads
from the `replica` database, a streaming copy of the primary, so heavy aggregate queries do not
compete with staff's work. Writes always go to the primary, and so does every read outside that
block, including the access log's own reads (the hash chain must see the latest event).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reports: ContextVar[bool] = ContextVar("iom_reports", default=False)


@contextmanager
def reports_database() -> Iterator[None]:
    token = _reports.set(True)
    try:
        yield
    finally:
        _reports.reset(token)


def on_reports_database(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose reads go to the replica, where there is one."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with reports_database():
            return view(*args, **kwargs)

    return wrapped


class ReportsRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reports.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # the replica follows the primary's schema by replication
