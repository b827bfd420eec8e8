"""A small OpenID Connect provider on loopback, for the single sign-on tests.

It speaks the authorisation code flow with PKCE as a force's provider would (authorise, token,
userinfo and signing keys, over real HTTP), signs ID tokens with its own RSA key, and signs in
whoever the test puts in `person`, without asking. A test can make it misbehave: tokens for
another audience or from another issuer, signed with a stranger's key, or with the wrong nonce.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "iom-test-client"
CLIENT_SECRET = "a-secret-only-for-the-tests"
KEY_ID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Grant:
    claims: dict[str, Any]
    nonce: str
    challenge: str
    redirect_uri: str


@dataclass
class Provider:
    issuer: str = ""
    person: dict[str, Any] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    # What a misbehaving provider changes in the ID token (aud, iss, nonce), or the key it signs with.
    tamper: dict[str, Any] = field(default_factory=dict)
    signing_key: rsa.RSAPrivateKey | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        """The iom settings that point at this provider."""
        return {
            "IOM_SSO": True,
            "IOM_SSO_NAME": "Test Constabulary account",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }

    def authorise(self, query: dict[str, str]) -> str:
        """Where the browser goes next: back to the site with a code."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            raise ValueError("unknown client or flow")
        if query.get("code_challenge_method") != "S256":
            raise ValueError("PKCE with S256 is required")
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            dict(self.person), query["nonce"], query["code_challenge"], query["redirect_uri"]
        )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            raise ValueError("unknown code")
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            raise ValueError("unknown client")
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant.challenge:
            raise ValueError("PKCE verifier does not match")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            **grant.claims,
            **self.tamper,
        }
        id_token = jwt.encode(
            claims, self.signing_key or self.key, algorithm="RS256", headers={"kid": KEY_ID}
        )
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = grant.claims
        return {"access_token": access_token, "token_type": "Bearer", "id_token": id_token}

    def userinfo(self, authorization: str) -> dict[str, Any]:
        return self.tokens[authorization.removeprefix("Bearer ")]

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


def handler_for(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                if url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorise(query))
                    self.end_headers()
                elif url.path == "/userinfo":
                    self.reply(provider.userinfo(self.headers.get("Authorization", "")))
                elif url.path == "/jwks":
                    self.reply(provider.jwks())
                else:
                    self.reply({"error": "not_found"}, 404)
            except (KeyError, ValueError) as error:
                self.reply({"error": "invalid_request", "error_description": str(error)}, 400)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            try:
                self.reply(provider.token(form))
            except ValueError as error:
                self.reply({"error": "invalid_grant", "error_description": str(error)}, 400)

        def reply(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
