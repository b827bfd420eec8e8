"""Runs every worked case in tests/policy/*.yaml.

Each file pins one paragraph of the rules contract (shared/spec/policy-rules.md); its name says
which. A file holds defaults (policy, as_of, person fields, parameter overrides) and cases; a case
lists the assessment fields it expects (a partial match: only the keys written are compared),
reason codes that must and must not appear, and evidence to find inside a reason.
Files with `rule:` pin a section 5 function instead of a whole assessment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from iom.rules import assess, load_catalogue, load_policy
from iom.rules import exits as exit_rules
from iom.rules.dates import Duration, parse_date
from iom.rules.model import Conviction, CustodyPeriod
from tests.helpers import person, plain, policy_with

CASE_FILES = sorted(Path(__file__).parent.glob("*.yaml"))


def load_cases() -> list[Any]:
    params = []
    for path in CASE_FILES:
        suite = plain(yaml.safe_load(path.read_text()))
        for case in suite["cases"]:
            params.append(pytest.param(suite, case, id=f"{path.stem}: {case['name']}"))
    return params


def test_every_case_file_has_cases() -> None:
    assert len(CASE_FILES) >= 8
    for path in CASE_FILES:
        assert yaml.safe_load(path.read_text())["cases"], path.name


@pytest.mark.parametrize(("suite", "case"), load_cases())
def test_case(suite: dict[str, Any], case: dict[str, Any]) -> None:
    if "rule" in suite:
        run_rule_case(suite["rule"], case)
    else:
        run_assessment_case(suite, case)


def run_assessment_case(suite: dict[str, Any], case: dict[str, Any]) -> None:
    fields = {**suite.get("person", {}), **case.get("person", {})}
    overrides = {**suite.get("parameters", {}), **case.get("parameters", {})}
    policy = policy_with(case.get("policy", suite["policy"]), overrides)
    as_of = parse_date(case.get("as_of", suite["as_of"]))
    result = assess(person(**fields), policy, as_of, load_catalogue())
    output = result.to_json()
    assert_matches(output, case.get("expect", {}), "")
    codes = result.reason_codes()
    for code in case.get("reasons", []):
        assert code in codes, f"reason {code} missing from {codes}"
    for code in case.get("absent_reasons", []):
        assert code not in codes, f"reason {code} should not be in {codes}"
    for code, expected in case.get("evidence", {}).items():
        reason = next(r for r in output["reasons"] if r["code"] == code)
        assert_matches(reason["evidence"], expected, code)
    for code, phrase in case.get("text", {}).items():
        reason = next(r for r in output["reasons"] if r["code"] == code)
        assert phrase in reason["text"], f"{code}: {phrase!r} not in {reason['text']!r}"


def assert_matches(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list) and any(isinstance(item, dict) for item in expected):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), (
            f"{where}: expected {len(expected)} items, got {actual!r}"
        )
        for i, (got, want) in enumerate(zip(actual, expected, strict=True)):
            assert_matches(got, want, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


# --- section 5 rule cases ------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return None if value is None else parse_date(value)


def _convictions(items: list[dict[str, Any]]) -> list[Conviction]:
    return [
        Conviction(
            c["id"],
            c.get("offence_code", "02803"),
            parse_date(c["conviction_date"]),
            _day(c.get("offence_date")),
        )
        for c in items
    ]


def _custody(items: list[dict[str, Any]]) -> list[CustodyPeriod]:
    return [
        CustodyPeriod(p["kind"], parse_date(p["start"]), _day(p.get("end")), p.get("sentence_days"))
        for p in items
    ]


def _next_step(given: dict[str, Any]) -> exit_rules.NextStep:
    as_of = parse_date(given["as_of"])
    policy = load_policy(given.get("policy", "derbyshire-2021"))
    return exit_rules.next_step(
        parse_date(given["joined_on"]),
        _convictions(given.get("convictions", [])),
        _custody(given.get("custody", [])),
        as_of,
        policy.parameters_on(as_of),
        date_of_birth=parse_date(given.get("date_of_birth", "1990-01-01")),
        youth_scheme=given.get("youth_scheme", False),
        notice_given_on=_day(given.get("notice_given_on")),
        kept_on=_day(given.get("kept_on")),
        transferred_out_on=_day(given.get("transferred_out_on")),
        moved_to_adult_services_on=_day(given.get("moved_to_adult_services_on")),
    )


def run_rule_case(rule: str, case: dict[str, Any]) -> None:
    given, expect = case["given"], case["expect"]
    if rule == "exit_schedule":
        result: Any = exit_rules.exit_schedule(
            parse_date(given["joined_on"]),
            _convictions(given.get("convictions", [])),
            parse_date(given["as_of"]),
            Duration.parse(given.get("notice_after", "P3M")),
            Duration.parse(given.get("review_after", "P6M")),
            _custody(given.get("custody", [])),
            _day(given.get("kept_on")),
        )
    elif rule == "custody_review":
        sentence = _custody([given["sentence"]])[0]
        remand = given.get("remand_days")
        if remand is None:
            remand = exit_rules.remand_credit(sentence, _custody(given.get("custody", [])))
        result = exit_rules.custody_review(
            sentence,
            parse_date(given["today"]),
            Duration.parse(given.get("deselect_over", "P12M")),
            given.get("release_point", 0.5),
            remand,
        )
        expect = {**expect}
        if "remand_credit" in expect:
            assert remand == expect.pop("remand_credit")
    elif rule == "adult_referral":
        result = exit_rules.adult_referral(
            parse_date(given["date_of_birth"]),
            parse_date(given["as_of"]),
            given.get("adult_age", 18),
            _day(given.get("moved_to_adult_services_on")),
        )
    elif rule == "transfer":
        on = parse_date(given["date"])
        result = (
            exit_rules.transferred_out(on)
            if given["direction"] == "out"
            else exit_rules.arrived(on, given.get("previous_scheme"))
        )
    elif rule == "next_step":
        result = _next_step(given)
    else:
        raise AssertionError(f"unknown rule {rule}")
    for key, value in expect.items():
        actual = getattr(result, key)
        actual = actual.isoformat() if isinstance(actual, date) else actual
        assert actual == value, f"{key}: expected {value!r}, got {actual!r}"
    if getattr(result, "action", "always explained") is not None:
        assert result.reasons, "a rule that decides something must say why"
