"""Synthetic supply chains and a timing/memory bench for tracing, so scale claims are measured, not hoped.

``generate_graph`` builds a layered chain per sector from the material map (farms/mines -> processors ->
exporters), ~3 links per party, with the awkward parts of real data mixed in: traders selling to peers
(cycles), links of materials that do not feed the buyer's output (decoys), links of materials the map does
not know (traced conservatively), and 0.1% tainted parties. ``run_bench`` times building the product graph,
tracing with and without the per-party detail, and the mass balance, and samples peak RSS growth.

    .venv/bin/python -m laborlens.trace.bench 10000 100000 1000000
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import psutil

from laborlens.model import Shipment
from laborlens.trace.graph import LinkColumns, SupplyGraph
from laborlens.trace.massbalance import mass_balance
from laborlens.trace.materials import MaterialMap

# Each layer lists the materials its parties may sell; each feeds the next layer in the default map.
CHAINS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("cotton",), ("cotton yarn",), ("fabric", "greige fabric", "denim"), ("garment", "home textile")),
    (("quartzite",), ("metallurgical grade silicon",), ("polysilicon",), ("silicon ingot",),
     ("silicon wafer",), ("solar cell",), ("solar module",)),
    (("bauxite",), ("alumina",), ("aluminum",), ("aluminum extrusion", "aluminum foil", "aluminum sheet")),
    (("tomato",), ("tomato paste",), ("ketchup", "tomato sauce", "canned tomato")),
    (("coal",), ("calcium carbide",), ("vinyl chloride monomer",), ("pvc resin",),
     ("pvc flooring", "pvc pipe")),
    (("iron ore",), ("pig iron",), ("steel",), ("steel product",)),
)


@dataclass(slots=True)
class BenchData:
    party_ids: list[str]
    links: LinkColumns
    shipments: list[Shipment]
    severity: dict[str, int]
    material_map: MaterialMap


def generate_graph(n_links: int, seed: int = 0, tainted_share: float = 0.001, peer_share: float = 0.03,
                   decoy_share: float = 0.02, unknown_share: float = 0.005) -> BenchData:
    """A layered random supply chain with about ``n_links`` links, n_links/3 parties, n_links/20 shipments."""
    rng = np.random.default_rng(seed)
    mmap = MaterialMap.default()
    n_parties = max(n_links // 3, 2 * sum(len(c) for c in CHAINS))
    # (chain, layer) slots; every slot gets parties in proportion, at least one
    slots = [(c, layer) for c, chain in enumerate(CHAINS) for layer in range(len(chain))]
    slot_of = rng.integers(0, len(slots), n_parties)
    slot_of[: len(slots)] = np.arange(len(slots))
    order = np.argsort(slot_of, kind="stable")
    slot_of = slot_of[order]
    slot_first = np.searchsorted(slot_of, np.arange(len(slots) + 1))
    vocab = sorted({m for chain in CHAINS for layer in chain for m in layer} | {"packaging"})
    vcode = {m: i for i, m in enumerate(vocab)}
    party_mat = np.empty(n_parties, dtype=np.int64)
    for s, (c, layer) in enumerate(slots):
        options = np.array([vcode[m] for m in CHAINS[c][layer]])
        party_mat[slot_first[s]:slot_first[s + 1]] = rng.choice(options, slot_first[s + 1] - slot_first[s])
    slot_index = {sl: i for i, sl in enumerate(slots)}
    prev_slot = np.array([slot_index.get((c, layer - 1), -1) for c, layer in slots])

    def pick(slot_ids: np.ndarray) -> np.ndarray:
        lo, hi = slot_first[slot_ids], slot_first[slot_ids + 1]
        return lo + (rng.random(len(slot_ids)) * (hi - lo)).astype(np.int64)

    # chain links: a buyer below the first layer, a supplier from the layer above in the same chain
    downstream = np.flatnonzero(prev_slot[slot_of] >= 0)
    buyers = downstream[rng.integers(0, len(downstream), n_links)]
    suppliers = pick(prev_slot[slot_of[buyers]])
    mats = party_mat[suppliers].copy()
    kind = rng.random(n_links)
    peer = kind < peer_share  # a trader of the same material in the same layer: cycles
    suppliers[peer] = pick(slot_of[buyers[peer]])
    mats[peer] = party_mat[buyers[peer]]
    decoy = (kind >= peer_share) & (kind < peer_share + decoy_share)  # any party, any material it sells
    suppliers[decoy] = rng.integers(0, n_parties, int(decoy.sum()))
    mats[decoy] = party_mat[suppliers[decoy]]
    unknown = (kind >= peer_share + decoy_share) & (kind < peer_share + decoy_share + unknown_share)
    mats[unknown] = vcode["packaging"]

    names = np.array([f"P{i:07d}" for i in range(n_parties)], dtype=object)
    vnames = np.array(vocab, dtype=object)
    qty = rng.gamma(2.0, 500.0, n_links)
    links = LinkColumns(names[suppliers].tolist(), names[buyers].tolist(), vnames[mats].tolist(), qty,
                        ["kg"] * n_links)
    last = np.flatnonzero(np.isin(slot_of, [slot_index[(c, len(ch) - 1)] for c, ch in enumerate(CHAINS)]))
    exporters = last[rng.integers(0, len(last), max(n_links // 20, 1))]
    shipments = [Shipment(f"S{j:07d}", "IMP", names[e], vnames[party_mat[e]], quantity=1000.0, unit="kg")
                 for j, e in enumerate(exporters.tolist())]
    n_bad = max(1, round(n_parties * tainted_share))
    bad = rng.choice(n_parties, n_bad, replace=False)
    severity = {names[p]: (2 if rng.random() < 0.8 else 1) for p in bad.tolist()}
    return BenchData(names.tolist(), links, shipments, severity, mmap)


class _PeakRSS:
    """Samples this process's RSS in a thread; peak minus the baseline at entry, in MiB."""

    def __init__(self, every: float = 0.005) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._proc = psutil.Process()

    def __enter__(self) -> _PeakRSS:
        self.base = self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)

    @property
    def mib(self) -> float:
        return (self.peak - self.base) / 2 ** 20


