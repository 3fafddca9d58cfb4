"""Command-line interface: ``laborlens``. Exit codes: 0 ok, 2 bad input or usage, 1 internal error."""

from __future__ import annotations

from laborlens.cli import audit as _audit  # noqa: E402,F401
from laborlens.cli import bench_serve as _bench_serve  # noqa: E402,F401
from laborlens.cli import cases as _cases  # noqa: E402,F401

# Command modules register themselves on ``app`` when imported.
from laborlens.cli import data as _data  # noqa: E402,F401
from laborlens.cli import ecosystem as _ecosystem  # noqa: E402,F401
from laborlens.cli import grievances as _grievances  # noqa: E402,F401
from laborlens.cli import lists as _lists  # noqa: E402,F401
from laborlens.cli import matching as _matching  # noqa: E402,F401
from laborlens.cli import review as _review  # noqa: E402,F401
from laborlens.cli import screening as _screening  # noqa: E402,F401
from laborlens.cli import serve as _serve  # noqa: E402,F401
from laborlens.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
