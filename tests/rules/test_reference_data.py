"""The bundled reference data are exact copies of the shared contract files."""

from __future__ import annotations

from pathlib import Path

import pytest

from iom.rules import UnknownOffence, load_catalogue
from iom.rules.catalogue import parse_catalogue

PACKAGE = Path(__file__).parents[2] / "src" / "iom" / "rules"
SHARED = Path(__file__).parents[3] / "shared"

COPIES = [
    ("reference/offences.csv", "reference/offences.csv"),
    ("schemas/person.schema.json", "spec/schemas/person.schema.json"),
    ("schemas/assessment.schema.json", "spec/schemas/assessment.schema.json"),
]


@pytest.mark.parametrize(("ours", "theirs"), COPIES)
def test_copy_is_identical_to_shared(ours: str, theirs: str) -> None:
    shared = SHARED / theirs
    if not shared.exists():
        pytest.skip(f"{shared} not beside this checkout")
    assert (PACKAGE / ours).read_bytes() == shared.read_bytes()


def test_catalogue_holds_every_code_once() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) == 3039
    assert catalogue["03401"].text("derbyshire_group") == "robbery"
    assert catalogue["03401"].number("css_weight") == 746
    assert catalogue["00806"].number("notts_matrix_points_da") == 7
    assert catalogue["04400"].number("css_weight") is None


def test_catalogue_version_is_its_content_hash() -> None:
    raw = (PACKAGE / "reference/offences.csv").read_bytes()
    assert parse_catalogue(raw).version == load_catalogue().version
    assert parse_catalogue(raw.replace(b"746", b"747")).version != load_catalogue().version


def test_unknown_code_is_an_error_not_zero() -> None:
    with pytest.raises(UnknownOffence, match="'99999' is not in the offence catalogue"):
        load_catalogue()["99999"]
