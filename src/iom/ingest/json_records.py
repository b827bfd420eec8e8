"""Read person records from one JSON object, a JSON array, or JSON Lines.

Each record comes back with its place in the file ("line 7" for JSON Lines, "record 3" in an
array) so that a problem can be reported against it; unreadable lines are reported, not fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawRecord:
    position: str
    data: Any = None
    problem: str | None = None  # set when the text could not be read as a JSON object


class UnreadableFile(ValueError):
    pass


def read_json_records(text: str) -> Iterator[RawRecord]:
    stripped = text.lstrip()
    if not stripped:
        return
    if stripped.startswith("["):
        yield from _array(text)
        return
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        yield from _lines(text)
        return
    yield _object(whole, "record 1")


def _array(text: str) -> Iterator[RawRecord]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (ValueError, RecursionError) as error:
        raise UnreadableFile(f"not valid JSON: {_unreadable(error)}") from None
    if not isinstance(items, list):
        raise UnreadableFile("not valid JSON: a file starting with [ must be one JSON array")
    for number, item in enumerate(items, start=1):
        yield _object(item, f"record {number}")


def _lines(text: str) -> Iterator[RawRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        record = read_line(line, number)
        if record is not None:
            yield record


def read_line(line: str, number: int) -> RawRecord | None:
    """One line of JSON Lines as a record; None for a blank line."""
    if not line.strip():
        return None
    try:
        return _object(json.loads(line), f"line {number}")
    except json.JSONDecodeError as error:
        return RawRecord(
            f"line {number}", problem=f"not valid JSON: {error.msg} at column {error.colno}"
        )
    except (ValueError, RecursionError) as error:
        return RawRecord(f"line {number}", problem=f"not valid JSON: {_unreadable(error)}")


def _unreadable(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


def _object(data: Any, position: str) -> RawRecord:
    if not isinstance(data, dict):
        return RawRecord(position, problem=f"expected a JSON object, got {type(data).__name__}")
    return RawRecord(position, data)
