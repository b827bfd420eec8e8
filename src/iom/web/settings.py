"""Django settings for development and tests; `iom.web.production` hardens them for live use.

Everything that differs between machines comes from the environment:
- DATABASE_URL: default SQLite under var/ (e.g. postgres://user@127.0.0.1:5432/iom);
- SECRET_KEY: generated once into var/secret_key for development; required in production;
- IOM_AUDIT_KEY: the access log's chain key, likewise (var/audit_key in development);
- IOM_AUDIT_CHECKPOINT: where the access log's head is checkpointed, outside the database
  (by default a file under var/ named for the database);
- IOM_DEBUG=1: Django's debug pages (off unless set; never in production).
- OIDC_*, IOM_SSO_*: single sign-on through the force's identity provider (off unless
  OIDC_RP_CLIENT_ID is set; docs/single-sign-on.md).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

ROOT = Path(os.environ.get("IOM_ROOT", Path.cwd()))
VAR = ROOT / "var"
VAR.mkdir(exist_ok=True)
WEB = Path(__file__).parent


def development_secret(name: str) -> str:
    """A secret made once for this checkout and kept in var/ (production takes them from the environment)."""
    path = VAR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret("secret_key")
IOM_AUDIT_KEY = os.environ.get("IOM_AUDIT_KEY") or development_secret("audit_key")
DEBUG = os.environ.get("IOM_DEBUG") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
IOM_DEMO = (
    os.environ.get("IOM_DEMO", "1") == "1"
)  # demo users and `iom demo-code`; off in production

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "iom.accounts",
    "iom.audit",
    "iom.people",
    "iom.schemes",
    "iom.referrals",
    "iom.panels",
    "iom.cases",
    "iom.governance",
    "iom.notifications",
]

# Work too long for a request (a force's whole daily run) is queued in the database and run by
# `manage.py db_worker`, a process of its own beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iom.web.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "iom.accounts.middleware.SignedOutEverywhereMiddleware",
    "iom.accounts.middleware.PasswordChangeMiddleware",
    "iom.audit.middleware.RequestIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iom.web.urls"
WSGI_APPLICATION = "iom.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [WEB / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "iom.web.jinja2.environment", "autoescape": True},
    },
]

DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{VAR / 'iom.sqlite3'}", conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests queue for the write lock instead of failing with "database is locked":
    # write-ahead logging lets readers run beside the writer, IMMEDIATE takes the write lock when
    # a transaction starts (not half-way, where SQLite cannot wait), and `timeout` is how long to wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("DATABASE_REPLICA_URL"):
    # A read replica for the governance reports (docs/decisions/0005-scaling-out.md); in tests it
    # mirrors the primary.
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["iom.database_routing.ReportsRouter"]


def checkpoint_for(database: dict[str, object]) -> Path:
    """One checkpoint file per database used from this checkout: a checkpoint names an event of
    one access log, so a bench or test database must not move the demo database's."""
    where = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    name = Path(str(database.get("NAME") or "")).stem or "database"
    return VAR / f"audit-checkpoint-{name}-{hashlib.sha256(where.encode()).hexdigest()[:8]}.json"


IOM_AUDIT_CHECKPOINT = Path(
    os.environ.get("IOM_AUDIT_CHECKPOINT") or checkpoint_for(DATABASES["default"])
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "iom.accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"

# Sessions: 30 minutes idle (the cookie is renewed on every request), gone when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout after 5 failed sign-ins (passwords or codes) for one username from one address, for
# 15 minutes (docs/decisions/0002-lockout-per-account-and-address.md); an administrator can
# unlock sooner (axes_reset). Wrong codes are also throttled per authenticator by django-otp.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "iom.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "iom.accounts.backends.provider_attempt"

OTP_TOTP_ISSUER = "IOM"

# Single sign-on (OpenID Connect, mozilla-django-oidc): staff may sign in through the force's
# identity provider instead of a password. Accounts and roles are still made in iom; the claim
# IOM_SSO_USER_CLAIM names the account by IOM_SSO_USER_FIELD. A code from this site's
# authenticator is still asked unless the provider says (`amr`) that it checked a second factor.
IOM_SSO = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
IOM_SSO_NAME = os.environ.get("IOM_SSO_NAME", "your organisation's account")
IOM_SSO_USER_CLAIM = os.environ.get("IOM_SSO_USER_CLAIM", "email")
IOM_SSO_USER_FIELD = os.environ.get("IOM_SSO_USER_FIELD", "email")  # "email" or "username"
IOM_SSO_MFA_METHODS = os.environ.get("IOM_SSO_MFA_METHODS", "mfa").split(",")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
# The provider's end_session_endpoint: signing out of iom signs out there too (with the ID token
# kept in the session as the hint).
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_STORE_ID_TOKEN = True
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sign-in?sso=failed"
if IOM_SSO:
    AUTHENTICATION_BACKENDS.append("iom.accounts.backends.IdentityProviderBackend")

IOM_SERVICE_NAME = os.environ.get("IOM_SERVICE_NAME", "Integrated Offender Management")
IOM_PARTNERSHIP_NAME = os.environ.get(
    "IOM_PARTNERSHIP_NAME", "Derbyshire and Nottinghamshire IOM partnership"
)
IOM_SOURCE_URL = os.environ.get("IOM_SOURCE_URL", "")
# The most people in a scheme's areas that a page screens while the reader waits. The
# disproportionality figures and the policy what-if screen all of them: about 30 s at 1,000,000
# people on PostgreSQL (bench/web_load.py). Above this, the disproportionality page shows the
# figures `iom governance fairness` kept, and both pages queue the work for the task worker.
IOM_SCREENED_IN_PAGE = int(os.environ.get("IOM_SCREENED_IN_PAGE", "100000"))
IOM_SITE_URL = os.environ.get("IOM_SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "iom@localhost")

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB / "static"]
STATIC_ROOT = VAR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True  # static files served without DEBUG and without collectstatic

# Content-Security-Policy: only this site's own scripts, styles and images; the one inline script
# (GOV.UK Frontend's "js-enabled" line) carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Upload limits, stated on the import page (bigger extracts go through `iom import`).
IOM_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
IOM_UPLOAD_MAX_EXPANDED_BYTES = 200 * 1024 * 1024
IOM_UPLOAD_MAX_MEMBERS = 10
IOM_IMPORT_MAX_PROBLEMS = 1000
FILE_UPLOAD_HANDLERS = [
    "iom.people.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