def run_bench(sizes: Sequence[int] = (10_000, 100_000, 1_000_000), seed: int = 0) -> list[dict]:
    """Time (s) and peak RSS growth (MiB) per size; ``us_per_link`` makes near-linear growth visible.

    ``total_s``/``peak_mib`` cover building the graph and tracing with full detail (what screening runs);
    ``trace_worst_only_s`` and the mass balance are reported beside them."""
    rows = []
    for n in sizes:
        t0 = time.perf_counter()
        d = generate_graph(n, seed)
        gen = time.perf_counter() - t0
        with _PeakRSS() as mem:
            t0 = time.perf_counter()
            g = SupplyGraph.build(d.party_ids, d.links, d.shipments, d.material_map)
            t1 = time.perf_counter()
            res = g.trace(d.severity)
            t2 = time.perf_counter()
            g.trace(d.severity, detail=False)
            t3 = time.perf_counter()
        with _PeakRSS() as mb_mem:
            mb = mass_balance(d.links, d.shipments, material_map=d.material_map)
            t4 = time.perf_counter()
        verdicts = {v: sum(r.verdict == v for r in res) for v in ("presumption", "review", "clear")}
        rows.append({
            "n_links": n, "n_parties": len(d.party_ids), "n_shipments": len(d.shipments),
            "n_tainted": len(d.severity), "n_nodes": g.n_nodes, "n_edges": g.n_edges, "generate_s": gen,
            "build_s": t1 - t0, "trace_s": t2 - t1, "trace_worst_only_s": t3 - t2, "massbalance_s": t4 - t3,
            "total_s": t2 - t0, "peak_mib": mem.mib, "massbalance_peak_mib": mb_mem.mib,
            "us_per_link": (t2 - t0) / n * 1e6,
            "hits": sum(len(r.tainted) for r in res), "mb_flags": len(mb.flags), **verdicts,
        })
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    sizes = [int(a.replace("_", "")) for a in (argv if argv is not None else sys.argv[1:])] or None
    for row in run_bench(sizes) if sizes else run_bench():
        print("  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
