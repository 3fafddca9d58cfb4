"""One settings object, built once and passed in.

Honours ``LABORLENS_HOME`` (data folder, default ``~/.laborlens``), ``LABORLENS_DB`` (SQLAlchemy URL,
default a SQLite file under the home folder) and ``LABORLENS_DEFENDER_KEY`` (see ``defender_key``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABORLENS_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".laborlens")
    db: str | None = None
    workers: int = 0  # 0 means "all cores"
    # caps on input files (load, lists import, match, uploads): see laborlens.ingest.limits
    max_file_mb: int = 100
    max_unpacked_mb: int = 512
    max_rows: int = 1_000_000
    max_cell_chars: int = 32_767
    max_json_depth: int = 32
    # grievances: days staff have to acknowledge / start investigating a report; the SMS webhook's secret
    grievance_ack_days: int = 7
    grievance_investigate_days: int = 30
    grievance_webhook_secret: str = ""
    grievance_webhook_url: str = ""  # the public URL the provider signs, when a proxy rewrites it
    # Defender-identity key(s): base64 of 32 bytes, comma-separated (first encrypts, the rest only decrypt).
    # Unset: a key file under ``home/keys`` (made on first use). Read here, passed to ``cases.crypto.KeyRing``.
    defender_key: SecretStr | None = None
    # Keys kept outside the database (see laborlens.store.keys); default: files under home/keys/
    audit_key: SecretStr | None = None
    auth_key: SecretStr | None = None
    # Sign-in: server-side sessions, throttle with back-off, cookies
    session_hours: float = 8.0
    signin_free_failures: int = 3  # failures per (user, address) before the back-off starts
    signin_backoff_seconds: float = 1.0  # first wait; doubles with every further failure
    signin_backoff_max_seconds: float = 900.0
    secure_cookies: bool | None = None  # None: Secure unless serving on a loopback address
    queue: str | None = None  # redis://… : background jobs go on an RQ queue run by `laborlens worker`

    @property
    def db_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.home / 'laborlens.db'}"

    def ensure_home(self) -> Path:
        """Create the data folder 0700 (tightening an existing one): it holds the database and keys."""
        from laborlens.fsutil import private_dir

        return private_dir(self.home)


def load_settings() -> Settings:
    return Settings()
