"""The API's documentation page: every operation from the OpenAPI schema, in the site's look."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iom.accounts.access import staff_view
from iom.api.endpoints import api


@staff_view("view_home")
def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    operations = [
        (method.upper(), path, operation.get("summary", ""), operation.get("parameters", []))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "api/docs.html", {"operations": operations, "schema": schema})
