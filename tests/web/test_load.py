"""The embedded default under light load (finding 5): 20 staff at once on SQLite, no server errors.

This runs the app as `make run` does (the development server on a SQLite file), on the loopback
address only, bounded in threads and time, whatever database the rest of the suite uses.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.helpers import development_env, migrated, run_iom

ROOT = Path(__file__).parents[2]
CLIENTS = 20
SECONDS = 5
PASSWORD = "load-test-password-1234"
SETUP = f"""
import json, django
django.setup()
from django_otp.plugins.otp_totp.models import TOTPDevice
from iom.accounts.models import Agency, AgencyKind, Role, User
from iom.people.models import Person
police = Agency.objects.create(name="Load Police", kind=AgencyKind.POLICE)
keys = {{}}
for n in range({CLIENTS}):
    user = User.objects.create_user(f"load-{{n}}", password="{PASSWORD}", role=Role.POLICE_IOM_OFFICER, agency=police)
    keys[user.username] = TOTPDevice.objects.create(user=user, name="phone", confirmed=True).key
print(json.dumps({{"keys": keys, "people": list(Person.objects.values_list("pk", flat=True))}}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    env = migrated(development_env(tmp_path))
    env.pop("IOM_DEBUG", None)
    assert run_iom("import", str(ROOT / "examples" / "people.jsonl"), env=env).returncode == 0
    made = subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**env, "DJANGO_SETTINGS_MODULE": "iom.web.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/accounts/sign-in", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield base, json.loads(made.stdout)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Staff:
    """One browser: a cookie jar, signing in with password and code, then reading pages."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def post(self, path: str, page: str, **fields: str) -> tuple[int, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, page[:300]
        return self.open(path, {"csrfmiddlewaretoken": token.group(1), **fields})

    def sign_in(self, username: str, key: str) -> None:
        _, page = self.open("/accounts/sign-in")
        status, page = self.post("/accounts/sign-in", page, username=username, password=PASSWORD)
        assert status == 200, status
        assert "authenticator" in page
        code = f"{TOTP(bytes.fromhex(key)).token():06d}"
        status, page = self.post("/accounts/sign-in/code", page, code=code)
        assert status == 200, status
        assert "Sign out" in page


def test_twenty_staff_at_once_get_no_server_errors(server: tuple[str, dict[str, object]]) -> None:
    base, made = server
    keys: dict[str, str] = made["keys"]  # type: ignore[assignment]
    people: list[int] = made["people"]  # type: ignore[assignment]
    paths = ["/", "/people/?q=Example", *(f"/people/{pk}/" for pk in people)]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def work(username: str, key: str) -> None:
        try:
            staff = Staff(base)
            start.wait(timeout=60)
            staff.sign_in(username, key)
            deadline, n = time.monotonic() + SECONDS, 0
            while time.monotonic() < deadline:
                status, _ = staff.open(paths[n % len(paths)])
                n += 1
                with lock:
                    statuses[status] += 1
        except Exception as error:  # reported below, with the thread's user
            with lock:
                failures.append(f"{username}: {error!r}")

    threads = [threading.Thread(target=work, args=item) for item in keys.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    assert failures == []
    assert set(statuses) == {200}, statuses
    assert sum(statuses.values()) >= CLIENTS * 2
