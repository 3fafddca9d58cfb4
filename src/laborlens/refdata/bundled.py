"""Parse the bundled watchlists into :class:`WatchEntry` records."""

from __future__ import annotations

import re
from functools import cache

from laborlens.model import WatchEntry
from laborlens.refdata.catalog import CATALOG

_AKA = re.compile(r"\s*,?\s*\b(?:a/k/a|aka|also known as|f/k/a|formerly known as)\b\s*", re.I)
_AND_COMPANY = re.compile(r"(?<=Ltd\.)\s+and\s+", re.I)
_SCOPE = re.compile(r"^(all\b|fishing vessel|tobacco produced|.*\bharvested by\b)", re.I)


def is_wro_scope(text: str) -> bool:
    """True for a WRO row that names a scope (country/good, vessels), not an entity: "All Turkmenistan
    cotton...", "Fishing Vessel: Da Wang 1". Screening treats these as rules, not names to match."""
    return bool(_SCOPE.match(text.strip()))


def split_wro_entities(text: str) -> list[tuple[str, list[str]]]:
    """Split a CBP WRO entity cell into (name, aliases) pairs.

    Entities are separated by ";" (and by " and " only where the second part looks like a company name);
    aliases follow "a/k/a".
    """
    out: list[tuple[str, list[str]]] = []
    parts = [q.strip() for p in text.split(";") for q in _AND_COMPANY.split(p) if q.strip()]
    for part in parts:
        pieces = [p.strip(" ,.") for p in _AKA.split(part) if p.strip(" ,.")]
        if pieces:
            out.append((pieces[0], pieces[1:]))
    return out


def wro_entries(rows: list[dict[str, str]], edition: str) -> list[WatchEntry]:
    entries: list[WatchEntry] = []
    for r in rows:
        text = r["entity_or_scope"].strip()
        if is_wro_scope(text):
            entries.append(WatchEntry(r["id"], text, (), r.get("country", ""), "wro", edition, "scope"))
            continue
        parts = split_wro_entities(text)
        for i, (name, aliases) in enumerate(parts):
            eid = r["id"] if len(parts) == 1 else f"{r['id']}.{i + 1}"
            entries.append(WatchEntry(eid, name, tuple(aliases), r.get("country", ""), "wro", edition))
    return entries


def uflpa_entries(rows: list[dict[str, str]], edition: str) -> list[WatchEntry]:
    return [
        WatchEntry(r["id"], r["name"].strip(), tuple(a.strip() for a in r.get("aliases", "").split("|")
                                                     if a.strip()), "CN", "uflpa", edition)
        for r in rows
    ]


@cache
def bundled_entries(list_name: str) -> tuple[WatchEntry, ...]:
    info = CATALOG[list_name]
    rows = info.rows()
    if list_name == "uflpa":
        return tuple(uflpa_entries(rows, info.edition))
    if list_name == "wro":
        return tuple(wro_entries(rows, info.edition))
    raise KeyError(f"{list_name} is not a bundled watchlist")
