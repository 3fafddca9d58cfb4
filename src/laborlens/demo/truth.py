"""What the demo's screening should find, computed from the finished graph (never assumed), so tests can
check the screening engine against it."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from laborlens.demo.build import Graph, Node
from laborlens.demo.catalog import FRAMES, SECTORS
from laborlens.demo.flows import main_inputs

FORMAT_VERSION = 2


@dataclass
class DemoTruth:
    """Ground truth for one generated demo; ``truth.json`` holds exactly :meth:`to_dict`.

    ``shipments[id]["tainted"]`` is True when some party upstream of the exporter (at any tier, the
    exporter included) is a listed entity or sits in the XUAR: the UFLPA presumption applies. Each taint
    source comes with ``path``, party ids from the source to the exporter (as in verdicts.csv).

    ``shipments[id]["untraced"]`` lists the parties upstream (the exporter included) that give no
    suppliers (``untraced_parties``: their links are not in links.csv); ``traced_to_origin`` is True when
    there is none, i.e. every chain reaches a farm, mine, gin or smelter. Every demo good is in a UFLPA
    high-priority sector, so an untainted shipment that is not traced to origin should be ``review``."""

    seed: int
    scale: int
    counts: dict[str, int] = field(default_factory=dict)
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)
    taint_sources: list[dict[str, Any]] = field(default_factory=list)
    decoys: list[dict[str, Any]] = field(default_factory=list)
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    untraced_parties: list[dict[str, Any]] = field(default_factory=list)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversions: list[dict[str, Any]] = field(default_factory=list)
    format_version: int = FORMAT_VERSION

    def tainted_shipment_ids(self) -> list[str]:
        return [sid for sid, s in self.shipments.items() if s["tainted"]]

    def decoy_ids(self) -> list[str]:
        return [d["party_id"] for d in self.decoys]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_truth(path: Path | str) -> DemoTruth:
    """Read a ``truth.json`` written by :func:`laborlens.demo.generate_demo`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return DemoTruth(**data)


def _tiers(g: Graph) -> dict[int, int]:
    """Tier = fewest links between a party and a US importer (exporters are tier 1)."""
    tier: dict[int, int] = {}
    suppliers: dict[int, list[Node]] = {}
    for e in g.visible:
        suppliers.setdefault(id(e.buyer), []).append(e.supplier)
    todo: deque[Node] = deque()
    for s in g.ships:
        if id(s.exporter) not in tier:
            tier[id(s.exporter)] = 1
            todo.append(s.exporter)
    while todo:
        n = todo.popleft()
        for sup in suppliers.get(id(n), []):
            if id(sup) not in tier:
                tier[id(sup)] = tier[id(n)] + 1
                todo.append(sup)
    return tier


def _upstream_paths(exporter: Node, suppliers: dict[int, list[Node]]) -> dict[int, tuple[Node, list[str]]]:
    """Shortest path (source id ... exporter id) to every party upstream of ``exporter``."""
    paths: dict[int, tuple[Node, list[str]]] = {id(exporter): (exporter, [exporter.id])}
    todo: deque[Node] = deque([exporter])
    while todo:
        n = todo.popleft()
        for sup in sorted(suppliers.get(id(n), []), key=lambda x: x.id):
            if id(sup) not in paths:
                paths[id(sup)] = (sup, [sup.id, *paths[id(n)][1]])
                todo.append(sup)
    return paths


def _source(n: Node, tier: int | None) -> dict[str, Any]:
    p = n.planted
    assert p is not None
    return {"party_id": n.id, "kinds": list(p.kinds), "entity_id": p.entity_id, "variant": p.variant,
            "name": n.name, "address": n.address, "sector": n.sector, "stage": n.stage, "tier": tier,
            "note": p.note}


