"""Storage: SQLAlchemy 2 over SQLite (default) or PostgreSQL, schema managed by Alembic."""

from laborlens.store.db import Store, open_store

__all__ = ["Store", "open_store"]
