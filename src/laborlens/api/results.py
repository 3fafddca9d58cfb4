"""JSON shapes of a screening result for the API and the pages, all read from one
:class:`~laborlens.screen.result.ScreenResult` (the contract of ``result.json``).

Verdict filtering and sorting, one shipment with its tier map (:mod:`laborlens.screen.tiermap`, the same
one the evidence pack draws), one party with its stored findings (the matcher is not run again).
Functions take the parsed ``result.json`` (as ``jobs.load_result`` returns it) or a ScreenResult.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from laborlens.screen import browse
from laborlens.screen.result import SEVERITY, VERDICTS, ScreenResult, Verdict
from laborlens.screen.tiermap import MAP_CAP, evidence_paths, tier_map

SORTS = browse.SORTS
_RANK = {v: i for i, v in enumerate(VERDICTS)}

__all__ = [
    "MAP_CAP",
    "as_result",
    "counts",
    "filter_verdicts",
    "findings_for",
    "get_verdict",
    "party_detail",
    "party_name",
    "verdict_detail",
]

_cache: dict[int, tuple[Mapping, ScreenResult]] = {}
_lock = threading.Lock()


def as_result(result: ScreenResult | Mapping[str, Any]) -> ScreenResult:
    """The ScreenResult of a parsed ``result.json``, converted once per dict object."""
    if isinstance(result, ScreenResult):
        return result
    with _lock:
        hit = _cache.get(id(result))
        if hit is not None and hit[0] is result:
            return hit[1]
    r = ScreenResult.from_json(result)
    with _lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[id(result)] = (result, r)
    return r


def counts(result: ScreenResult | Mapping[str, Any]) -> dict[str, int]:
    return as_result(result).counts()


def party_name(result: ScreenResult | Mapping[str, Any], party_id: str) -> str:
    return as_result(result).party_name(party_id)


def _row(r: ScreenResult, v: Verdict) -> dict[str, Any]:
    """A verdict as the API and pages show it: the contract's fields plus party names."""
    return browse.verdict_row(r, v)


def filter_verdicts(result: ScreenResult | Mapping[str, Any], flt: browse.VerdictFilter | None = None,
                    offset: int = 0, limit: int = 100) -> dict[str, Any]:
    """Verdicts the filter admits (all of them without one), ``offset``/``limit`` of them, with ``total``
    (after filtering) and the run's verdict ``counts``."""
    r = as_result(result)
    items = browse.select(r, flt or browse.VerdictFilter.of())
    return {
        "total": len(items),
        "offset": offset,
        "limit": limit,
        "counts": r.counts(),
        "items": [_row(r, v) for v in items[offset : offset + limit]],
    }


def get_verdict(result: ScreenResult | Mapping[str, Any], shipment_id: str) -> dict[str, Any]:
    r = as_result(result)
    return _row(r, r.verdict(shipment_id))


def findings_for(
    result: ScreenResult | Mapping[str, Any], party_id: str | None = None, severity: str | None = None
) -> list[dict]:
    r = as_result(result)
    rows = r.findings_of(party_id) if party_id else r.findings
    return [
        {**asdict(f), "party_name": r.party_name(f.party_id)}
        for f in rows
        if not severity or f.severity == severity
    ]


def verdict_detail(result: ScreenResult | Mapping[str, Any], shipment_id: str) -> dict[str, Any]:
    r = as_result(result)
    v = r.verdict(shipment_id)
    m = tier_map(r, v)
    ids = [n["id"] for n in m["nodes"] if n["on_path"]]
    findings = sorted(
        (f for pid in ids for f in findings_for(r, pid)),
        key=lambda f: -SEVERITY.get(str(f.get("severity")), 0),
    )
    return {"verdict": _row(r, v), "map": m, "findings": findings, "lists": r.lists}


def _match_of(r: ScreenResult, party_id: str) -> list[dict[str, Any]]:
    """The list candidates this run stored for the party (what the matcher said then, with any analyst
    decision it applied), for the match card and the decision form; the party page does not re-match."""
    p = r.party(party_id)
    out = []
    for f in r.findings_of(party_id):
        if f.rule != "list_match":
            continue
        d = dict(f.details or {})
        out.append(
            {
                **d,
                "query": d.get("query") or p.name,
                "entity_id": d.get("entity_id", ""),
                "entity_name": d.get("entity_name", ""),
                "list_name": d.get("list_name") or f.source,
                "edition": d.get("edition") or f.edition,
                "score": float(d.get("score") or 0.0),
                "decision": d.get("decision") or ("match" if f.severity == "presumption" else "review"),
                "explanation": d.get("explanation") or f.summary,
                "severity": f.severity,
                "human": d.get("human", ""),
            }
        )
    return out


def party_detail(result: ScreenResult | Mapping[str, Any], party_id: str) -> dict[str, Any]:
    r = as_result(result)
    party = r.party(party_id)
    shipments = []
    for v in r.verdicts:
        role = (
            "exporter"
            if v.exporter_id == party_id
            else "importer"
            if v.importer_id == party_id
            else "on evidence path"
            if any(party_id in p for p in evidence_paths(v))
            else "untraced tier"
            if party_id in v.untraced
            else ""
        )
        if role:
            shipments.append(
                {"shipment_id": v.shipment_id, "verdict": v.verdict, "role": role, "material": v.material}
            )
    shipments.sort(key=lambda x: (_RANK.get(x["verdict"], 9), str(x["shipment_id"])))

    def _peer(pid: str, link) -> dict[str, Any]:
        return {
            "party_id": pid,
            "name": r.party_name(pid),
            "material": link.material,
            "quantity": link.quantity,
            "unit": link.unit,
            "document": link.document,
        }

    return {
        "party": asdict(party),
        "findings": findings_for(r, party_id),
        "matches": _match_of(r, party_id),
        "shipments": shipments,
        "suppliers": [_peer(lk.supplier_id, lk) for lk in r.suppliers_of(party_id)],
        "buyers": [_peer(lk.buyer_id, lk) for lk in r.buyers_of(party_id)],
    }
