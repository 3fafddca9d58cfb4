"""Engine, sessions and migrations. One unit of work per command: commit whole or roll back whole."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from laborlens.errors import LaborlensError
from laborlens.settings import Settings
from laborlens.store.keys import Keys

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _private_sqlite(url: str) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask, typically 0644); SQLite
    gives its -wal and -shm files the database file's mode, and old ones are tightened here."""
    from sqlalchemy.engine import make_url

    from laborlens.fsutil import touch_private

    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    db = Path(name)
    if db.parent.is_dir():
        touch_private(db)
        for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if extra.exists():
                extra.chmod(0o600)


class SqlStore:
    """The :class:`laborlens.store.Store` contract over SQLAlchemy: SQLite by default, PostgreSQL by URL."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = Keys(settings)
        url = settings.db_url
        args: dict = {}
        if url.startswith("sqlite"):
            settings.ensure_home()
            _private_sqlite(url)
            args["connect_args"] = {"timeout": 60}  # writers queue on SQLite's one write lock
        try:
            self.engine: Engine = create_engine(url, future=True, **args)
        except ModuleNotFoundError as exc:  # the driver is an optional extra
            if "psycopg" not in str(exc):
                raise
            raise LaborlensError(
                "a PostgreSQL database needs its driver: pip install 'laborlens[postgres]'") from None
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        # Sessions carry the keys, so that audit.record(session, ...) signs with this installation's key.
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"keys": self.keys})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        cfg.attributes["keys"] = self.keys  # 0005 re-keys an existing audit chain
        command.upgrade(cfg, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back everything on any error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise


def write_lock(s: Session) -> None:
    """Take the database's write lock before reading what a write depends on.

    PostgreSQL locks rows (``SELECT ... FOR UPDATE``) and needs nothing here. pysqlite opens its transaction
    lazily at the first write, so a read before it may see a snapshot another writer has already moved
    past: ``BEGIN IMMEDIATE`` queues this unit of work behind the current writer instead."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def open_store(settings: Settings) -> SqlStore:
    store = SqlStore(settings)
    store.migrate()
    return store
