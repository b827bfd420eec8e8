"""What staff do all day, for Locust (run by bench/web_load.py, not by hand).

Each simulated user signs in as one of the load users (password, then the code from their
authenticator, computed here from its secret), then searches, opens people, the cohort, a
meeting and their own members, and records contacts, in roughly the proportions of a working day.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from itertools import count
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["IOM_LOAD_PLAN"]).read_text())
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_USER = count()


def totp(secret_hex: str, at: float) -> str:
    """RFC 6238 with django-otp's defaults: SHA-1, 30-second steps, 6 digits."""
    counter = struct.pack(">Q", int(at // 30))
    mac = hmac.new(bytes.fromhex(secret_hex), counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# Seconds a member of staff spends on a page before the next (reading, typing, on the phone).
THINK = tuple(float(s) for s in os.environ.get("IOM_LOAD_THINK", "5,15").split(","))


class Staff(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.account = PLAN["users"][next(NEXT_USER) % len(PLAN["users"])]
        credentials = {"username": self.account["username"], "password": PLAN["password"]}
        self.submit("/accounts/sign-in", "/accounts/sign-in", credentials, "sign in (password)")
        code = {"code": totp(self.account["secret"], time.time())}
        self.submit("/accounts/sign-in/code", "/accounts/sign-in/code", code, "sign in (code)")

    def submit(self, page: str, action: str, fields: dict[str, str], name: str) -> None:
        """Open the form's page, then post the fields with its CSRF token, as a browser would."""
        shown = self.client.get(page, name=f"{name}: the page")
        token = TOKEN.search(shown.text).group(1)
        self.client.post(action, {**fields, "csrfmiddlewaretoken": token}, name=name)

    @task(4)
    def search(self) -> None:
        self.client.get(f"/people/?q={random.choice(PLAN['surnames'])}", name="search")

    @task(4)
    def open_person(self) -> None:
        self.client.get(f"/people/{random.choice(PLAN['people'])}/", name="person page")

    @task(2)
    def cohort(self) -> None:
        self.client.get("/cohort/", name="cohort")

    @task(1)
    def meeting(self) -> None:
        self.client.get(f"/meetings/{PLAN['meeting']}/", name="meeting")

    @task(2)
    def my_member(self) -> None:
        self.client.get(f"/cohort/{random.choice(self.account['members'])}/", name="member page")

    @task(1)
    def record_contact(self) -> None:
        member = random.choice(self.account["members"])
        fields = {
            "contact-on": time.strftime("%Y-%m-%d"),
            "contact-kind": "home_visit",
            "contact-outcome": "attended",
            "contact-note": "Load test visit",
        }
        self.submit(f"/cohort/{member}/", f"/cohort/{member}/contacts", fields, "record a contact")
