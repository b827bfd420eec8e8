"""Content-Security-Policy with nonces, no caching of pages, no debug pages (findings 9 and 15)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from iom.accounts.models import Role
from iom.people import models as m
from tests.helpers import development_env

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).parents[2] / "src" / "iom" / "web" / "templates"


def pages(adult: m.Person) -> list[str]:
    run = m.ImportRun.objects.create(source="test")
    return [
        "/",
        "/people/?q=Adult",
        f"/people/{adult.pk}/",
        "/people/imports/",
        f"/people/imports/{run.pk}/",
        "/audit/",
    ]


def test_pages_behind_sign_in_are_never_stored(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    client = signed_in(Role.COORDINATOR)
    for path in pages(adult):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    assert "no-store" in Client().get("/accounts/sign-in")["Cache-Control"]


def test_every_page_has_a_policy_and_its_inline_script_carries_the_nonce(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    client = signed_in(Role.COORDINATOR)
    for path in [*pages(adult), "/accounts/sign-in"]:
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None, path
        page = response.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
        assert inline, path  # GOV.UK Frontend's js-enabled line
        assert all(f'nonce="{nonce.group(1)}"' in attributes for attributes in inline), path
        assert " style=" not in page, path


def test_no_template_has_inline_handlers_or_styles() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\son[a-z]+=", text), template
        assert "style=" not in text, template
        assert "<style" not in text, template


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    env = development_env(tmp_path)
    env.pop("IOM_DEBUG", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env["DJANGO_SETTINGS_MODULE"] = "iom.web.settings"
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "False"
    env["IOM_DEBUG"] = "1"
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "True"


def test_a_server_error_shows_a_plain_page(
    signed_in: Callable[[str], Client], adult: m.Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(Role.COORDINATOR)
    client.raise_request_exception = False

    def broken(person: m.Person) -> None:
        raise RuntimeError("a bug with a secret in it")

    monkeypatch.setattr("iom.people.views.timeline", broken)
    response = client.get(f"/people/{adult.pk}/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "secret" not in page
    assert "Traceback" not in page


def test_the_partnership_look_has_no_crown_wordmark_or_gds_transport(
    signed_in: Callable[[str], Client], adult: m.Person
) -> None:
    """GOV.UK's crown, wordmark and typeface are GOV.UK's alone: the partnership's own header,
    a system font, a footer without the Crown copyright, and the current page marked."""
    client = signed_in(Role.COORDINATOR)
    page = client.get("/people/?q=Adult").content.decode()
    assert "govuk-header__logotype" not in page
    assert "GOV.UK" not in page
    assert "crown-copyright" not in page
    assert "govuk-footer__licence-logo" not in page
    assert "moj-header" in page
    assert "Derbyshire and Nottinghamshire IOM partnership" in page
    assert re.search(r'href="/people/" aria-current="page"', page)
    inside = client.get("/people/999999/").content.decode()  # a page within the People section
    assert re.search(r'href="/people/" aria-current="true"', inside)
    css = b"".join(client.get("/static/govuk/iom.min.css").streaming_content).decode()  # type: ignore[attr-defined]
    assert "GDS Transport" not in css
    assert "system-ui" in css
