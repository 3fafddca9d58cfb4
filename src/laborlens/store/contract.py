"""The store contract every backend honours (nomenklatura's Store: one interface, one behavioural test).

:class:`laborlens.store.db.SqlStore` implements it over SQLite (the default) and PostgreSQL; the library types
its parameters with :class:`Store`, never with a backend. ``tests/test_store_contract.py`` runs the same
behaviour on every backend: screening data (parties, links, shipments, list editions, findings,
decisions), case work (cases and their appended events), the audit chain and concurrent writers.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from laborlens.settings import Settings
    from laborlens.store.keys import Keys


@runtime_checkable
class Store(Protocol):
    """Where laborlens keeps everything, reached only through units of work."""

    settings: Settings
    engine: Engine
    keys: Keys

    @property
    def dialect(self) -> str:
        """The backend's name: ``sqlite`` or ``postgresql``."""
        ...

    def migrate(self) -> None:
        """Bring the schema to the latest revision (idempotent)."""
        ...

    def session(self) -> AbstractContextManager[Session]:
        """A unit of work: commits whole on success, rolls back whole on any error. Audit appends made in it
        are serialised with every other writer's (see :mod:`laborlens.audit`)."""
        ...
