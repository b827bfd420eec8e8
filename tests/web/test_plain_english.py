"""Every line a person reads is plain English: each role's pages, followed link by link over the
demo scheme at work, show no coded value, no Python value and one date format (30 June 2024).
Each kind of page is read once, by the first role that reaches it; every role's start page is read."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from pypdf import PdfReader

from iom.accounts.models import Role
from iom.web.demo import current_code, load_people, make_scheme_at_work, make_users

pytestmark = pytest.mark.django_db

ROLES = tuple(f"demo-{role.value.replace('_', '-')}" for role in Role)  # the demo users
NOT_FOLLOWED = re.compile(r"sign-out|\.csv|/static/|/api/")
PAGES_A_ROLE = 60
NOT_PLAIN = {
    "a date as YYYY-MM-DD": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a code in snake case": re.compile(r"(?<![/\w.])[a-z]+_[a-z0-9_]+\b(?![/.]\w)"),
    "a code in capitals": re.compile(r"\b[A-Z]+_[A-Z0-9_]+\b"),
    "a Python value": re.compile(r"\[\(|\['|\{'|\bTrue\b|\bFalse\b"),
    "a plural in brackets": re.compile(r"\w\(s\)"),
}


def visible_text(response: HttpResponse) -> str:
    content = response.content
    if response["Content-Type"] == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    page = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", content.decode())
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def links(response: HttpResponse) -> list[str]:
    if response["Content-Type"] == "application/pdf":
        return []
    found = re.findall(r'href="(/[^"#]*)"', response.content.decode())
    return [html.unescape(link) for link in found if not NOT_FOLLOWED.search(link)]


def pages_of(username: str, password: str, seen: set[str]) -> dict[str, str]:
    """The text of the pages a role reaches from its start page: one page of each kind not in
    `seen` (the kinds an earlier role read), which gains those it reads."""
    client = Client()
    client.post("/accounts/sign-in", {"username": username, "password": password})
    assert (
        client.post("/accounts/sign-in/code", {"code": current_code(username)}).status_code == 302
    )
    shown, queue = {}, ["/"]
    while queue and len(shown) < PAGES_A_ROLE:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path)
        if path in shown or (kind in seen and path != "/"):
            continue
        seen.add(kind)
        response = client.get(path)
        if response.status_code == 200 and "sign-in" not in path:
            shown[path] = " ".join(visible_text(response).split())
            queue += links(response)
    return shown


def test_every_role_reads_plain_english_everywhere() -> None:
    passwords = {user.username: user.password for user in make_users()}
    load_people(200)
    assert make_scheme_at_work()["members"] > 0
    problems, seen = [], set()
    for username in ROLES:
        pages = pages_of(username, passwords[username], seen)
        for path, text in pages.items():
            for what, pattern in NOT_PLAIN.items():
                for match in pattern.finditer(text):
                    around = text[max(0, match.start() - 50) : match.end() + 30]
                    problems.append(f"{username} {path}: {what}: ...{around}...")
    assert len(seen) > 30  # the kinds of page read, over every role
    assert problems == []
