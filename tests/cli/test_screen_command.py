"""`iom screen` ends with a summary in words: the README's worked example, line for line."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_iom

EXTRACT = Path(__file__).parents[2] / "examples" / "extract"


def test_the_summary_names_outcomes_and_exclusions_in_words(tmp_path: Path) -> None:
    output = tmp_path / "out.parquet"
    result = run_iom(
        *("screen", "--policy", "derbyshire-2021", "--as-of", "2025-12-31"),
        *("--input", str(EXTRACT), "--output", str(output)),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-5:] == [
        f"screened 4 people; results in {output}",
        "  outcome: eligible (2), excluded (2)",
        "  cohort: fixed (3), free (1)",
        "  exclusion: managed at MAPPA level 2 or 3 (1), under 18 (1)",
        "  priority tier: tier 1 (2), tier 2 (2)",
    ]


def test_the_matrix_summary_says_whom_to_refer(tmp_path: Path) -> None:
    result = run_iom(
        *("screen", "--policy", "nottinghamshire-yjs-2022", "--as-of", "2025-12-31"),
        *("--input", str(EXTRACT), "--output", str(tmp_path / "out.parquet")),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "  refer to selection meeting: do not refer (4)"
