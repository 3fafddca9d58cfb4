"""Upstream tracing over the (party, material) product graph: "wholly or in part", at any tier.

Why a product graph: a link "S sells m to B" only carries taint into what B sells on if m can be an input
of it. So nodes are (party, material it sells) and an edge (S, m) -> (B, o) exists when a link S->B of m
exists and m feeds o (or equals it, or either is unknown to the material map: assumed, conservative). A
supplier two tiers up then matters only if its material feeds the material its buyer sells on, and so on.

Why columnar: a million links must trace in seconds. Parties and materials are interned to integers, the
edges are built with numpy joins into a scipy.sparse CSR matrix, and taint is propagated *downstream* from
the few tainted parties with vectorised BFS (:mod:`laborlens.trace.bfs`) instead of searching upstream from
every shipment. Each shipment's answer is then a look-up plus a walk along its path.

Costs: building is O(links x outputs per buyer). ``detail=False`` runs one BFS per severity level, O(edges).
``detail=True`` (default) runs one BFS per tainted party to list *every* tainted upstream party with its own
shortest path: O(sum of the tainted parties' downstream reach), small when tainted parties are few.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp

from laborlens.model import Link, Party, Shipment
from laborlens.trace.bfs import bfs, paths
from laborlens.trace.materials import MaterialMap
from laborlens.trace.results import TaintHit, TraceResult, Upstream


@dataclass(slots=True)
class LinkColumns:
    """Links as columns (what a DuckDB/Arrow query or the bench yields) so a million links need not be
    a million Python objects. ``quantity`` uses NaN for missing values."""

    supplier_id: Sequence[Any]
    buyer_id: Sequence[Any]
    material: Sequence[str]
    quantity: np.ndarray | None = None
    unit: Sequence[str] | None = None

    @classmethod
    def from_links(cls, links: Iterable[Link]) -> LinkColumns:
        links = list(links)
        return cls([x.supplier_id for x in links], [x.buyer_id for x in links], [x.material for x in links],
                   np.array([np.nan if x.quantity is None else x.quantity for x in links], dtype=float),
                   [x.unit for x in links])

    def __len__(self) -> int:
        return len(self.supplier_id)


def as_columns(links: Sequence[Link] | LinkColumns) -> LinkColumns:
    return links if isinstance(links, LinkColumns) else LinkColumns.from_links(links)


class Interner:
    """Strings -> dense ints, keeping first-seen order (so results follow the caller's party order)."""

    def __init__(self, values: Iterable[Any] = ()) -> None:
        self.names: list[Any] = []
        self.index: dict[Any, int] = {}
        for v in values:
            self.add(v)

    def add(self, v: Any) -> int:
        i = self.index.get(v)
        if i is None:
            i = self.index[v] = len(self.names)
            self.names.append(v)
        return i

    def codes(self, values: Sequence[Any]) -> np.ndarray:
        out = np.fromiter(map(self.index.get, values, repeat(-1)), dtype=np.int64, count=len(values))
        miss = np.flatnonzero(out < 0)
        if miss.size:  # values not seen before: add each distinct one once, in first-seen order
            new = [values[j] for j in miss.tolist()]
            for v in dict.fromkeys(new):
                self.add(v)
            out[miss] = np.fromiter(map(self.index.__getitem__, new), dtype=np.int64, count=len(new))
        return out


def _material_codes(values: Sequence[str], vocab: Interner, normalize: Callable[[str], str],
                    cache: dict[str, int]) -> np.ndarray:
    """Vocabulary codes of normalised materials; each distinct spelling is normalised once (``cache``)."""
    out = np.fromiter(map(cache.get, values, repeat(-1)), dtype=np.int64, count=len(values))
    for j in np.flatnonzero(out < 0).tolist():
        raw = values[j]
        c = cache.get(raw)
        if c is None:
            c = cache[raw] = vocab.add(normalize(raw or ""))
        out[j] = c
    return out


def _unique_rows(cols: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """Indices of the first occurrence of each distinct row of integer columns (packed into one int64 key
    when it fits, else a row-wise unique)."""
    if np.prod([float(max(s, 1)) for s in sizes]) < 2.0 ** 62:
        key = np.zeros(len(cols[0]), dtype=np.int64)
        for c, s in zip(cols, sizes, strict=False):
            key = key * max(s, 1) + c
        _, first = np.unique(key, return_index=True)
    else:
        _, first = np.unique(np.stack(cols, axis=1), axis=0, return_index=True)
    return np.sort(first)


class SupplyGraph:
    """The (party, material) product graph of one screening data set; build once, trace many times."""

    def __init__(self, parties: Interner, vocab: list[str], node_party: np.ndarray, node_mat: np.ndarray,
                 adj: sp.csr_array, ship_ids: list[str], ship_node: np.ndarray, raw_vocab: np.ndarray,
                 link_count: int) -> None:
        self.parties, self.vocab = parties, vocab
        self.node_party, self.node_mat = node_party, node_mat
        self.adj = adj  # data: 1 = known or same material, 2 = assumed (unknown material)
        self.ship_ids, self.ship_node = ship_ids, ship_node
        self._raw_vocab = raw_vocab  # materials where tracing to origin ends (raw, or e.g. primary aluminum)
        self.link_count = link_count
        counts = np.bincount(node_party, minlength=len(parties.names))
        self._party_first = np.concatenate(([0], np.cumsum(counts)))
        self._ship_index = {s: j for j, s in reversed(list(enumerate(ship_ids)))}
        self._rev: sp.csr_array | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.node_party)

    @property
    def n_edges(self) -> int:
        return int(self.adj.nnz)

    # -- building ------------------------------------------------------------------------------------------
    @classmethod
    def build(cls, party_ids: Iterable[str | Party], links: Sequence[Link] | LinkColumns,
              shipments: Sequence[Shipment], material_map: MaterialMap | None = None) -> SupplyGraph:
        """Intern, normalise materials, and join links with their buyers' outputs into CSR edges."""
        mmap = material_map or MaterialMap.default()
        cols = as_columns(links)
        parties = Interner(p.id if isinstance(p, Party) else p for p in party_ids)
        sup, buy = parties.codes(cols.supplier_id), parties.codes(cols.buyer_id)
        vocab, cache = Interner(), dict[str, int]()
        mat = _material_codes(cols.material, vocab, mmap.normalize, cache)
        ship_ids = [s.id for s in shipments]
        exp = parties.codes([s.exporter_id for s in shipments])
        smat = _material_codes([s.material for s in shipments], vocab, mmap.normalize, cache)
        n_p, n_m = len(parties.names), max(len(vocab.names), 1)

        # nodes: every (party, material) a party sells, on a link or in a shipment; sorted by party
        keys = np.unique(np.concatenate((sup * n_m + mat, exp * n_m + smat)))
        node_party, node_mat = keys // n_m, keys % n_m
        n = len(keys)
        counts = np.bincount(node_party, minlength=n_p)
        first = np.concatenate(([0], np.cumsum(counts)))

        keep = _unique_rows((sup, buy, mat), (n_p, n_p, n_m))
        sup, buy, mat = sup[keep], buy[keep], mat[keep]
        src = np.searchsorted(keys, sup * n_m + mat)
        # each link fans out to every output node of its buyer; keep those its material can feed
        fan = counts[buy]
        rep = np.repeat(np.arange(len(buy)), fan)
        within = np.arange(int(fan.sum()), dtype=np.int64) - np.repeat(np.cumsum(fan) - fan, fan)
        tgt = first[buy][rep] + within
        relevant, assumed, _ = mmap.matrices(vocab.names)
        m_in, m_out = mat[rep], node_mat[tgt]
        ok = relevant[m_in, m_out]
        data = np.where(assumed[m_in, m_out], 2, 1).astype(np.int8)[ok]
        adj = sp.csr_array((data, (src[rep][ok], tgt[ok])), shape=(n, n))
        adj.sort_indices()
        ship_node = np.searchsorted(keys, exp * n_m + smat) if len(ship_ids) else np.empty(0, dtype=np.int64)
        raw_vocab = np.array([mmap.is_origin(m) for m in vocab.names], dtype=bool)
        return cls(parties, vocab.names, node_party, node_mat, adj, ship_ids, ship_node, raw_vocab, len(cols))

    # -- tracing -------------------------------------------------------------------------------------------
    def trace(self, party_severity: Mapping[str, int], *, detail: bool = True) -> list[TraceResult]:
        """One result per shipment, in input order. ``detail=False`` skips the list of all tainted parties
        (one BFS per severity level instead of one per tainted party)."""
        sev = np.zeros(len(self.parties.names), dtype=np.int64)
        for pid, s in party_severity.items():
            i = self.parties.index.get(pid)
            if i is not None and int(s) > 0:
                sev[i] = max(sev[i], int(s))
        hits = self._hits_by_party(sev) if detail else self._hits_by_severity(sev)
        order = self.parties.index

        def rank(h: TaintHit) -> tuple[int, int, bool, int]:
            return (-h.severity, h.tier, h.assumed, order[h.party_id])
        # shipments often share a node: rank once per node
        ranked = {node: tuple(sorted(found, key=rank)) for node, found in hits.items()}
        out = []
        for sid, node in zip(self.ship_ids, self.ship_node.tolist(), strict=False):
            found = ranked.get(node, ())
            out.append(TraceResult(sid, self.parties.names[self.node_party[node]],
                                   self.vocab[self.node_mat[node]], found[0] if found else None,
                                   found if detail else ()))
        return out

    def _buffers(self) -> tuple[np.ndarray, np.ndarray]:
        return np.full(self.n_nodes, -1, dtype=np.int32), np.full(self.n_nodes, -1, dtype=np.int64)

    def _ship_mask(self) -> np.ndarray:
        mask = np.zeros(self.n_nodes, dtype=bool)
        mask[self.ship_node] = True
        return mask

    def _hits_by_party(self, sev: np.ndarray) -> dict[int, list[TaintHit]]:
        """One BFS per tainted party, reusing buffers: every tainted party gets its own shortest path."""
        dist, pred = self._buffers()
        is_ship = self._ship_mask()
        hits: dict[int, list[TaintHit]] = {}
        for p in np.flatnonzero(sev > 0):
            sources = np.arange(self._party_first[p], self._party_first[p + 1])
            if sources.size == 0:
                continue
            touched = bfs(self.adj.indptr, self.adj.indices, sources, dist, pred)
            targets = touched[is_ship[touched]]
            self._collect(hits, targets, paths(pred, dist, targets), dist, {int(p): int(sev[p])})
            dist[touched] = -1
        return hits

    def _hits_by_severity(self, sev: np.ndarray) -> dict[int, list[TaintHit]]:
        """One multi-source BFS per severity level, highest first: the worst hit per shipment node."""
        is_open = self._ship_mask()
        hits: dict[int, list[TaintHit]] = {}
        node_sev = sev[self.node_party]
        for level in sorted({int(s) for s in np.unique(sev) if s > 0}, reverse=True):
            dist, pred = self._buffers()
            touched = bfs(self.adj.indptr, self.adj.indices, np.flatnonzero(node_sev == level), dist, pred)
            targets = touched[is_open[touched]]
            is_open[targets] = False
            mat = paths(pred, dist, targets)
            origin = {int(p): level for p in np.unique(self.node_party[mat[:, 0]])} if len(targets) else {}
            self._collect(hits, targets, mat, dist, origin)
        return hits

    def _collect(self, hits: dict[int, list[TaintHit]], targets: np.ndarray, mat: np.ndarray,
                 dist: np.ndarray, severity_of: dict[int, int]) -> None:
        if targets.size == 0:
            return
        lengths = dist[targets].astype(np.int64) + 1
        # assumed flags of every path edge in one sparse look-up
        u, v = mat[:, :-1], mat[:, 1:]
        valid = v >= 0
        flag = np.zeros(u.shape, dtype=np.int8)
        if valid.any():
            flag[valid] = np.asarray(self.adj[u[valid], v[valid]]).ravel()
        names, vocab = self.parties.names, self.vocab
        pmat = np.where(mat >= 0, self.node_party[np.maximum(mat, 0)], -1)
        mmat = np.where(mat >= 0, self.node_mat[np.maximum(mat, 0)], -1)
        for r, node in enumerate(targets.tolist()):
            k = int(lengths[r])
            prow, mrow = pmat[r, :k].tolist(), mmat[r, :k].tolist()
            assumed = tuple((vocab[mrow[i]], vocab[mrow[i + 1]])
                            for i in np.flatnonzero(flag[r, :k - 1] == 2).tolist())
            hits.setdefault(node, []).append(TaintHit(
                names[prow[0]], severity_of[prow[0]], k, tuple(names[p] for p in prow),
                tuple(vocab[m] for m in mrow), assumed))

    # -- upstream summary ----------------------------------------------------------------------------------
    def upstream(self, shipment_id: str) -> Upstream:
        """Every party that can feed the shipment (nearest tier) and the nodes whose inputs are untraced."""
        j = self._ship_index[shipment_id]
        if self._rev is None:
            self._rev = self.adj.T.tocsr()
            self._rev.sort_indices()
        rev = self._rev
        dist, pred = self._buffers()
        node = int(self.ship_node[j])
        touched = bfs(rev.indptr, rev.indices, np.array([node]), dist, pred)
        tiers = dist[touched].astype(np.int64) + 1
        party = self.node_party[touched]
        exporter = self.node_party[node]
        best: dict[int, int] = {}
        for p, t in zip(party.tolist(), tiers.tolist(), strict=False):  # touched is in BFS order: first tier is nearest
            if p != exporter and p not in best:
                best[p] = t
        names = self.parties.names
        no_inputs = np.diff(rev.indptr)[touched] == 0
        open_ = no_inputs & ~self._raw_vocab[self.node_mat[touched]]
        untraced = tuple((names[p], self.vocab[m], int(t)) for p, m, t in zip(
            party[open_].tolist(), self.node_mat[touched][open_].tolist(), tiers[open_].tolist(), strict=False))
        return Upstream(shipment_id, tuple((names[p], t) for p, t in best.items()), untraced)

    def upstream_parties(self, shipment_id: str) -> int:
        """How many parties (exporter excluded) can feed the shipment at any tier."""
        return self.upstream(shipment_id).count


def trace(party_ids: Iterable[str | Party], links: Sequence[Link] | LinkColumns,
          shipments: Sequence[Shipment], party_severity: Mapping[str, int],
          material_map: MaterialMap | None = None, *, detail: bool = True) -> list[TraceResult]:
    """Trace every shipment upstream; see :class:`SupplyGraph` (build once to also ask :meth:`upstream`)."""
    return SupplyGraph.build(party_ids, links, shipments, material_map).trace(party_severity, detail=detail)
