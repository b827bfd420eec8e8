"""For every test: the access log's checkpoint in the test's own folder, never the checkout's var/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def audit_checkpoint(settings: Any, tmp_path: Path) -> Path:
    settings.IOM_AUDIT_CHECKPOINT = tmp_path / "audit-checkpoint.json"
    return Path(settings.IOM_AUDIT_CHECKPOINT)
