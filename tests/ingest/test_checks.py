"""The repeated-id check names exactly the lines whose key an earlier line had, however many
parts it splits the hashes into."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iom.ingest import checks

# Few people and ids, so that keys repeat often; sixty rows spread them over every part.
KEYS = st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.sampled_from("123456")), max_size=60)


def reported(rows: list[tuple[str, str]], threads: int) -> list[int]:
    con = duckdb.connect()
    con.register(
        "given",
        pa.table(
            {
                "line": list(range(1, len(rows) + 1)),
                "person_id": [person for person, _ in rows],
                "id": [conviction for _, conviction in rows],
            }
        ),
    )
    con.execute("CREATE TABLE raw_convictions AS SELECT 'c.csv' AS file, * FROM given")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(checks, "_sorting_threads", lambda: threads)
        found = checks.repeated(con, "convictions", ("person_id", "id"), "r.person_id")
    if not found:
        return []
    return sorted(line for _, line, _ in con.execute(found[0]).fetchall())


@pytest.mark.parametrize("threads", [1, 2, 4, 8])
@settings(max_examples=40, deadline=None)
@given(rows=KEYS)
def test_each_line_repeating_an_earlier_key_is_named(
    threads: int, rows: list[tuple[str, str]]
) -> None:
    expected = [line for line, key in enumerate(rows, start=1) if key in rows[: line - 1]]
    assert reported(rows, threads) == expected
