"""One settings object, built once and passed in.

Honours ``LABORLENS_HOME`` (data folder, default ``~/.laborlens``) and ``LABORLENS_DB`` (SQLAlchemy URL,
default a SQLite file under the home folder).
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
    # Keys kept outside the database (see laborlens.store.keys); default: files under home/keys/
    audit_key: SecretStr | None = None
    auth_key: SecretStr | None = None
    # Sign-in: server-side sessions, throttle with back-off, cookies
    session_hours: float = 8.0
    signin_free_failures: int = 3  # failures per (user, address) before the back-off starts
    signin_backoff_seconds: float = 1.0  # first wait; doubles with every further failure
    signin_backoff_max_seconds: float = 900.0
    secure_cookies: bool | None = None  # None: Secure unless serving on a loopback address

    @property
    def db_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.home / 'laborlens.db'}"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


def load_settings() -> Settings:
    return Settings()
