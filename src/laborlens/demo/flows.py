"""Quantities, dates, documents and ids for the demo graph.

Volumes are pushed from raw producers downstream in topological order: each party ships out at most what
its inputs allow (inputs x conversion factor x a yield below 1), except the planted mass-balance anomalies,
which ship roughly twice that. Mass-balance checks therefore have one clear answer per party.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from laborlens.demo.build import Edge, Graph, Node, floor_to, random_document


def topological(g: Graph) -> list[Node]:
    indeg = {id(n): 0 for n in g.nodes}
    out: dict[int, list[Node]] = {}
    for e in g.edges:
        indeg[id(e.buyer)] += 1
        out.setdefault(id(e.supplier), []).append(e.buyer)
    order, todo = [], [n for n in g.nodes if indeg[id(n)] == 0]
    while todo:
        n = todo.pop(0)
        order.append(n)
        for b in out.get(id(n), []):
            indeg[id(b)] -= 1
            if indeg[id(b)] == 0:
                todo.append(b)
    if len(order) != len(g.nodes):  # pragma: no cover - the builder only links downstream
        raise RuntimeError("demo graph has a cycle")
    return order


def main_inputs(node: Node, in_edges: list[Edge]) -> float:
    """Input volume that the conversion factor applies to (a module maker's cells, not its frames)."""
    return sum(e.quantity for e in in_edges if e.material in node.input_materials)


def assign_flows(g: Graph, seed: int) -> None:
    rng = random.Random(seed * 7919 + 1)
    ins: dict[int, list[Edge]] = {}
    outs: dict[int, list[Edge]] = {}
    for e in g.edges:
        ins.setdefault(id(e.buyer), []).append(e)
        outs.setdefault(id(e.supplier), []).append(e)
    ships: dict[int, list] = {}
    for s in g.ships:
        ships.setdefault(id(s.exporter), []).append(s)
    start = date(2025, 1, 6)
    for node in topological(g):
        if node.factor is None:
            node.output = rng.uniform(*node.raw_range)
        else:
            yield_ = rng.uniform(0.9, 0.99) if node.role != "producer" else rng.uniform(0.82, 0.97)
            node.output = main_inputs(node, ins.get(id(node), [])) * node.factor * yield_ * node.anomaly
        outlets = outs.get(id(node), []) + ships.get(id(node), [])
        weights = [rng.uniform(0.5, 1.5) for _ in outlets]
        total = sum(weights)
        for o, w in zip(outlets, weights, strict=False):
            o.quantity = floor_to(node.output * w / total, node.product.unit)
        for e in outs.get(id(node), []):
            e.date = (start + timedelta(days=35 * node.stage_index + rng.randint(0, 30))).isoformat()
            e.document = random_document(rng, e.supplier, e.buyer, e.date)
    for s in g.ships:
        s.entry_date = (date(2025, 9, 1) + timedelta(days=rng.randint(0, 150))).isoformat()


def assign_ids(g: Graph, seed: int) -> None:
    """Opaque ids in shuffled order, so an id says nothing about sector or tier."""
    rng = random.Random(seed * 104729 + 3)
    order = list(g.nodes)
    rng.shuffle(order)
    width = max(4, len(str(len(order))))
    for k, n in enumerate(order, start=1):
        n.id = f"S{k:0{width}d}"
    g.ships.sort(key=lambda s: (s.entry_date, s.exporter.id, s.quantity))
    for k, s in enumerate(g.ships, start=1):
        s.id = f"SHP-{k:04d}"
