"""Read-only views over a screening result (``result.json`` written by ``screen_dir``).

Plain functions over the result dict, shared by the API and the pages: verdict filtering and sorting, one
shipment with its tier map (the supply graph upstream of the exporter, layered by tier), one party.
Tiers follow tracing: the exporter is tier 1, its suppliers tier 2, ...; the importer is drawn at tier 0.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from laborlens.errors import InputError, NotFound

VERDICTS = ("presumption", "review", "clear")
SORTS = ("verdict", "shipment_id", "exporter", "material", "tier")
_RANK = {v: i for i, v in enumerate(VERDICTS)}
_SEVERITY = {"presumption": 2, "review": 1}
MAP_CAP = 150  # nodes drawn in one tier map; evidence paths always make it in


class _Index:
    def __init__(self, result: dict) -> None:
        self.parties: dict[str, dict] = result.get("parties") or {}
        self.verdicts: dict[str, dict] = {str(v.get("shipment_id")): v for v in result.get("verdicts") or []}
        self.findings: dict[str, list[dict]] = defaultdict(list)
        for f in result.get("findings") or []:
            self.findings[str(f.get("party_id", ""))].append(f)
        self.suppliers: dict[str, list[dict]] = defaultdict(list)  # buyer -> links in
        self.buyers: dict[str, list[dict]] = defaultdict(list)  # supplier -> links out
        for link in result.get("links") or []:
            self.suppliers[str(link.get("buyer_id"))].append(link)
            self.buyers[str(link.get("supplier_id"))].append(link)


_indexes: dict[int, tuple[dict, _Index]] = {}
_lock = threading.Lock()


def index(result: dict) -> _Index:
    with _lock:
        hit = _indexes.get(id(result))
        if hit is not None and hit[0] is result:
            return hit[1]
    ix = _Index(result)
    with _lock:
        if len(_indexes) > 16:
            _indexes.clear()
        _indexes[id(result)] = (result, ix)
    return ix


def counts(result: dict) -> dict[str, int]:
    out = dict.fromkeys(VERDICTS, 0)
    for v in result.get("verdicts") or []:
        if v.get("verdict") in out:
            out[v["verdict"]] += 1
    return out


def party_name(result: dict, party_id: str) -> str:
    return str((index(result).parties.get(party_id) or {}).get("name") or party_id)


def filter_verdicts(result: dict, verdict: str | None = None, q: str | None = None, sort: str = "verdict",
                    offset: int = 0, limit: int = 100) -> dict[str, Any]:
    """Verdicts with ``verdict`` (if given) whose id, parties, material or description contain ``q``."""
    if verdict and verdict not in VERDICTS:
        raise InputError(f"verdict must be one of {', '.join(VERDICTS)}", column="verdict")
    if sort not in SORTS:
        raise InputError(f"sort must be one of {', '.join(SORTS)}", column="sort")
    needle = (q or "").strip().lower()
    items = []
    for v in result.get("verdicts") or []:
        if verdict and v.get("verdict") != verdict:
            continue
        row = {**v, "exporter_name": party_name(result, str(v.get("exporter_id", ""))),
               "importer_name": party_name(result, str(v.get("importer_id", "")))}
        if needle:
            hay = " ".join(str(row.get(k, "")) for k in ("shipment_id", "exporter_id", "exporter_name",
                                                         "importer_name", "material", "hts", "description"))
            if needle not in hay.lower():
                continue
        items.append(row)
    keys: dict[str, Callable[[dict], Any]] = {
        "verdict": lambda r: (_RANK.get(str(r.get("verdict")), 9), r.get("tier") or 99, str(r.get("shipment_id"))),
        "shipment_id": lambda r: str(r.get("shipment_id")),
        "exporter": lambda r: (r["exporter_name"].lower(), str(r.get("shipment_id"))),
        "material": lambda r: (str(r.get("material", "")).lower(), str(r.get("shipment_id"))),
        "tier": lambda r: (r.get("tier") or 99, str(r.get("shipment_id"))),
    }
    items.sort(key=keys[sort])
    return {"total": len(items), "offset": offset, "limit": limit, "counts": counts(result),
            "items": items[offset:offset + limit]}


def get_verdict(result: dict, shipment_id: str) -> dict:
    v = index(result).verdicts.get(shipment_id)
    if v is None:
        raise NotFound(f"no shipment {shipment_id!r} in this result")
    return v


def findings_for(result: dict, party_id: str | None = None, severity: str | None = None) -> list[dict]:
    ix = index(result)
    rows = ix.findings.get(party_id, []) if party_id else list(result.get("findings") or [])
    return [f for f in rows if not severity or f.get("severity") == severity]


def _evidence_paths(v: dict) -> list[list[str]]:
    paths = [list(v.get("path") or [])]
    paths += [list(t.get("path") or []) for t in v.get("tainted") or []]
    return [p for p in paths if p]


def tier_map(result: dict, v: dict, cap: int = MAP_CAP) -> dict[str, Any]:
    """Nodes and edges upstream of the shipment's exporter, with each node's tier and the evidence paths
    marked (``on_path``: 2 for the verdict's own path, 1 for other tainted parties' paths)."""
    ix = index(result)
    exporter, importer = str(v.get("exporter_id", "")), str(v.get("importer_id", ""))
    tiers: dict[str, int] = {exporter: 1}
    on_path: dict[str, int] = {}
    for n, path in enumerate(_evidence_paths(v)):
        for k, pid in enumerate(path):
            tiers[pid] = min(tiers.get(pid, 99), len(path) - k)
            on_path[pid] = max(on_path.get(pid, 0), 2 if n == 0 else 1)
    order = [exporter] + [p for p in tiers if p != exporter]
    seen = set(order)
    truncated = False
    listed = v.get("upstream_parties")
    if listed:  # tracing's own material-aware upstream, nearest first
        for pid, tier in listed:
            pid = str(pid)
            if pid in seen:
                continue
            if len(seen) >= cap:
                truncated = True
                break
            seen.add(pid)
            tiers.setdefault(pid, int(tier))
            order.append(pid)
        truncated = truncated or int(v.get("upstream") or 0) > len(listed)
    else:  # older results: everything upstream of the exporter over any material
        queue = deque([exporter])
        while queue and not truncated:
            buyer = queue.popleft()
            for link in ix.suppliers.get(buyer, []):
                sup = str(link.get("supplier_id"))
                if sup in seen:
                    continue
                if len(seen) >= cap:
                    truncated = True
                    break
                seen.add(sup)
                tiers.setdefault(sup, tiers.get(buyer, 1) + 1)
                order.append(sup)
                queue.append(sup)
    path_edges: dict[tuple[str, str], int] = {}
    for n, path in enumerate(_evidence_paths(v)):
        for a, b in pairwise(path):
            path_edges[(a, b)] = max(path_edges.get((a, b), 0), 2 if n == 0 else 1)
    tainted = {str(t.get("party_id")): t.get("severity") for t in v.get("tainted") or []}
    untraced = {str(p) for p in v.get("untraced") or []}
    nodes = []
    for pid in order:
        p = ix.parties.get(pid) or {}
        fs = ix.findings.get(pid, [])
        worst = max((f.get("severity") for f in fs if f.get("severity") in _SEVERITY),
                    key=lambda s: _SEVERITY.get(str(s), 0), default=None)
        nodes.append({"id": pid, "name": p.get("name") or pid, "country": p.get("country", ""),
                      "address": p.get("address", ""), "name_local": p.get("name_local", ""),
                      "tier": tiers.get(pid, 1), "severity": tainted.get(pid) or worst,
                      "on_path": on_path.get(pid, 0), "untraced": pid in untraced,
                      "role": "exporter" if pid == exporter else "supplier",
                      "findings": [{k: f.get(k) for k in ("rule", "severity", "summary", "source", "edition")}
                                   for f in fs]})
    if importer:
        p = ix.parties.get(importer) or {}
        nodes.append({"id": importer, "name": p.get("name") or importer, "country": p.get("country", ""),
                      "address": p.get("address", ""), "name_local": p.get("name_local", ""), "tier": 0,
                      "severity": None, "on_path": 2 if on_path else 0, "untraced": False, "role": "importer",
                      "findings": []})
    included = {n["id"] for n in nodes}
    edges: dict[tuple[str, str], dict] = {}
    for pid in order:
        for link in ix.suppliers.get(pid, []):
            a = str(link.get("supplier_id"))
            if a in included:
                e = edges.setdefault((a, pid), {"source": a, "target": pid, "materials": [],
                                                "on_path": path_edges.get((a, pid), 0)})
                if link.get("material") and link["material"] not in e["materials"]:
                    e["materials"].append(link["material"])
    if importer:
        edges[(exporter, importer)] = {"source": exporter, "target": importer, "shipment": True,
                                       "materials": [v.get("material", "")], "on_path": 2 if on_path else 0}
    return {"nodes": nodes, "edges": list(edges.values()), "truncated": truncated,
            "max_tier": max((n["tier"] for n in nodes), default=0)}


def verdict_detail(result: dict, shipment_id: str) -> dict[str, Any]:
    v = get_verdict(result, shipment_id)
    m = tier_map(result, v)
    ids = [n["id"] for n in m["nodes"] if n["on_path"]]
    findings = sorted((f for pid in ids for f in findings_for(result, pid)),
                      key=lambda f: -_SEVERITY.get(str(f.get("severity")), 0))
    lists = (result.get("summary") or {}).get("lists") or []
    return {"verdict": {**v, "exporter_name": party_name(result, str(v.get("exporter_id", ""))),
                        "importer_name": party_name(result, str(v.get("importer_id", "")))},
            "map": m, "findings": findings, "lists": lists}


def party_detail(result: dict, party_id: str) -> dict[str, Any]:
    ix = index(result)
    party = ix.parties.get(party_id)
    if party is None:
        raise NotFound(f"no party {party_id!r} in this result")
    shipments = []
    for v in result.get("verdicts") or []:
        role = ("exporter" if v.get("exporter_id") == party_id else
                "importer" if v.get("importer_id") == party_id else
                "on evidence path" if any(party_id in p for p in _evidence_paths(v)) else "")
        if role:
            shipments.append({"shipment_id": v.get("shipment_id"), "verdict": v.get("verdict"), "role": role,
                              "material": v.get("material", "")})
    shipments.sort(key=lambda r: (_RANK.get(r["verdict"], 9), str(r["shipment_id"])))

    def _peer(link: dict, key: str) -> dict:
        pid = str(link.get(key))
        return {"party_id": pid, "name": party_name(result, pid), "material": link.get("material", ""),
                "quantity": link.get("quantity"), "unit": link.get("unit", ""), "document": link.get("document", "")}

    return {"party": {"id": party_id, **party}, "findings": findings_for(result, party_id),
            "shipments": shipments, "suppliers": [_peer(lk, "supplier_id") for lk in ix.suppliers.get(party_id, [])],
            "buyers": [_peer(lk, "buyer_id") for lk in ix.buyers.get(party_id, [])]}
