"""Policies as data: `policies/<id>.yaml`, validated on load, parameters resolved by date.

Each parameter has dated values in the spirit of OpenFisca: the value in force on the as-of date
is the latest one dated on or before it. An as-of date before the first dated value uses the first
value (the policy as written, applied retrospectively), so historic reassessment still works.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from iom.rules.dates import parse_date
from iom.rules.parameters import (
    PARAMETER_SETS,
    DerbyshireParameters,
    NottinghamshireParameters,
    kinds,
)

JSON = dict[str, Any]
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class PolicyError(ValueError):
    """A policy file that cannot be used, with the file and the field at fault."""


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    reference: str
    values: tuple[tuple[date, Any], ...]  # (in force from, value), oldest first

    def on(self, day: date) -> Any:
        in_force = self.values[0][1]
        for since, value in self.values:
            if since <= day:
                in_force = value
        return in_force


@dataclass(frozen=True)
class Policy:
    id: str
    version: str
    title: str
    engine: str
    source: Mapping[str, str]
    parameters: Mapping[str, Parameter]
    digest: str

    @property
    def version_label(self) -> str:
        """Id, version and content digest: enough to tell exactly which rules were applied."""
        return f"{self.id}@{self.version}+{self.digest}"

    def parameters_on(self, day: date) -> DerbyshireParameters | NottinghamshireParameters:
        kind_of = kinds(self.engine)
        values = {name: kind_of[name].convert(p.on(day)) for name, p in self.parameters.items()}
        return PARAMETER_SETS[self.engine](**values)


class PlainLoader(yaml.SafeLoader):
    """YAML without implicit timestamps, so dated keys stay strings we parse ourselves."""


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def policy_schema(engine: str | None) -> JSON:
    """JSON schema of a policy file; with an engine, its exact parameter set."""
    schema: JSON = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "version", "title", "engine", "source", "parameters"],
        "properties": {
            "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
            "version": {"type": "string", "minLength": 1},
            "title": {"type": "string", "minLength": 1},
            "engine": {"enum": sorted(PARAMETER_SETS)},
            "source": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "required": ["document"],
            },
            "parameters": {"type": "object"},
        },
    }
    if engine in PARAMETER_SETS:
        names = kinds(engine)
        schema["properties"]["parameters"] = {
            "type": "object",
            "additionalProperties": False,
            "required": sorted(names),
            "properties": {name: _parameter_schema(kind.schema) for name, kind in names.items()},
        }
    return schema


def _parameter_schema(value_schema: JSON) -> JSON:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["label", "unit", "reference", "values"],
        "properties": {
            "label": {"type": "string", "minLength": 1},
            "unit": {"type": "string", "minLength": 1},
            "reference": {"type": "string", "minLength": 1},
            "values": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": DATE_PATTERN},
                "additionalProperties": value_schema,
            },
        },
    }


def parse_policy(text: str, origin: str) -> Policy:
    try:
        data = yaml.load(text, Loader=PlainLoader)
    except yaml.YAMLError as error:
        raise PolicyError(f"{origin}: not valid YAML: {error}") from None
    engine = data.get("engine") if isinstance(data, dict) else None
    problems = sorted(
        Draft202012Validator(policy_schema(engine)).iter_errors(data), key=lambda e: list(e.path)
    )
    if problems:
        lines = [f"{origin}: {_where(e.absolute_path)}: {_what(e)}" for e in problems]
        raise PolicyError("\n".join(lines))
    return _build(data, hashlib.sha256(text.encode()).hexdigest()[:12], origin)


def _build(data: JSON, digest: str, origin: str) -> Policy:
    parameters = {}
    for name, spec in data["parameters"].items():
        dated = sorted(
            (parse_date_in(origin, name, day), value) for day, value in spec["values"].items()
        )
        parameters[name] = Parameter(
            name, spec["label"], spec["unit"], spec["reference"], tuple(dated)
        )
    return Policy(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        engine=data["engine"],
        source=data["source"],
        parameters=parameters,
        digest=digest,
    )


def parse_date_in(origin: str, name: str, text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise PolicyError(f"{origin}: parameters.{name}.values: {error}") from None


def _where(path: Any) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _what(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"unknown key: {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "required":
        return f"missing value: {error.message}"
    return str(error.message)


def policies_folder() -> Path:
    return Path(str(resources.files("iom.rules").joinpath("policies")))


def available_policies() -> list[str]:
    return sorted(path.stem for path in policies_folder().glob("*.yaml"))


@cache
def load_policy(policy_id: str) -> Policy:
    """A bundled policy by id, e.g. `derbyshire-2021`."""
    path = policies_folder() / f"{policy_id}.yaml"
    if not path.is_file():
        known = ", ".join(available_policies())
        raise PolicyError(f"no policy {policy_id!r}; the policies are: {known}")
    policy = parse_policy(path.read_text(encoding="utf-8"), path.name)
    if policy.id != policy_id:
        raise PolicyError(f"{path.name}: id: {policy.id!r} does not match the file name")
    return policy


def load_policy_file(path: Path) -> Policy:
    """A policy from any file, for schemes that keep their own."""
    return parse_policy(path.read_text(encoding="utf-8"), str(path))
