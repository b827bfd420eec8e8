"""schemathesis against the API's own OpenAPI schema (bounded): no generated call gets a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from iom.accounts.models import Role, User
from iom.accounts.services import make_token
from iom.api.endpoints import api
from iom.people import models as m

pytestmark = pytest.mark.django_db(transaction=True)


def test_generated_calls_never_fail_the_server(
    make_user: Callable[..., User], adult: m.Person
) -> None:
    key = make_token(make_user(Role.COORDINATOR), "schemathesis", 1)[1]
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    failures, seen = [], set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:

        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {key}"})
            seen.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        call()
    assert failures == []
    assert 200 in seen  # the calls reached the views, signed in by the key
