"""Reasons as JSON text, built in SQL with as little per-row work as possible.

A reason is a list of alternatives (condition, code, wording, evidence), tried in order like a
CASE. Wording is fixed text; evidence values are either JSON known now (`J`) or SQL that yields
JSON text per row. An alternative whose evidence is all known is one constant string, so most
reasons cost a row nothing. The codes and their order are those of the rules core; wordings are
shorter (`iom assess --explain` gives the full account of one person).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class J:
    """A JSON value known when the SQL is built."""

    value: object

    def json(self) -> str:
        return json.dumps(self.value, separators=(",", ":"))


Evidence = dict[str, "J | str"]


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def number(sql: str) -> str:
    return f"coalesce(({sql})::VARCHAR, 'null')"


def boolean(sql: str) -> str:
    return f"CASE WHEN {sql} THEN 'true' ELSE 'false' END"


def day(sql: str) -> str:
    return f"coalesce(concat('\"', ({sql})::VARCHAR, '\"'), 'null')"


def ids(sql: str) -> str:
    """A JSON list of ids; most lists are empty, so skip the encoder for those."""
    return f"CASE WHEN len({sql}) = 0 THEN '[]' ELSE to_json({sql})::VARCHAR END"


@dataclass(frozen=True)
class Alt:
    when: str
    code: str
    words: str
    evidence: Evidence = field(default_factory=dict)

    def sql(self) -> str:
        """One concat of constant and per-row parts, or a single constant when nothing varies."""
        head = (
            json.dumps({"code": self.code, "text": self.words}, separators=(",", ":"))[:-1]
            + ',"evidence":{'
        )
        parts: list[str] = [head]
        for i, (key, value) in enumerate(self.evidence.items()):
            parts.append(("," if i else "") + json.dumps(key) + ":")
            parts.append(value.json() if isinstance(value, J) else "\0" + value)
        parts.append("}}")
        merged: list[str] = []
        for part in parts:
            if merged and not part.startswith("\0") and not merged[-1].startswith("\0"):
                merged[-1] += part
            else:
                merged.append(part)
        pieces = [p[1:] if p.startswith("\0") else sql_literal(p) for p in merged]
        return pieces[0] if len(pieces) == 1 else "concat(" + ", ".join(pieces) + ")"


def reason(*alternatives: Alt) -> str:
    whens = " ".join(
        f"WHEN {alt.when} THEN {alt.sql()}" for alt in alternatives if alt.when != "true"
    )
    otherwise = next((alt.sql() for alt in alternatives if alt.when == "true"), "NULL")
    return f"CASE {whens} ELSE {otherwise} END" if whens else otherwise


def reasons_array(reasons: list[str]) -> str:
    return "concat('[', concat_ws(',', " + ", ".join(reasons) + "), ']')"
