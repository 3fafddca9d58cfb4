"""Screening: finding sources → findings → traced verdicts, one entry point for CLI, API and bulk engines.

Readers of a result import :mod:`laborlens.screen.result` (the contract) and :mod:`laborlens.screen.tiermap`
without loading the pipeline: the names below are resolved on first use.
"""

from __future__ import annotations

from typing import Any

_LAZY = {"ScreenResult": "laborlens.screen.result", "Verdict": "laborlens.screen.result",
         "screen_dir": "laborlens.screen.run", "screen_tables": "laborlens.screen.run",
         "to_json": "laborlens.screen.run", "write_outputs": "laborlens.screen.run"}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'laborlens.screen' has no attribute {name!r}")
