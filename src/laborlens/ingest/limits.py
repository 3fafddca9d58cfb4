"""Caps on what one input file may hold, checked while it is read (a file past a cap is refused with the
row and column where it went over, and nothing is loaded). Set through :class:`laborlens.settings.Settings`
(``LABORLENS_MAX_FILE_MB`` ...); the same object serves ``load``, ``lists import``, ``match`` and uploads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024  # the file as stored
    max_unpacked_bytes: int = 512 * 1024 * 1024  # an .xlsx once unzipped (a zip bomb expands far past this)
    max_rows: int = 1_000_000  # data rows (records) per file
    max_cell_chars: int = 32_767  # characters per cell: Excel's own limit for one cell
    max_json_depth: int = 32  # nesting of arrays and objects in JSON

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits a :class:`~laborlens.settings.Settings` configures (defaults where it has none)."""
        mb = 1024 * 1024
        d = cls()
        return cls(
            max_file_bytes=int(getattr(settings, "max_file_mb", d.max_file_bytes // mb)) * mb,
            max_unpacked_bytes=int(getattr(settings, "max_unpacked_mb", d.max_unpacked_bytes // mb)) * mb,
            max_rows=int(getattr(settings, "max_rows", d.max_rows)),
            max_cell_chars=int(getattr(settings, "max_cell_chars", d.max_cell_chars)),
            max_json_depth=int(getattr(settings, "max_json_depth", d.max_json_depth)),
        )
