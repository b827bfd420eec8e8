"""The access log's head, kept outside its table so that cutting off the log's end is caught.

The chain alone cannot tell that its last events were deleted: what remains still links up. After
each commit the newest event's id and hash are written here (only ever forwards); `verify` then
requires that event to be in the table, unchanged. Keep the file where the database's users cannot
write (another volume or host in production: `IOM_AUDIT_CHECKPOINT`).
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Head:
    event_id: int
    hash: str


def location() -> Path:
    return Path(settings.IOM_AUDIT_CHECKPOINT)


def read(path: Path | None = None) -> Head | None:
    path = path or location()
    try:
        data = json.loads(path.read_text())
        return Head(int(data["event_id"]), str(data["hash"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: the access log checkpoint cannot be read ({error})") from None


def advance(head: Head, path: Path | None = None) -> None:
    """Move the checkpoint to `head` unless it already stands at a later event.

    Commits can finish out of order, so the newest id wins; a lock file keeps two processes on one
    host from interleaving the read and the write.
    """
    path = path or location()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read(path)
        if current is not None and current.event_id >= head.event_id:
            return
        temporary = path.with_name(path.name + ".new")
        with open(temporary, "w") as out:
            json.dump({"event_id": head.event_id, "hash": head.hash}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
