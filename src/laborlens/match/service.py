"""Build a matcher over the store's current list editions (the one entry point the CLI, API and bulk
engines use), adding the known Chinese names of listed entities."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from laborlens.match.matcher import Matcher, MatchResult, Thresholds, compare_names, read_thresholds
from laborlens.model import WatchEntry
from laborlens.names.normalize import name_key

ZH_NAMES = Path(__file__).resolve().parents[1] / "names" / "data" / "zh_names.csv"


@lru_cache(maxsize=1)
def _zh_by_key() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with ZH_NAMES.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(name_key(r["listed_name"]), []).append(r["name_zh"])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _en_by_zh() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with ZH_NAMES.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["name_zh"], []).append(r["listed_name"])
    return {k: tuple(v) for k, v in out.items()}


def known_other_script(name: str) -> tuple[str, ...]:
    """The name's known counterparts in the other script (a listed English name's registered Chinese name,
    or the English listing of a Chinese name), from ``zh_names.csv``."""
    return _zh_by_key().get(name_key(name), ()) + _en_by_zh().get(name.strip(), ())


def compare(a: str, b: str, thresholds: Thresholds | None = None) -> MatchResult:
    """``compare_names`` with ``b``'s known names in the other script as its aliases."""
    return compare_names(a, b, thresholds, known_other_script(b))


def chinese_names(entries: Sequence[WatchEntry]) -> dict[str, tuple[str, ...]]:
    """Chinese names for listed entities whose English name (or alias) is in ``zh_names.csv``. Matched by
    name key, not by id, so they follow an entity through re-imports and renumbering."""
    table = _zh_by_key()
    out: dict[str, tuple[str, ...]] = {}
    for e in entries:
        for n in e.all_names:
            zh = table.get(name_key(n))
            if zh:
                out[e.entity_id] = zh
                break
    return out


def build_matcher(entries: Sequence[WatchEntry], thresholds: Thresholds | None = None) -> Matcher:
    return Matcher(entries, thresholds, extra_names=chinese_names(entries))


def thresholds_for(settings) -> Thresholds | None:
    """Thresholds saved by ``laborlens calibrate --save`` in this installation's home, if any (the caller
    passes its settings; the matcher itself reads none)."""
    from laborlens.match.calibrate import CALIBRATION_FILE

    path = Path(settings.home) / CALIBRATION_FILE
    return read_thresholds(path) if path.exists() else None


def matcher_for_store(store, lists: Sequence[str] | None = None) -> Matcher:
    from laborlens.refdata.editions import current_entries

    return build_matcher(current_entries(store, list(lists) if lists else None), thresholds_for(store.settings))
