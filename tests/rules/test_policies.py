"""Policies load, validate and resolve dated values; a bad file says exactly what is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from iom.rules import PolicyError, available_policies, load_policy, load_policy_file
from iom.rules.dates import Duration
from iom.rules.parameters import DerbyshireParameters
from iom.rules.policy import parse_policy, policies_folder


def derbyshire_text() -> str:
    return (policies_folder() / "derbyshire-2021.yaml").read_text()


def edited(change: str, value: object) -> str:
    data = yaml.safe_load(derbyshire_text())
    target = data
    *parents, last = change.split(".")
    for part in parents:
        target = target[part]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return yaml.safe_dump(data)


def test_bundled_policies() -> None:
    assert available_policies() == ["derbyshire-2021", "nottinghamshire-yjs-2022"]
    params = load_policy("derbyshire-2021").parameters_on(date(2024, 6, 30))
    assert isinstance(params, DerbyshireParameters)
    assert params.w12_length == Duration(months=12)
    assert params.css_length == Duration(years=5)
    assert params.fixed_min_ogrs == 50
    assert params.css_indicator_threshold == 1500
    assert params.fixed_min_share == 0.6


def test_every_parameter_has_label_unit_and_reference() -> None:
    for policy_id in available_policies():
        for parameter in load_policy(policy_id).parameters.values():
            assert parameter.label
            assert parameter.unit
            assert parameter.reference


def test_unknown_key_is_named() -> None:
    text = edited("parameters.fixed_min_ogrs.colour", "red")
    with pytest.raises(
        PolicyError, match=r"x\.yaml: parameters\.fixed_min_ogrs: unknown key: 'colour'"
    ):
        parse_policy(text, "x.yaml")


def test_unknown_parameter_is_named() -> None:
    text = edited(
        "parameters.fixed_max_ogrs",
        {"label": "a", "unit": "b", "reference": "c", "values": {"2021-01-01": 1}},
    )
    with pytest.raises(PolicyError, match="parameters: unknown key: 'fixed_max_ogrs'"):
        parse_policy(text, "x.yaml")


def test_wrong_type_is_named() -> None:
    text = edited("parameters.fixed_min_ogrs.values", {"2021-08-01": "fifty"})
    with pytest.raises(
        PolicyError,
        match=r"parameters\.fixed_min_ogrs\.values\.2021-08-01: 'fifty' is not of type 'number'",
    ):
        parse_policy(text, "x.yaml")


def test_missing_value_is_named() -> None:
    text = edited("parameters.w6_length", None)
    with pytest.raises(
        PolicyError, match="parameters: missing value: 'w6_length' is a required property"
    ):
        parse_policy(text, "x.yaml")


def test_bad_duration_and_bad_date_key() -> None:
    with pytest.raises(
        PolicyError, match=r"w12_length\.values\.2021-08-01: '12 months' does not match"
    ):
        parse_policy(edited("parameters.w12_length.values", {"2021-08-01": "12 months"}), "x.yaml")
    with pytest.raises(PolicyError, match=r"w12_length\.values"):
        parse_policy(edited("parameters.w12_length.values", {"2021-13-01": "P12M"}), "x.yaml")


def test_unknown_policy_lists_the_known_ones() -> None:
    with pytest.raises(
        PolicyError, match="no policy 'kent-2020'; the policies are: derbyshire-2021"
    ):
        load_policy("kent-2020")


def test_dated_values_take_the_latest_in_force() -> None:
    text = edited("parameters.fixed_min_ogrs.values", {"2021-08-01": 50, "2025-04-01": 55})
    policy = parse_policy(text, "x.yaml")
    assert policy.parameters["fixed_min_ogrs"].on(date(2025, 3, 31)) == 50
    assert policy.parameters["fixed_min_ogrs"].on(date(2025, 4, 1)) == 55
    # before the first dated value the policy applies as first written
    assert policy.parameters["fixed_min_ogrs"].on(date(2019, 1, 1)) == 50


def test_version_label_changes_with_content() -> None:
    a = parse_policy(derbyshire_text(), "a")
    b = parse_policy(edited("parameters.fixed_min_ogrs.values", {"2021-08-01": 55}), "b")
    assert a.version_label.startswith("derbyshire-2021@1+")
    assert a.version_label != b.version_label


def test_a_scheme_can_keep_its_own_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "kent-2026.yaml"
    path.write_text(edited("id", "kent-2026"))
    policy = load_policy_file(path)
    assert policy.id == "kent-2026"
    assert policy.engine == "derbyshire_cohorts"
    path.write_text(edited("parameters.w6_length", None))
    with pytest.raises(PolicyError, match=f"{path}: parameters: missing value"):
        load_policy_file(path)