def compute_truth(g: Graph, seed: int, scale: int) -> DemoTruth:
    t = DemoTruth(seed=seed, scale=scale)
    tiers = _tiers(g)
    suppliers: dict[int, list[Node]] = {}
    ins: dict[int, list] = {}
    out_qty: dict[int, float] = {}
    for e in g.visible:
        suppliers.setdefault(id(e.buyer), []).append(e.supplier)
        ins.setdefault(id(e.buyer), []).append(e)
        out_qty[id(e.supplier)] = out_qty.get(id(e.supplier), 0.0) + e.quantity
    for s in g.ships:
        out_qty[id(s.exporter)] = out_qty.get(id(s.exporter), 0.0) + s.quantity
    tainted_parties = g.downstream([n for n in g.nodes if n.planted])
    for imp in g.importers.values():
        t.parties[imp.id] = {"sector": "", "stage": "importer", "role": "importer", "tier": 0,
                             "country": imp.country, "stream": None, "upstream_taint": False}
    for n in sorted(g.nodes, key=lambda x: x.id):
        t.parties[n.id] = {"sector": n.sector, "stage": n.stage, "role": n.role, "tier": tiers.get(id(n)),
                           "country": n.country, "stream": n.stream, "upstream_taint": id(n) in tainted_parties,
                           "gives_suppliers": not n.withholds}
        if n.withholds:
            t.untraced_parties.append({"party_id": n.id, "material": n.product.material, "sector": n.sector,
                                       "stage": n.stage, "tier": tiers.get(id(n))})
        if n.planted:
            t.taint_sources.append(_source(n, tiers.get(id(n))))
        if n.decoy:
            t.decoys.append({"party_id": n.id, "kinds": list(n.decoy.kinds), "name": n.name, "address": n.address,
                             "sector": n.sector, "stage": n.stage, "tier": tiers.get(id(n)), "note": n.decoy.note})
        if n.anomaly != 1.0:
            inputs = main_inputs(n, ins.get(id(n), []))
            assert n.factor is not None
            t.anomalies.append({"party_id": n.id, "kind": "mass_balance", "sector": n.sector, "stage": n.stage,
                                "tier": tiers.get(id(n)), "input_materials": list(n.input_materials),
                                "inputs": round(inputs, 2), "outputs": round(out_qty.get(id(n), 0.0), 2),
                                "factor": n.factor,
                                "ratio": round(out_qty.get(id(n), 0.0) / (inputs * n.factor), 3)})
    for s in g.ships:
        paths = _upstream_paths(s.exporter, suppliers)
        up = sorted(paths.values(), key=lambda v: (len(v[1]), v[0].id))
        t.shipments[s.id] = {
            "exporter_id": s.exporter.id, "importer_id": s.importer.id, "sector": s.exporter.sector,
            "material": s.product.material, "hts": s.product.hts,
            "tainted": any(n.planted for n, _ in up),
            "sources": [{"party_id": n.id, "kinds": list(n.planted.kinds), "entity_id": n.planted.entity_id,
                         "tier": tiers.get(id(n)), "path": path} for n, path in up if n.planted],
            "anomalies": [{"party_id": n.id, "path": path} for n, path in up if n.anomaly != 1.0],
            "decoys_upstream": [n.id for n, _ in up if n.decoy],
            "untraced": sorted(n.id for n, _ in up if n.withholds),
            "traced_to_origin": not any(n.withholds for n, _ in up),
        }
    for sector in SECTORS:
        for prev, stage in zip(sector.stages, sector.stages[1:], strict=False):
            for p in stage.products:
                t.conversions.append({"sector": sector.key, "inputs": [q.material for q in prev.products],
                                      "output": p.material, "factor": stage.factor,
                                      "unit_in": prev.products[0].unit, "unit_out": p.unit})
    t.conversions.append({"sector": "aluminum", "inputs": ["primary aluminum"], "output": FRAMES.material,
                          "factor": 920.0, "unit_in": "t", "unit_out": FRAMES.unit})
    t.conversions.append({"sector": "*", "inputs": ["(same material)"], "output": "(traded goods)",
                          "factor": 1.0, "unit_in": "", "unit_out": "", "note": "traders resell what they buy"})
    t.counts = {"parties": len(g.nodes) + len(g.importers), "suppliers": len(g.nodes), "links": len(g.visible),
                "shipments": len(g.ships), "tainted_shipments": len(t.tainted_shipment_ids()),
                "taint_sources": len(t.taint_sources), "decoys": len(t.decoys), "anomalies": len(t.anomalies),
                "untraced_parties": len(t.untraced_parties),
                "traced_shipments": sum(x["traced_to_origin"] for x in t.shipments.values())}
    return t
