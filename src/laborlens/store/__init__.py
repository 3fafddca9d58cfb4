"""Storage: SQLAlchemy 2 over SQLite (default) or PostgreSQL, schema managed by Alembic, behind one contract
(:class:`Store`, a Protocol; :class:`SqlStore` implements it)."""

from laborlens.store.contract import Store
from laborlens.store.db import SqlStore, open_store

__all__ = ["SqlStore", "Store", "open_store"]
