"""Backends for the store contract: one fixture, ``backend``, yields Settings for a fresh store on each of
SQLite (a throw-away home) and PostgreSQL (127.0.0.1:5432, database ``test``, a throw-away schema; skipped
with a notice when unreachable, failed under CI=true). Import ``backend_settings`` into the test module and
mark a test with ``@on_every_backend`` (splink's one decorator per backend) to run it on both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import need_service

from laborlens.settings import Settings

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")

on_every_backend = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(name="backend")
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("LABORLENS_HOME", str(tmp_path / "home"))
    if request.param == "sqlite":
        monkeypatch.delenv("LABORLENS_DB", raising=False)
        yield Settings()
        return
    import psycopg

    try:
        conn = psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3,
                               autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure means no usable server
        need_service("PostgreSQL", f"127.0.0.1:5432/test unreachable: {type(exc).__name__}")
    schema = f"ll_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE SCHEMA "{schema}"')
    monkeypatch.setenv("LABORLENS_DB", f"{PG}?options=-csearch_path%3D{schema}")
    try:
        yield Settings()
    finally:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()
