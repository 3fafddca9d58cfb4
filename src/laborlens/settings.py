"""One settings object, built once and passed in.

Honours ``LABORLENS_HOME`` (data folder, default ``~/.laborlens``) and ``LABORLENS_DB`` (SQLAlchemy URL,
default a SQLite file under the home folder).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABORLENS_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".laborlens")
    db: str | None = None
    workers: int = 0  # 0 means "all cores"
    queue: str | None = None  # redis://… : background jobs go on an RQ queue run by `laborlens worker`

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
