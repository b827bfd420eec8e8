"""Production settings: `DJANGO_SETTINGS_MODULE=iom.web.production`. `manage.py check --deploy` is clean."""

from __future__ import annotations

import os

from iom.web.settings import *  # noqa: F403

for required in ("SECRET_KEY", "IOM_AUDIT_KEY"):
    if not os.environ.get(required):
        raise RuntimeError(f"{required} must be set in the environment in production")
SECRET_KEY = os.environ["SECRET_KEY"]
IOM_AUDIT_KEY = os.environ["IOM_AUDIT_KEY"]
DEBUG = False
IOM_DEMO = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy, the number of proxies in front of the app, so lockout sees the real address.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("IOM_PROXY_COUNT", "0")) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
