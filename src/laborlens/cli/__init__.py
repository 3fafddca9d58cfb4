"""Command-line interface: ``laborlens``. Exit codes: 0 ok, 2 bad input or usage, 1 internal error."""

from __future__ import annotations

from laborlens.cli.app import app

# Command modules register themselves on ``app`` when imported.
from laborlens.cli import data as _data  # noqa: E402,F401
from laborlens.cli import lists as _lists  # noqa: E402,F401
from laborlens.cli import matching as _matching  # noqa: E402,F401
from laborlens.cli import screening as _screening  # noqa: E402,F401
from laborlens.cli import serve as _serve  # noqa: E402,F401
from laborlens.cli import cases as _cases  # noqa: E402,F401
from laborlens.cli import ecosystem as _ecosystem  # noqa: E402,F401

__all__ = ["app", "main"]


def main() -> None:
    app()
