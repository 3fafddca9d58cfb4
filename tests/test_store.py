from sqlalchemy import inspect

from laborlens.store import open_store


def test_migrate_creates_tables_and_is_idempotent(settings):
    store = open_store(settings)
    store.migrate()  # second run is a no-op
    names = set(inspect(store.engine).get_table_names())
    assert {"parties", "links", "shipments", "list_editions", "list_entries", "alembic_version"} <= names
    assert (settings.home / "laborlens.db").exists()


def test_laborlens_db_url_is_honoured(tmp_path, monkeypatch):
    from laborlens.settings import Settings

    url = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("LABORLENS_DB", url)
    s = Settings()
    assert s.db_url == url
    open_store(s)
    assert (tmp_path / "other.db").exists()
