"""A realistic, fictional supply chain for demos, tests and benchmarks, with its ground truth.

``generate_demo(out_dir)`` writes ``parties.csv``, ``links.csv``, ``shipments.csv`` (the screening input
formats of DESIGN.md) and ``truth.json``. Same seed and scale, same bytes: tests can pin expectations.
"""

from __future__ import annotations

import csv
from pathlib import Path

from laborlens.demo.build import Graph, build_graph
from laborlens.demo.flows import assign_flows, assign_ids
from laborlens.demo.planted import DECOYS, LISTED, XUAR
from laborlens.demo.truth import DemoTruth, compute_truth, load_truth

__all__ = ["DemoTruth", "generate_demo", "load_truth"]

PARTY_COLUMNS = ("id", "name", "country", "address", "name_local", "registration_id")
LINK_COLUMNS = ("supplier_id", "buyer_id", "material", "hts", "quantity", "unit", "date", "document")
SHIPMENT_COLUMNS = ("id", "importer_id", "exporter_id", "material", "hts", "description", "quantity", "unit",
                    "entry_date")


def _qty(value: float, unit: str) -> str:
    return f"{value:.2f}" if unit == "t" else str(int(value))


def _write(path: Path, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)


def write_graph(g: Graph, out_dir: Path) -> None:
    importers = [(n.id, n.name, n.country, n.address, "", "") for n in g.importers.values()]
    parties = [(n.id, n.name, n.country, n.address, n.name_local, n.registration_id)
               for n in sorted(g.nodes, key=lambda n: n.id)]
    _write(out_dir / "parties.csv", PARTY_COLUMNS, importers + parties)
    links = sorted(g.visible, key=lambda e: (e.date, e.supplier.id, e.buyer.id))
    _write(out_dir / "links.csv", LINK_COLUMNS, [
        (e.supplier.id, e.buyer.id, e.material, e.hts, _qty(e.quantity, e.unit), e.unit, e.date, e.document)
        for e in links])
    _write(out_dir / "shipments.csv", SHIPMENT_COLUMNS, [
        (s.id, s.importer.id, s.exporter.id, s.product.material, s.product.hts, s.product.description,
         _qty(s.quantity, s.product.unit), s.product.unit, s.entry_date) for s in g.ships])


def generate_demo(out_dir: Path | str, seed: int = 7, scale: int = 1) -> DemoTruth:
    """Write the demo files into ``out_dir`` (created if needed) and return their ground truth.

    ``scale`` multiplies the number of suppliers, streams, XUAR taint sources and decoys (the listed
    entities appear once) for bigger benchmarks; about 300 parties per unit of scale."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    g = build_graph(seed, scale, LISTED, XUAR, DECOYS)
    assign_flows(g, seed)
    assign_ids(g, seed)
    write_graph(g, out)
    truth = compute_truth(g, seed, scale)
    truth.write(out / "truth.json")
    return truth
