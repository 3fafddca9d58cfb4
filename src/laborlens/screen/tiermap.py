"""The one tier map of a shipment, drawn by the web UI (tiermap.js) and the evidence pack (SVG) alike.

Rule: the exporter is tier 1, its suppliers tier 2, ...; the importer is drawn at tier 0. A party's tier is
the *lowest* tier at which it can feed the shipment: over the evidence paths and tracing's own
material-aware upstream list (nearest first). Evidence-path parties always make it into the map; the other
upstream parties fill it, nearest first, up to ``MAP_CAP`` nodes, so the UI and the PDF show the same parties
at the same tiers.
"""

from __future__ import annotations

from collections import deque
from itertools import pairwise
from typing import Any

from laborlens.screen.result import ScreenResult, Verdict

MAP_CAP = 40  # upstream nodes in one tier map (exporter included, importer not); evidence paths always fit


def evidence_paths(v: Verdict) -> list[list[str]]:
    """The verdict's own path first, then every other tainted party's path."""
    paths = [list(v.path)] + [list(t.get("path") or []) for t in v.tainted]
    return [p for p in paths if p]


def party_tiers(result: ScreenResult, v: Verdict, cap: int = MAP_CAP) -> tuple[dict[str, int], bool]:
    """Party id -> tier for the parties drawn (insertion order: exporter, evidence paths, then nearest
    upstream first), and whether the upstream was cut at ``cap``."""
    exporter = v.exporter_id
    tiers: dict[str, int] = {exporter: 1}
    for path in evidence_paths(v):
        for k, pid in enumerate(path):
            tiers[pid] = min(tiers.get(pid, 99), len(path) - k)
    truncated = False
    if v.upstream_parties:  # tracing's material-aware upstream, nearest first
        for pid, tier in v.upstream_parties:
            pid = str(pid)
            if pid in tiers:
                tiers[pid] = min(tiers[pid], int(tier))
                continue
            if len(tiers) >= cap:
                truncated = True
                continue  # keep lowering the tiers of parties already drawn
            tiers[pid] = int(tier)
        truncated = truncated or v.upstream > len(v.upstream_parties)
    else:  # results without the upstream list: everything upstream of the exporter over any material
        queue = deque([exporter])
        while queue and not truncated:
            buyer = queue.popleft()
            for link in result.suppliers_of(buyer):
                sup = link.supplier_id
                if sup in tiers:
                    continue
                if len(tiers) >= cap:
                    truncated = True
                    break
                tiers[sup] = tiers[buyer] + 1
                queue.append(sup)
    return tiers, truncated


def tier_map(result: ScreenResult, v: Verdict, cap: int = MAP_CAP) -> dict[str, Any]:
    """Nodes (with tier, findings, whether on an evidence path: 2 for the verdict's own path, 1 for other
    tainted parties' paths) and the links between them, plus the shipment edge to the importer."""
    tiers, truncated = party_tiers(result, v, cap)
    exporter, importer = v.exporter_id, v.importer_id
    on_path: dict[str, int] = {}
    path_edges: dict[tuple[str, str], int] = {}
    for n, path in enumerate(evidence_paths(v)):
        level = 2 if n == 0 else 1
        for pid in path:
            on_path[pid] = max(on_path.get(pid, 0), level)
        for a, b in pairwise(path):
            path_edges[(a, b)] = max(path_edges.get((a, b), 0), level)
    tainted = {str(t.get("party_id")): t.get("severity") for t in v.tainted}
    untraced = set(v.untraced)
    nodes: list[dict[str, Any]] = []
    for pid, tier in tiers.items():
        p = result.parties.get(pid)
        fs = result.findings_of(pid)
        nodes.append(
            {
                "id": pid,
                "name": result.party_name(pid),
                "country": p.country if p else "",
                "address": p.address if p else "",
                "name_local": p.name_local if p else "",
                "tier": tier,
                "severity": tainted.get(pid) or result.worst_severity(pid),
                "on_path": on_path.get(pid, 0),
                "untraced": pid in untraced,
                "role": "exporter" if pid == exporter else "supplier",
                "findings": [
                    {
                        "rule": f.rule,
                        "severity": f.severity,
                        "summary": f.summary,
                        "source": f.source,
                        "edition": f.edition,
                    }
                    for f in fs
                ],
            }
        )
    if importer:
        p = result.parties.get(importer)
        nodes.append(
            {
                "id": importer,
                "name": result.party_name(importer),
                "country": p.country if p else "",
                "address": p.address if p else "",
                "name_local": p.name_local if p else "",
                "tier": 0,
                "severity": None,
                "on_path": 2 if on_path else 0,
                "untraced": False,
                "role": "importer",
                "findings": [],
            }
        )
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for pid in tiers:
        for link in result.suppliers_of(pid):
            a = link.supplier_id
            if a in tiers and a != pid:
                e = edges.setdefault(
                    (a, pid),
                    {
                        "source": a,
                        "target": pid,
                        "materials": [],
                        "documents": [],
                        "on_path": path_edges.get((a, pid), 0),
                    },
                )
                if link.material and link.material not in e["materials"]:
                    e["materials"].append(link.material)
                if link.document and link.document not in e["documents"]:
                    e["documents"].append(link.document)
    if importer:
        edges[(exporter, importer)] = {
            "source": exporter,
            "target": importer,
            "shipment": True,
            "materials": [v.material],
            "documents": [],
            "on_path": 2 if on_path else 0,
        }
    return {
        "nodes": nodes,
        "edges": list(edges.values()),
        "truncated": truncated,
        "max_tier": max((n["tier"] for n in nodes), default=0),
    }


__all__ = ["MAP_CAP", "evidence_paths", "party_tiers", "tier_map"]
