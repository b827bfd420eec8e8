"""The Jinja2 environment: GOV.UK Frontend macros, static files, URL reversing, CSRF."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    ours = options.pop("loader")  # Django's FileSystemLoader over TEMPLATES["DIRS"]
    options["loader"] = ChoiceLoader(
        [ours, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("autoescape", select_autoescape())
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(**options)
    env.globals.update(static=static, url=url)  # csrf_input comes from Django
    return env
