"""Upstream propagation as iterative joins over the (party, material) edges, until nothing changes.

:class:`JoinGraph` is a :class:`laborlens.trace.SupplyGraph` whose searches run as SQL on a backend
(DuckDB or Spark) instead of numpy: the frontier joins the edge table, nodes not yet reached for that
source are kept, and each keeps the path of its lowest-numbered parent — the local engine's tie rule, so
paths come out identical. Ranking of hits per shipment and everything after (verdicts) are the local
engine's own code, inherited. Node numbering and the edge list come from the local graph build.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from laborlens.engines.backends import Backend
from laborlens.trace.graph import SupplyGraph
from laborlens.trace.results import TaintHit, Upstream

MAX_ROUNDS = 10_000  # a safety net: the product graph's longest shortest path is far shorter
UPSTREAM_BATCH = 2000  # up to this many shipments, every upstream summary is found in one batched search


class JoinGraph(SupplyGraph):
    backend: Backend
    _inputs: np.ndarray
    _upstream: dict[int, list[tuple[int, int]]] | None

    @classmethod
    def from_graph(cls, g: SupplyGraph, backend: Backend) -> JoinGraph:
        self = cls.__new__(cls)
        self.__dict__.update(g.__dict__)  # the local build: node numbering, CSR edges, shipment nodes
        self.backend = backend
        self._inputs = np.bincount(g.adj.indices, minlength=g.n_nodes) > 0  # in-degree > 0
        self._upstream = None
        coo = g.adj.tocoo()
        backend.put("ll_edges", {"src": coo.row.astype(np.int64), "tgt": coo.col.astype(np.int64)})
        backend.put("ll_ships", {"node": np.unique(g.ship_node).astype(np.int64)})
        return self

    # -- the join search ------------------------------------------------------------------------------------
    def _search(self, keys: np.ndarray, sources: np.ndarray, reverse: bool = False,
                keep_paths: bool = True) -> list[tuple]:
        """Level-synchronous search from ``sources`` (one independent search per key); returns the rows
        (key, node, dist[, path]) that are shipment nodes (forward) or every reached node (reverse)."""
        b, d = self.backend, self.backend.dialect
        src, tgt = ("tgt", "src") if reverse else ("src", "tgt")
        b.put("ll_seed", {"k": keys.astype(np.int64), "node": sources.astype(np.int64)})
        path0 = f", {d['path1'].format(x='node')} AS path" if keep_paths else ""
        b.create("ll_seen", f"SELECT DISTINCT k, node, 0 AS dist{path0} FROM ll_seed", count=False)
        b.create("ll_front", "SELECT * FROM ll_seen", count=False)
        seen = "ll_seen"
        for depth in range(1, MAX_ROUNDS):
            # the lowest-numbered parent of each newly reached (key, node): the local engine's tie rule
            b.view("ll_cand", f"""
                SELECT f.k, e.{tgt} AS node, min(f.node) AS parent
                FROM ll_front f JOIN ll_edges e ON e.{src} = f.node
                ANTI JOIN ll_seen s ON s.k = f.k AND s.node = e.{tgt}
                GROUP BY f.k, e.{tgt}""")
            path = ", array_append(f.path, c.node) AS path" if keep_paths else ""
            n = b.create("ll_front", f"""
                SELECT c.k, c.node, {depth} AS dist{path}
                FROM ll_cand c JOIN ll_front f ON f.k = c.k AND f.node = c.parent""")
            if n == 0:
                break
            b.append(seen, "ll_front")
        cols = "s.k, s.node, s.dist" + (", s.path" if keep_paths else "")
        where = "" if reverse else " JOIN ll_ships t ON t.node = s.node"
        out = b.rows(f"SELECT {cols} FROM ll_seen s{where}")
        b.drop("ll_seed", "ll_seen", "ll_front", "ll_cand")
        return out

    def _collect_rows(self, hits: dict[int, list[TaintHit]], rows: list[tuple],
                      severity_of: dict[int, int]) -> None:
        if not rows:
            return
        targets = np.array([r[1] for r in rows], dtype=np.int64)
        width = max(len(r[3]) for r in rows)
        mat = np.full((len(rows), width), -1, dtype=np.int64)
        for i, r in enumerate(rows):
            mat[i, :len(r[3])] = r[3]
        dist = np.full(self.n_nodes, -1, dtype=np.int32)
        dist[targets] = [r[2] for r in rows]
        self._collect(hits, targets, mat, dist, severity_of)

    def _hits_by_party(self, sev: np.ndarray) -> dict[int, list[TaintHit]]:
        tainted = np.flatnonzero(sev > 0)
        keys = np.concatenate([np.full(self._party_first[p + 1] - self._party_first[p], p) for p in tainted]
                              or [np.empty(0, dtype=np.int64)])
        nodes = np.concatenate([np.arange(self._party_first[p], self._party_first[p + 1]) for p in tainted]
                               or [np.empty(0, dtype=np.int64)])
        hits: dict[int, list[TaintHit]] = {}
        by_key: dict[int, list[tuple]] = defaultdict(list)
        for r in self._search(keys, nodes) if len(nodes) else []:
            by_key[int(r[0])].append(r)
        for p in tainted.tolist():  # same order as the local engine (it does not matter: ranks are total)
            self._collect_rows(hits, by_key.get(p, []), {int(p): int(sev[p])})
        return hits

    def _hits_by_severity(self, sev: np.ndarray) -> dict[int, list[TaintHit]]:
        node_sev = sev[self.node_party]
        levels = sorted({int(s) for s in np.unique(sev) if s > 0}, reverse=True)
        seeds = [(lv, np.flatnonzero(node_sev == lv)) for lv in levels]
        keys = np.concatenate([np.full(len(n), lv) for lv, n in seeds] or [np.empty(0, dtype=np.int64)])
        nodes = np.concatenate([n for _, n in seeds] or [np.empty(0, dtype=np.int64)])
        by_level: dict[int, list[tuple]] = defaultdict(list)
        for r in self._search(keys, nodes) if len(nodes) else []:
            by_level[int(r[0])].append(r)
        hits: dict[int, list[TaintHit]] = {}
        is_open = self._ship_mask()
        for lv in levels:  # a shipment node takes the worst level that reaches it
            rows = [r for r in by_level.get(lv, []) if is_open[r[1]]]
            for r in rows:
                is_open[r[1]] = False
            origin = {int(self.node_party[r[3][0]]): lv for r in rows}
            self._collect_rows(hits, rows, origin)
        return hits

    # -- upstream summaries ---------------------------------------------------------------------------------
    def upstream(self, shipment_id: str) -> Upstream:
        """Batched reverse search for every shipment when there are few enough, else the local search
        (large runs ask for the few hundred shipments the evidence pack details)."""
        if len(self.ship_ids) > UPSTREAM_BATCH:
            return super().upstream(shipment_id)
        if self._upstream is None:
            ships = np.unique(self.ship_node).astype(np.int64)
            found: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for k, node, dist in self._search(ships, ships, reverse=True, keep_paths=False):
                found[int(k)].append((int(dist), int(node)))
            self._upstream = {k: sorted(v) for k, v in found.items()}
        node = int(self.ship_node[self._ship_index[shipment_id]])
        touched = self._upstream.get(node, [(0, node)])
        exporter = int(self.node_party[node])
        best: dict[int, int] = {}
        for dist, n in touched:  # BFS order: level, then node number, as the local search lists them
            p = int(self.node_party[n])
            if p != exporter and p not in best:
                best[p] = dist + 1
        names = self.parties.names
        has_inputs = self._inputs
        untraced = tuple((names[int(self.node_party[n])], self.vocab[int(self.node_mat[n])], dist + 1)
                         for dist, n in touched
                         if not has_inputs[n] and not self._raw_vocab[self.node_mat[n]])
        return Upstream(shipment_id, tuple((names[p], t) for p, t in best.items()), untraced)
