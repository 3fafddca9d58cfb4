"""Build a matcher over the store's current list editions (the one entry point the CLI, API and bulk
engines use), adding the known Chinese names of listed entities."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from laborlens.match.matcher import Matcher
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


def build_matcher(entries: Sequence[WatchEntry]) -> Matcher:
    return Matcher(entries, extra_names=chinese_names(entries))


def matcher_for_store(store, lists: Sequence[str] | None = None) -> Matcher:
    from laborlens.refdata.editions import current_entries

    return build_matcher(current_entries(store, list(lists) if lists else None))
