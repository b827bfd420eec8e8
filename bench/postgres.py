"""The benches' PostgreSQL databases: made when missing (the server must be running)."""

from __future__ import annotations

import psycopg


def ensure_database(url: str) -> None:
    """Create the database named at the end of the postgres:// `url` if it does not exist."""
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            con.execute(f'CREATE DATABASE "{name}"')
