"""The same store contract on PostgreSQL (127.0.0.1:5432, database ``test``), in a throw-away schema."""

import uuid

import pytest
from sqlalchemy import func, select, text

from laborlens.settings import Settings
from laborlens.store import models as m
from laborlens.store import open_store

from conftest import need_service

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture()
def pg_settings(tmp_path, monkeypatch):
    import psycopg

    try:
        conn = psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3,
                               autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure means no usable server
        need_service("PostgreSQL", f"127.0.0.1:5432/test unreachable: {type(exc).__name__}")
    schema = f"ll_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{PG}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("LABORLENS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LABORLENS_DB", url)
    yield Settings()
    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


def test_postgres_load_is_all_or_nothing_and_idempotent(pg_settings, tmp_path):
    from laborlens.demo import generate_demo
    from laborlens.errors import InputError
    from laborlens.ingest import load_dir

    store = open_store(pg_settings)
    assert store.engine.dialect.name == "postgresql"
    generate_demo(tmp_path / "data", seed=7)
    first = load_dir(store, tmp_path / "data")
    again = load_dir(store, tmp_path / "data")
    assert not again.changed and first.changed
    with store.session() as s:
        n = s.scalar(select(func.count()).select_from(m.Link))
    bad = tmp_path / "data" / "links.csv"
    bad.write_text(bad.read_text().replace("\n", "\nS0001,NOBODY,cotton,,,,,\n", 1))
    with pytest.raises(InputError):
        load_dir(store, tmp_path / "data")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Link)) == n


def test_postgres_lists_and_audit(pg_settings):
    from laborlens import accounts, audit
    from laborlens.refdata.editions import current_entries

    store = open_store(pg_settings)
    assert len(current_entries(store, ["uflpa"])) == 75
    with store.session() as s:
        accounts.add_user(s, "pg-admin", "a long enough password", "admin")
    with store.session() as s:
        assert audit.verify(s).ok
        s.execute(text("UPDATE audit_log SET actor = 'mallory'"))
        assert not audit.verify(s).ok
