"""Write a population as JSON Lines (person schema) or as the three normalised tables.

The normalised layout (Parquet or CSV) is a folder holding `people`, `convictions` and `custody`
(`people.parquet` ... or `people.csv` ...); see `iom.ingest.tables`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from iom.ingest.tables import TABLES, person_record
from iom.synth.population import Chunk


def write(chunks: Iterable[Chunk], out: Path) -> dict[str, int]:
    """Write to `out` by its suffix: .jsonl, .parquet (a folder) or .csv (a folder). Returns row counts."""
    suffix = out.suffix.lower()
    if suffix == ".jsonl":
        return write_jsonl(chunks, out)
    if suffix in (".parquet", ".csv"):
        return write_tables(chunks, out, suffix[1:])
    raise ValueError(f"{out}: the output must end in .jsonl, .parquet or .csv")


def write_tables(chunks: Iterable[Chunk], folder: Path, fmt: str) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Any] = {}
    counts = dict.fromkeys(TABLES, 0)
    try:
        for chunk in chunks:
            for name in TABLES:
                table: pa.Table = getattr(chunk, name)
                if name not in writers:
                    path = folder / f"{name}.{fmt}"
                    writers[name] = (
                        pq.ParquetWriter(path, table.schema, compression="zstd")
                        if fmt == "parquet"
                        else pacsv.CSVWriter(path, table.schema)
                    )
                writers[name].write_table(table)
                counts[name] += table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    return counts


def write_jsonl(chunks: Iterable[Chunk], path: Path) -> dict[str, int]:
    counts = dict.fromkeys(TABLES, 0)
    with path.open("w", encoding="utf-8") as out:
        for chunk in chunks:
            for name in TABLES:
                counts[name] += getattr(chunk, name).num_rows
            for record in person_records(chunk):
                out.write(json.dumps(record, separators=(",", ":")) + "\n")
    return counts


def person_records(chunk: Chunk) -> Iterator[dict[str, Any]]:
    """Person-schema records (nested), in people order."""
    convictions = _grouped(chunk.convictions)
    custody = _grouped(chunk.custody)
    for row in chunk.people.to_pylist():
        yield person_record(row, convictions.get(row["id"], []), custody.get(row["id"], []))


def _grouped(table: pa.Table) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        groups[row.pop("person_id")].append(row)
    return groups
