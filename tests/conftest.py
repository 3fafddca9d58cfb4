"""Shared fixtures. Use ``home`` for a throw-away LABORLENS_HOME (and SQLite store) per test, ``cli`` to run
commands through Typer's runner in that home, and ``store`` for a migrated store in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborlens.settings import Settings
from laborlens.store import Store, open_store

SHARED = Path(__file__).resolve().parents[2] / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("LABORLENS_HOME", str(h))
    monkeypatch.delenv("LABORLENS_DB", raising=False)
    return h


@pytest.fixture()
def settings(home: Path) -> Settings:
    return Settings()


@pytest.fixture()
def store(settings: Settings) -> Store:
    return open_store(settings)


class Cli:
    def __init__(self) -> None:
        from laborlens.cli import app

        self.app = app
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(self.app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture()
def cli(home: Path) -> Cli:
    return Cli()


def need_service(name: str, reason: str) -> None:
    """Skip with a visible notice, except under CI where a missing service fails the run."""
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but is not available: {reason}")
    pytest.skip(f"{name} not available: {reason}")


@pytest.fixture()
def cli_admin(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    """An admin account the CLI acts as (``LABORLENS_USER`` + ``LABORLENS_PASSWORD``), for admin commands."""
    from laborlens.accounts import add_user

    with store.session() as s:
        add_user(s, "cli-admin", "cli admin password", "admin")
    monkeypatch.setenv("LABORLENS_USER", "cli-admin")
    monkeypatch.setenv("LABORLENS_PASSWORD", "cli admin password")
    monkeypatch.delenv("LABORLENS_TOKEN", raising=False)
    return "cli-admin"
