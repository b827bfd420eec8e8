"""The offence catalogue: Home Office offence codes with the figures each scheme reads.

`reference/offences.csv` is a byte-identical copy of `shared/reference/offences.csv`. Its version is
the first 12 hex digits of its SHA-256, recorded with every assessment.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

NUMERIC_COLUMNS = ("notts_matrix_points", "notts_matrix_points_da", "css_weight", "ogrs3_weight")
TEXT_COLUMNS = ("description", "category", "derbyshire_group", "css_source")


class UnknownOffence(KeyError):
    """A conviction's offence code is not in the catalogue: an error, never a silent zero."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"offence code {self.code!r} is not in the offence catalogue"


@dataclass(frozen=True)
class Offence:
    code: str
    texts: Mapping[str, str]
    numbers: Mapping[str, float | None]
    sexual_offence: bool

    @property
    def description(self) -> str:
        return self.texts["description"]

    @property
    def plain(self) -> str:
        """The description as people read it: no coding guidance in brackets, no closing stop."""
        text = re.sub(r"\s*\[[^\]]*\]", "", self.description).strip().rstrip(".").strip()
        return text or self.code

    def number(self, column: str) -> float | None:
        """A numeric column; None where the catalogue leaves it empty."""
        return self.numbers[column]

    def text(self, column: str) -> str:
        return self.texts[column]


@dataclass(frozen=True)
class Catalogue:
    offences: Mapping[str, Offence]
    version: str

    def __getitem__(self, code: str) -> Offence:
        try:
            return self.offences[code]
        except KeyError:
            raise UnknownOffence(code) from None

    def __contains__(self, code: object) -> bool:
        return code in self.offences

    def __len__(self) -> int:
        return len(self.offences)


def parse_catalogue(raw: bytes) -> Catalogue:
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    offences = {row["code"]: _offence(row) for row in rows}
    return Catalogue(offences=offences, version=hashlib.sha256(raw).hexdigest()[:12])


def _offence(row: dict[str, str]) -> Offence:
    return Offence(
        code=row["code"],
        texts={column: row[column] for column in TEXT_COLUMNS},
        numbers={column: float(row[column]) if row[column] else None for column in NUMERIC_COLUMNS},
        sexual_offence=row["sexual_offence"] == "true",
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The bundled catalogue, or one at `path` (a scheme's own, e.g. with newer CSS weights)."""
    if path is not None:
        return parse_catalogue(path.read_bytes())
    return _bundled()


@cache
def _bundled() -> Catalogue:
    return parse_catalogue(
        resources.files("iom.rules").joinpath("reference/offences.csv").read_bytes()
    )
