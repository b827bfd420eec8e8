"""The impact contract's parameters, dated as the policies' are (`parameters.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import yaml

from iom.rules.dates import parse_date
from iom.rules.policy import Parameter


@dataclass(frozen=True)
class ImpactParameters:
    impact_min_days_at_liberty: int = 90
    rri_reference_ethnicity: str = "White"
    rri_reference_sex: str = "M"
    rri_reference_age_band: str = "25-34"


@cache
def _dated() -> dict[str, Parameter]:
    text = resources.files("iom.impact").joinpath("parameters.yaml").read_text(encoding="utf-8")
    return {
        name: Parameter(
            name,
            spec["label"],
            spec["unit"],
            spec["reference"],
            tuple(sorted((parse_date(day), value) for day, value in spec["values"].items())),
        )
        for name, spec in yaml.safe_load(text)["parameters"].items()
    }


def impact_parameters(on: date) -> ImpactParameters:
    """The values in force on `on`."""
    values = {name: parameter.on(on) for name, parameter in _dated().items()}
    return ImpactParameters(
        impact_min_days_at_liberty=int(values["impact_min_days_at_liberty"]),
        rri_reference_ethnicity=str(values["rri_reference_ethnicity"]),
        rri_reference_sex=str(values["rri_reference_sex"]),
        rri_reference_age_band=str(values["rri_reference_age_band"]),
    )
