"""``screen --engine duckdb``: the whole screening of a folder in DuckDB, for files larger than memory.

What stays in DuckDB (on disk in a private work folder, with ``memory_limit`` and ``temp_directory`` so
that joins and sorts spill): the input tables (validated on the way in, :mod:`laborlens.engines.duck_load`),
the (party, material) nodes and edges, every upstream propagation (iterative joins that expand only the
frontier of each round), the paths of what was reached, and the mass-balance sums (ordered aggregations,
so the floating-point sums are the local engine's to the bit). What comes to Python: parties in chunks for
the finding sources (name matching, XUAR, WRO/ILAB goods, grievances), the findings themselves, one hit per
reached shipment node, and shipments in chunks on their way to :func:`laborlens.screen.verdicts.decide`;
each verdict is written out as it is decided (verdicts.csv, result.json) instead of being kept.

The results are the local engine's: the same node numbering (parties in file order, materials in first-seen
order), the same tie rule (the lowest-numbered parent), the same ranking and the same verdict rules.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from laborlens.model import Finding, Link, Party, Shipment
from laborlens.trace.graph import Interner, LinkColumns
from laborlens.trace.massbalance import MassBalanceFlag, MassBalanceReport, _qty, normalize_unit
from laborlens.trace.materials import MaterialMap
from laborlens.trace.results import TaintHit, Upstream

CHUNK = 50_000
PARTY_CHUNK = 250_000  # parties per call of a finding source (name matching starts a process pool per call)
MAX_ROUNDS = 10_000
UPSTREAM_KEYS = 64  # shipments per batched reverse search


def _plain(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ValueError(f"unsafe setting value {value!r}")
    return value


def connect(work: Path, memory_limit: str = "4GB", temp_dir: str | None = None, threads: int = 0) -> Any:
    """A DuckDB database file in ``work`` that spills to ``temp_dir`` past ``memory_limit``."""
    import duckdb

    con = duckdb.connect(str(work / "screen.duckdb"))
    con.execute(f"SET memory_limit='{_plain(memory_limit)}'")
    con.execute(f"SET temp_directory='{_plain(temp_dir or str(work / 'spill'))}'")
    con.execute("SET preserve_insertion_order=false")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    return con


class DuckScreen:
    """One screening run over the tables ``parties``/``links``/``shipments`` of a DuckDB connection."""

    def __init__(self, con: Any, material_map: MaterialMap | None = None) -> None:
        self.con = con
        self.mmap = material_map or MaterialMap.default()
        self.n_links = self._one("SELECT count(*) FROM links")
        self.n_ships = self._one("SELECT count(*) FROM shipments")
        self.n_parties = self._one("SELECT count(*) FROM parties")
        self._materials()
        self._names: dict[int, str] = {}

    # -- helpers --------------------------------------------------------------------------------------------
    def _one(self, sql: str, params: Sequence[Any] = ()) -> int:
        row = self.con.execute(sql, list(params)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _put(self, name: str, columns: dict[str, np.ndarray]) -> None:
        self.con.register(f"_{name}_np", columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}_np")
        self.con.unregister(f"_{name}_np")

    def _stream(self, sql: str, params: Sequence[Any] = (), size: int = CHUNK) -> Iterator[list[tuple]]:
        cur = self.con.cursor()
        try:
            cur.execute(sql, list(params))
            while batch := cur.fetchmany(size):
                yield batch
        finally:
            cur.close()

    # -- materials, codes and the product graph -----------------------------------------------------------
    def _materials(self) -> None:
        """Vocabulary codes in first-seen order over links then shipments (the local interning order)."""
        raw = self.con.execute(f"""
            SELECT material, min(o) FROM (SELECT material, pos AS o FROM links
                                          UNION ALL SELECT material, {self.n_links} + pos FROM shipments)
            GROUP BY material ORDER BY 2""").fetchall()
        vocab = Interner()
        names, codes, origin = [], [], []
        for m, _ in raw:
            names.append(m)
            codes.append(vocab.add(self.mmap.normalize(m or "")))
            origin.append(self.mmap.is_origin(m))
        self.vocab: list[str] = vocab.names
        self._put("ll_mats", {"raw": np.array(names, dtype=object), "code": np.array(codes, dtype=np.int64),
                              "origin": np.array(origin, dtype=bool)})
        self.raw_vocab = np.array([self.mmap.is_origin(m) for m in self.vocab], dtype=bool)
        self._matrix("ll_mm", self.mmap, self.vocab)
        self.con.execute("""CREATE OR REPLACE TABLE ll_lc AS
            SELECT l.pos, ps.pos AS sup, pb.pos AS buy, m.code AS mat, l.quantity, l.unit
            FROM links l JOIN parties ps ON ps.id = l.supplier_id JOIN parties pb ON pb.id = l.buyer_id
            JOIN ll_mats m ON m.raw = l.material""")
        self.con.execute("""CREATE OR REPLACE TABLE ll_sc AS
            SELECT s.pos, pe.pos AS exp, m.code AS mat, s.quantity, s.unit
            FROM shipments s JOIN parties pe ON pe.id = s.exporter_id JOIN ll_mats m ON m.raw = s.material""")

    def _matrix(self, name: str, mmap: MaterialMap, vocab: list[str]) -> None:
        relevant, assumed, factor = mmap.matrices(vocab)
        n = len(vocab)
        i, o = np.divmod(np.arange(n * n, dtype=np.int64), max(n, 1))
        self._put(name, {"i": i, "o": o, "rel": relevant.ravel(), "asm": assumed.ravel(),
                         "factor": factor.ravel()})

    def build(self, g: str, blind: bool = False) -> None:
        """Nodes ``{g}_nodes`` (node, party, mat) numbered by (party, material) as the local build does,
        edges ``{g}_edges`` (src, tgt, flag: 2 = assumed), and ``{g}_ships`` (shipment pos -> node).
        ``blind``: every material erased (a party reaching the exporter by any route)."""
        c = self.con
        mat = "0" if blind else "mat"
        if blind:
            self._matrix(f"{g}_mm", MaterialMap.default(), [MaterialMap.default().normalize("")])
        mm = f"{g}_mm" if blind else "ll_mm"
        c.execute(f"""CREATE OR REPLACE TABLE {g}_nodes AS
            SELECT (row_number() OVER (ORDER BY party, mat)) - 1 AS node, party, mat FROM (
                SELECT sup AS party, {mat} AS mat FROM ll_lc UNION SELECT exp, {mat} FROM ll_sc)""")
        c.execute(f"""CREATE OR REPLACE TABLE {g}_edges AS
            WITH dl AS (SELECT DISTINCT sup, buy, {mat} AS mat FROM ll_lc)
            SELECT ns.node AS src, nt.node AS tgt, CASE WHEN mm.asm THEN 2 ELSE 1 END AS flag
            FROM dl JOIN {g}_nodes ns ON ns.party = dl.sup AND ns.mat = dl.mat
            JOIN {g}_nodes nt ON nt.party = dl.buy
            JOIN {mm} mm ON mm.i = dl.mat AND mm.o = nt.mat
            WHERE mm.rel""")
        c.execute(f"""CREATE OR REPLACE TABLE {g}_ships AS
            SELECT s.pos, n.node FROM ll_sc s JOIN {g}_nodes n ON n.party = s.exp AND n.mat = {
                '0' if blind else 's.mat'}""")

    # -- propagation: frontier-only iterative joins ----------------------------------------------------------
    def search(self, g: str, out: str, seeds: str, reverse: bool = False) -> None:
        """Level-synchronous search from the (k, node) rows of ``seeds``, one independent search per key:
        ``out`` holds (k, node, dist, parent) for every reached node. Each round joins only the frontier
        (the nodes reached in the round before) with the edges and keeps nodes not yet reached for that
        key; a node's parent is its lowest-numbered frontier parent, the local engine's tie rule."""
        c = self.con
        src, tgt = ("tgt", "src") if reverse else ("src", "tgt")
        c.execute(f"CREATE OR REPLACE TABLE {out} AS SELECT DISTINCT k, node, 0 AS dist, -1::BIGINT AS parent "
                  f"FROM ({seeds})")
        c.execute(f"CREATE OR REPLACE TEMP TABLE ll_front AS SELECT k, node FROM {out}")
        for depth in range(1, MAX_ROUNDS):
            c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_next AS
                SELECT f.k, e.{tgt} AS node, min(f.node) AS parent
                FROM ll_front f JOIN {g}_edges e ON e.{src} = f.node
                GROUP BY f.k, e.{tgt}""")
            c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_front AS
                SELECT n.k, n.node, n.parent FROM ll_next n ANTI JOIN {out} r ON r.k = n.k AND r.node = n.node""")
            if self._one("SELECT count(*) FROM ll_front") == 0:
                break
            c.execute(f"INSERT INTO {out} SELECT k, node, {depth}, parent FROM ll_front")
            c.execute("CREATE OR REPLACE TEMP TABLE ll_front AS SELECT k, node FROM ll_front")
        c.execute("DROP TABLE IF EXISTS ll_front")
        c.execute("DROP TABLE IF EXISTS ll_next")

    def _paths(self, g: str, reach: str, targets: str) -> list[tuple]:
        """(k, target node, party codes, party ids, materials, assumed step positions) for the (k, node)
        rows of ``targets``, walking parents back to the source in SQL."""
        c = self.con
        c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_walk AS
            SELECT r.k, r.node AS target, r.dist AS pos, r.node AS cur, r.parent
            FROM {reach} r SEMI JOIN ({targets}) t ON t.k = r.k AND t.node = r.node""")
        c.execute("CREATE OR REPLACE TEMP TABLE ll_head AS SELECT * FROM ll_walk")
        for _ in range(MAX_ROUNDS):
            c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_head AS
                SELECT h.k, h.target, h.pos - 1 AS pos, r.node AS cur, r.parent
                FROM ll_head h JOIN {reach} r ON r.k = h.k AND r.node = h.parent WHERE h.parent >= 0""")
            if self._one("SELECT count(*) FROM ll_head") == 0:
                break
            c.execute("INSERT INTO ll_walk SELECT * FROM ll_head")
        rows = c.execute(f"""
            SELECT w.k, w.target, list(n.party ORDER BY w.pos), list(p.id ORDER BY w.pos),
                   list(n.mat ORDER BY w.pos), list(w.pos ORDER BY w.pos) FILTER (WHERE e.flag = 2)
            FROM ll_walk w JOIN {g}_nodes n ON n.node = w.cur JOIN parties p ON p.pos = n.party
            LEFT JOIN ll_walk w2 ON w2.k = w.k AND w2.target = w.target AND w2.pos = w.pos + 1
            LEFT JOIN {g}_edges e ON e.src = w.cur AND e.tgt = w2.cur
            GROUP BY w.k, w.target""").fetchall()
        c.execute("DROP TABLE IF EXISTS ll_walk")
        c.execute("DROP TABLE IF EXISTS ll_head")
        return rows

    def _hit(self, row: tuple, severity: int, vocab: list[str]) -> tuple[int, TaintHit]:
        _k, _t, pcodes, pids, mats, asm = row
        mnames = [vocab[m] for m in mats]
        assumed = tuple((mnames[i], mnames[i + 1]) for i in (asm or []))
        return int(pcodes[0]), TaintHit(pids[0], severity, len(pids), tuple(pids), tuple(mnames), assumed)

    def trace(self, g: str, sev: dict[int, int], detail: bool, vocab: list[str] | None = None
              ) -> dict[int, tuple[TaintHit, ...]]:
        """Ranked hits per reached shipment node (the local ``SupplyGraph.trace``): by severity level (the
        worst level reaching a node claims it) or, with ``detail``, one search per tainted party."""
        vocab = vocab if vocab is not None else self.vocab
        sev = {p: s for p, s in sev.items() if s > 0}
        if not sev:
            return {}
        codes = np.array(list(sev), dtype=np.int64)
        self._put("ll_sev", {"party": codes, "s": np.array([sev[int(p)] for p in codes], dtype=np.int64)})
        key = "v.party" if detail else "v.s"
        self.search(g, "ll_reach", f"SELECT {key} AS k, n.node FROM ll_sev v JOIN {g}_nodes n ON n.party = v.party")
        targets = f"SELECT DISTINCT r.k, r.node FROM ll_reach r SEMI JOIN {g}_ships s ON s.node = r.node"
        if not detail:
            targets = f"SELECT k, node FROM ({targets}) QUALIFY k = max(k) OVER (PARTITION BY node)"
        found: dict[int, list[tuple[tuple, TaintHit]]] = defaultdict(list)
        for row in self._paths(g, "ll_reach", targets):
            level = sev[int(row[0])] if detail else int(row[0])
            origin, hit = self._hit(row, level, vocab)
            found[int(row[1])].append(((-hit.severity, hit.tier, hit.assumed, origin), hit))
        self.con.execute("DROP TABLE IF EXISTS ll_reach")
        return {node: tuple(h for _, h in sorted(v, key=lambda x: x[0])) for node, v in found.items()}

    def upstream(self, ship_pos: Sequence[int]) -> dict[int, Upstream]:
        """The upstream summaries of the given shipments (by pos): batched reverse searches."""
        out: dict[int, Upstream] = {}
        rows = self.con.execute(
            "SELECT s.pos, s.node, sh.id FROM g_ships s JOIN shipments sh ON sh.pos = s.pos "
            f"WHERE s.pos IN ({','.join(str(int(p)) for p in ship_pos) or '-1'})").fetchall()
        by_node: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pos, node, sid in rows:
            by_node[int(node)].append((int(pos), sid))
        nodes = sorted(by_node)
        if nodes:
            self.con.execute("CREATE TABLE IF NOT EXISTS g_has_in AS SELECT DISTINCT tgt FROM g_edges")
        for i in range(0, len(nodes), UPSTREAM_KEYS):
            part = nodes[i:i + UPSTREAM_KEYS]
            self._put("ll_useed", {"k": np.array(part, dtype=np.int64), "node": np.array(part, dtype=np.int64)})
            self.search("g", "ll_up", "SELECT k, node FROM ll_useed", reverse=True)
            touched: dict[int, list[tuple]] = defaultdict(list)
            for k, dist, _node, party, pid, mat, has_in in self.con.execute("""
                    SELECT r.k, r.dist, r.node, n.party, p.id, n.mat, h.tgt IS NOT NULL AS has_in
                    FROM ll_up r JOIN g_nodes n ON n.node = r.node JOIN parties p ON p.pos = n.party
                    LEFT JOIN g_has_in h ON h.tgt = r.node
                    ORDER BY r.k, r.dist, r.node""").fetchall():
                touched[int(k)].append((int(dist), int(party), pid, int(mat), bool(has_in)))
            self.con.execute("DROP TABLE IF EXISTS ll_up")
            for node in part:
                t = touched.get(node, [])
                exporter = t[0][1] if t else -1
                best: dict[str, int] = {}
                for dist, party, pid, _m, _h in t:  # BFS order: level, then node number
                    if party != exporter and pid not in best:
                        best[pid] = dist + 1
                untraced = tuple((pid, self.vocab[m], dist + 1) for dist, _p, pid, m, has_in in t
                                 if not has_in and not self.raw_vocab[m])
                for pos, sid in by_node[node]:
                    out[pos] = Upstream(sid, tuple(best.items()), untraced)
        return out

    # -- sets for the searches --------------------------------------------------------------------------------
    def _untraced(self) -> list[int]:
        """Sellers of a material short of its origin with no recorded inputs (``_untraced_parties``)."""
        return [int(r[0]) for r in self.con.execute("""
            WITH sold AS (SELECT supplier_id AS pid, material FROM links
                          UNION ALL SELECT exporter_id, material FROM shipments)
            SELECT DISTINCT p.pos FROM sold s JOIN ll_mats m ON m.raw = s.material JOIN parties p ON p.id = s.pid
            WHERE NOT m.origin AND s.pid NOT IN (SELECT buyer_id FROM links)""").fetchall()]

    def party_codes(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        self._put("ll_ids", {"id": np.array(list(ids), dtype=object)})
        return {pid: int(pos) for pid, pos in self.con.execute(
            "SELECT p.id, p.pos FROM parties p SEMI JOIN ll_ids i ON i.id = p.id").fetchall()}

    def names_of(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        self._put("ll_ids", {"id": np.array(sorted(ids), dtype=object)})
        return dict(self.con.execute(
            "SELECT p.id, p.name FROM parties p SEMI JOIN ll_ids i ON i.id = p.id").fetchall())

    # -- mass balance as aggregations -------------------------------------------------------------------------
    def mass_balance(self, tolerance: float = 0.05) -> MassBalanceReport:
        """:func:`laborlens.trace.massbalance.mass_balance` as SQL: the same groups, the same sums in the same
        order (ordered aggregates), the same flags, notes and explanations."""
        c = self.con
        n = self.n_links
        # the local interning orders: parties by first sight over suppliers, buyers, exporters; units by
        # first sight over link units then shipment units
        c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_mbp AS
            SELECT pid, (row_number() OVER (ORDER BY min(o))) - 1 AS code FROM (
                SELECT supplier_id AS pid, pos AS o FROM links UNION ALL SELECT buyer_id, {n} + pos FROM links
                UNION ALL SELECT exporter_id, {2 * n} + pos FROM shipments) GROUP BY pid""")
        raw_units = c.execute(f"""SELECT u, min(o) FROM (SELECT coalesce(unit, '') AS u, pos AS o FROM links
                UNION ALL SELECT coalesce(unit, ''), {n} + pos FROM shipments) GROUP BY u ORDER BY 2""").fetchall()
        units = Interner()
        ucode, umult = [], []
        for u, _ in raw_units:
            canon, mult = normalize_unit(u or "")
            ucode.append(units.add(canon))
            umult.append(mult)
        self._put("ll_units", {"raw": np.array([u for u, _ in raw_units], dtype=object),
                               "code": np.array(ucode, dtype=np.int64), "mult": np.array(umult, dtype=float)})
        unames = units.names
        c.execute("""CREATE OR REPLACE TEMP TABLE ll_mbrows AS
            SELECT ps.code AS sup, pb.code AS buy, m.code AS mat, u.code AS g, l.quantity * u.mult AS q,
                   l.pos AS o
            FROM links l JOIN ll_mbp ps ON ps.pid = l.supplier_id JOIN ll_mbp pb ON pb.pid = l.buyer_id
            JOIN ll_mats m ON m.raw = l.material JOIN ll_units u ON u.raw = coalesce(l.unit, '')""")
        c.execute(f"""CREATE OR REPLACE TEMP TABLE ll_mbout AS
            SELECT p, m, g, sum(q ORDER BY o) AS qty FROM (
                SELECT sup AS p, mat AS m, g, q, o FROM ll_mbrows WHERE q IS NOT NULL AND NOT isnan(q)
                UNION ALL
                SELECT pe.code, m.code, u.code, s.quantity * u.mult, {n} + s.pos
                FROM shipments s JOIN ll_mbp pe ON pe.pid = s.exporter_id JOIN ll_mats m ON m.raw = s.material
                JOIN ll_units u ON u.raw = coalesce(s.unit, '')
                WHERE s.quantity IS NOT NULL AND NOT isnan(s.quantity * u.mult))
            GROUP BY p, m, g""")
        c.execute("""CREATE OR REPLACE TEMP TABLE ll_mbin AS
            SELECT buy AS p, mat AS m, g, 0 AS k, sum(q ORDER BY o) AS qty FROM ll_mbrows
            WHERE q IS NOT NULL AND NOT isnan(q) GROUP BY buy, mat, g""")
        c.execute("""CREATE OR REPLACE TEMP TABLE ll_mbmiss AS
            SELECT DISTINCT buy AS p, mat AS m FROM ll_mbrows WHERE q IS NULL OR isnan(q)""")
        c.execute("CREATE OR REPLACE TEMP TABLE ll_mbhas AS SELECT DISTINCT buy AS p FROM ll_mbrows")
        # every outbound group joined with its party's inbound groups, the local engine's arithmetic
        c.execute("""CREATE OR REPLACE TEMP TABLE ll_mbj AS
            SELECT o.p, o.m, o.g, i.m AS im, i.g AS ig, i.k AS ik, i.qty AS iq, mm.rel,
                   mm.rel AND i.g = o.g AS rel_same,
                   CASE WHEN mm.asm THEN 1.0::DOUBLE ELSE mm.factor END AS f, mm.asm,
                   NOT mm.asm AND (mm.factor IS NULL OR isnan(mm.factor)) AS fnan
            FROM ll_mbout o JOIN ll_mbin i ON i.p = o.p JOIN ll_mm mm ON mm.i = i.m AND mm.o = o.m""")
        hi = 1.0 + tolerance
        rows = c.execute("""
            WITH agg AS (
                SELECT p, m, g,
                       sum(CASE WHEN rel_same AND NOT fnan THEN iq * f ELSE 0.0 END ORDER BY im, ig, ik) AS ineq,
                       bool_or(rel AND NOT rel_same) AS b_units, bool_or(rel_same AND fnan) AS b_conv,
                       bool_or(rel_same AND NOT fnan AND asm) AS used_assumed
                FROM ll_mbj GROUP BY p, m, g),
            miss AS (SELECT o.p, o.m, o.g FROM ll_mbout o JOIN ll_mbmiss x ON x.p = o.p
                     JOIN ll_mm mm ON mm.i = x.m AND mm.o = o.m WHERE mm.rel GROUP BY o.p, o.m, o.g)
            SELECT o.p, o.m, o.g, o.qty, coalesce(a.ineq, 0.0), coalesce(a.b_units, false),
                   coalesce(a.b_conv, false), x.p IS NOT NULL, coalesce(a.used_assumed, false), h.p IS NOT NULL
            FROM ll_mbout o LEFT JOIN agg a USING (p, m, g) LEFT JOIN miss x USING (p, m, g)
            LEFT JOIN ll_mbhas h ON h.p = o.p
            WHERE h.p IS NULL OR o.qty > coalesce(a.ineq, 0.0) * ? + 1e-9
            ORDER BY o.p, o.m, o.g""", [hi]).fetchall()
        names = dict(c.execute("SELECT code, pid FROM ll_mbp WHERE code IN (SELECT DISTINCT p FROM ll_mbout)"
                               ).fetchall()) if rows else {}
        report = MassBalanceReport()
        flagged = [r for r in rows if r[9] and not (r[5] or r[6] or r[7])]
        detail: dict[tuple, list[str]] = {(r[0], r[1], r[2]): [] for r in flagged}
        if flagged:
            self._put("ll_mbf", {"p": np.array([r[0] for r in flagged], dtype=np.int64),
                                 "m": np.array([r[1] for r in flagged], dtype=np.int64),
                                 "g": np.array([r[2] for r in flagged], dtype=np.int64)})
            for p, m, g, im, ig, ik, iq, f in c.execute("""
                    SELECT j.p, j.m, j.g, j.im, j.ig, j.ik, j.iq, j.f FROM ll_mbj j SEMI JOIN ll_mbf USING (p, m, g)
                    WHERE j.rel_same AND NOT j.fnan ORDER BY j.p, j.m, j.g, j.im, j.ig, j.ik""").fetchall():
                what = f"declared own production of {self.vocab[im]}" if ik else self.vocab[im]
                detail[(p, m, g)].append(f"{_qty(iq)} {unames[ig]} {what} x {f:.4g}")
        for p, m, g, out_q, in_eq, _bu, _bc, _bm, used_assumed, _h in flagged:
            unit = unames[g] or "(no unit)"
            ratio = float(out_q / in_eq) if in_eq > 0 else float("inf")
            basis = "; ".join(detail[(p, m, g)]) or "no recorded input that can feed it"
            pct = f"{(ratio - 1) * 100:.0f}% over" if np.isfinite(ratio) else "nothing explains it"
            text = (f"{names[p]} ships {_qty(out_q)} {unit} of {self.vocab[m]} but its recorded inputs "
                    f"support at most {_qty(in_eq)} {unit} ({basis}); {pct}, tolerance {tolerance:.0%}")
            if used_assumed:
                text += "; a material not in the input map was assumed to convert 1:1"
            report.flags.append(MassBalanceFlag(names[p], self.vocab[m], float(in_eq), float(out_q), ratio,
                                                text, unames[g]))
        for p, m, g, _q, _i, bu, bc, bm, _u, has in rows:
            if not has or not (bu or bc or bm):
                continue
            why = [w for w, b in (("inputs in an incompatible unit", bu),
                                  ("inputs whose mass is not comparable with the output", bc),
                                  ("inputs without quantities", bm)) if b]
            report.notes.append(f"{names[p]} {self.vocab[m]} ({unames[g] or 'no unit'}): not concluded, "
                                f"{' and '.join(why)}")
        skipped = len({r[0] for r in rows if not r[9]})
        if skipped:
            report.notes.append(f"{skipped} part{'y' if skipped == 1 else 'ies'} with outbound quantities but no "
                                "inbound link not assessed (raw producers, or inputs untraced)")
        return report

    # -- reading back -----------------------------------------------------------------------------------------
    def parties_in_chunks(self, size: int = CHUNK) -> Iterator[list[Party]]:
        for batch in self._stream("SELECT id, name, country, address, name_local, registration_id FROM parties "
                                  "ORDER BY pos", size=size):
            yield [Party(*r) for r in batch]

    def sellers_in_chunks(self) -> Iterator[tuple[dict[str, Party], LinkColumns]]:
        """What each supplier and exporter sells, in the order the local goods source meets them."""
        n = self.n_links
        sql = f"""
            WITH sold AS (SELECT supplier_id AS pid, material, pos AS o FROM links
                          UNION ALL SELECT exporter_id, material, {n} + pos FROM shipments),
                 firsts AS (SELECT pid, min(o) AS first FROM sold GROUP BY pid),
                 mats AS (SELECT DISTINCT pid, material FROM sold)
            SELECT f.first, m.pid, m.material, p.name, p.country, p.address, p.name_local, p.registration_id
            FROM mats m JOIN firsts f USING (pid) JOIN parties p ON p.id = m.pid ORDER BY f.first, m.material"""
        for batch in self._stream(sql):
            by_id = {r[1]: Party(r[1], r[3], r[4], r[5], r[6], r[7]) for r in batch}
            yield by_id, LinkColumns([r[1] for r in batch], [""] * len(batch), [r[2] for r in batch])

    def shipments_in_chunks(self) -> Iterator[list[tuple[int, Shipment, int, int]]]:
        for batch in self._stream("""
                SELECT s.pos, s.id, s.importer_id, s.exporter_id, s.material, s.hts, s.description, s.quantity,
                       s.unit, s.entry_date, g.node, b.node
                FROM shipments s JOIN g_ships g ON g.pos = s.pos JOIN b_ships b ON b.pos = s.pos
                ORDER BY s.pos"""):
            yield [(int(r[0]), Shipment(r[1], r[2], r[3], r[4], r[5], r[6], quantity=r[7], unit=r[8],
                                        entry_date=r[9]), int(r[10]), int(r[11])) for r in batch]

    def links_in_chunks(self) -> Iterator[list[Link]]:
        for batch in self._stream("SELECT supplier_id, buyer_id, material, hts, quantity, unit, date, document "
                                  "FROM links ORDER BY pos"):
            yield [Link(*r) for r in batch]


# -- the run ------------------------------------------------------------------------------------------------------
def collect_findings_chunked(run: DuckScreen, matcher: Any, decisions: Any, mb: MassBalanceReport,
                             mmap: MaterialMap, options: dict, progress: Callable[[float, str], None]
                             ) -> list[Finding]:
    """Every registered finding source, in order, over the parties in chunks (the local order: source by
    source, party by party). The goods source reads what each party sells from DuckDB; the mass-balance
    source reads the SQL mass balance."""
    from laborlens.screen.findings import link_findings
    from laborlens.screen.sources import ScreenInput, default_sources

    out: list[Finding] = []
    sources = default_sources()
    for i, src in enumerate(sources):
        progress(0.05 + 0.5 * i / max(len(sources), 1), src.message)
        if src.name == "mass_balance":
            out.extend(flag.to_finding() for flag in mb.flags)
        elif src.name == "goods":
            wro = [e for e in matcher.entries if e.list_name == "wro"]
            edition = wro[0].edition if wro else ""
            scopes = [e for e in wro if e.kind == "scope"] if wro else None
            for by_id, sold in run.sellers_in_chunks():
                out.extend(link_findings(by_id, sold, edition, scopes, ()))
        else:  # sources that read parties (lists, XUAR, grievances, and any registered later)
            for chunk in run.parties_in_chunks(PARTY_CHUNK):
                inp = ScreenInput(chunk, {p.id: p for p in chunk}, LinkColumns([], [], []), [], matcher,
                                  decisions, mmap, mb, options)
                out.extend(src.run(inp))
    return out


def screen_folder(data_dir: Path, out_dir: Path, matcher: Any, decisions: Any = None,
                  material_map: MaterialMap | None = None, options: dict | None = None,
                  progress: Callable[[float, str], None] | None = None, memory_limit: str = "4GB",
                  temp_dir: str | None = None, threads: int = 0, limits: Any = None, html: bool = True,
                  pdf: bool = False) -> dict:
    """Screen the folder's files in DuckDB and write every output (verdicts.csv, findings.jsonl,
    result.json, the evidence pack); returns the summary. Nothing is written when the input is bad."""
    from laborlens.engines.duck_load import load

    progress = progress or (lambda _f, _m: None)
    mmap = material_map or MaterialMap.default()
    base = Path(temp_dir) if temp_dir else None
    with tempfile.TemporaryDirectory(prefix="laborlens-duckdb-", dir=base) as tmp:
        work = Path(tmp)
        con = connect(work, memory_limit, temp_dir=str(work / "spill"), threads=threads)
        try:
            progress(0.01, "reading and validating the input files (DuckDB)")
            warnings = load(con, Path(data_dir), limits)
            run = DuckScreen(con, mmap)
            mb = run.mass_balance()
            findings = collect_findings_chunked(run, matcher, decisions, mb, mmap, dict(options or {}), progress)
            return _verdicts_and_outputs(run, findings, mb, matcher, Path(out_dir), work, progress, html, pdf,
                                         warnings)
        finally:
            con.close()


def _verdicts_and_outputs(run: DuckScreen, findings: list[Finding], mb: MassBalanceReport, matcher: Any,
                          out_dir: Path, work: Path, progress: Callable[[float, str], None], html: bool,
                          pdf: bool, warnings: list[str]) -> dict:
    from laborlens.fsutil import staged_dir
    from laborlens.screen.findings import party_severity
    from laborlens.screen.result import MAX_DETAILED, SCHEMA_VERSION
    from laborlens.screen.run import DETAIL_ALL, OUTPUT_NAMES
    from laborlens.screen.verdicts import ShipmentEvidence, decide, good_indicators

    progress(0.6, "tracing every shipment upstream (DuckDB)")
    sev_by_id = party_severity(findings)
    codes = run.party_codes(list(sev_by_id))
    sev = {codes[p]: s for p, s in sev_by_id.items() if p in codes}
    run.build("g")
    traced = run.trace("g", sev, detail=False)
    grave = {p: s for p, s in sev.items() if s >= 2}
    presumptive = run.trace("g", grave, detail=True)
    nearest_untraced = run.trace("g", dict.fromkeys(run._untraced(), 1), detail=False)
    ilab_ids = sorted({f.party_id for f in findings if f.rule == "ilab_good"})
    ilab_codes = run.party_codes(ilab_ids)
    nearest_ilab = run.trace("g", dict.fromkeys(ilab_codes.values(), 1), detail=False) if ilab_ids else None
    any_route: dict[int, tuple[TaintHit, ...]] | None = None
    if grave:
        run.build("b", blind=True)
        any_route = run.trace("b", grave, detail=False, vocab=[MaterialMap.default().normalize("")])
    else:
        run.build("b", blind=True)  # the shipment rows join it; no search is run
    detailed = run.n_ships <= DETAIL_ALL
    ups = run.upstream(range(run.n_ships)) if detailed else {}
    by_party: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_party[f.party_id].append(f)
    ilab_set = set(ilab_ids)
    scopes = [e for e in matcher.entries if e.kind == "scope" and e.list_name == "wro"] or None
    lists = sorted({(e.list_name, e.edition) for e in matcher.entries})
    progress(0.8, "writing verdicts")

    def first(d: dict[int, tuple[TaintHit, ...]] | None, node: int) -> TaintHit | None:
        if d is None:
            return None
        hits = d.get(node)
        return hits[0] if hits else None

    order = {"presumption": 0, "review": 1, "clear": 2}
    counts = {"presumption": 0, "review": 0, "clear": 0}
    with_ind = traced_origin = 0
    shown: list[tuple] = []  # a bounded heap of the first MAX_DETAILED non-clear verdicts by (order, id)
    kept: list = []  # small runs keep every verdict for the evidence pack
    part = work / "verdicts.jsonl"
    with staged_dir(out_dir, replaces={*OUTPUT_NAMES, *(f".{n}.partial" for n in OUTPUT_NAMES),
                                       "verdicts.parquet"}) as tmp:
        from laborlens import csvout
        from laborlens.screen.run import VERDICT_COLUMNS, verdict_row

        with (tmp / "verdicts.csv").open("w", encoding="utf-8", newline="") as fh, \
                part.open("w", encoding="utf-8") as jf:
            w = csvout.writer(fh, numeric=(VERDICT_COLUMNS.index("tier"), VERDICT_COLUMNS.index("tiers_traced")))
            w.writerow(VERDICT_COLUMNS)
            for chunk in run.shipments_in_chunks():
                evs = []
                need: set[str] = set()
                for pos, s, node, bnode in chunk:
                    up = ups.get(pos) if detailed else None
                    if up is not None:
                        ilab = tuple(p for p in (s.exporter_id, *(p for p, _t in up.parties)) if p in ilab_set)
                    else:
                        hit = first(nearest_ilab, node)
                        ilab = (hit.party_id,) if hit is not None else ()
                    ev = ShipmentEvidence(first(traced, node), presumptive.get(node, ()), first(any_route, bnode),
                                          ilab, up, first(nearest_untraced, node), good_indicators(s, scopes))
                    evs.append((s, ev))
                    need.update((s.exporter_id, s.importer_id, *ilab))
                    for h in (ev.worst, ev.blind, ev.nearest_untraced, *ev.tainted):
                        if h is not None:
                            need.update(h.path)
                    if up is not None:
                        need.update(p for p, _m, _t in up.untraced)
                names = run.names_of(need)

                def name_of(pid: str) -> str:
                    nm = names.get(pid)  # noqa: B023 (used within this chunk)
                    if nm is None:
                        nm = run.names_of({pid}).get(pid, pid)
                    return nm or pid

                for s, ev in evs:
                    v = decide(s, ev, lambda pid: by_party.get(pid, ()), name_of)
                    w.writerow(verdict_row(v))
                    jf.write(json.dumps(v.to_dict(), ensure_ascii=False, default=str) + "\n")
                    counts[v.verdict] += 1
                    with_ind += v.indicators
                    traced_origin += v.traced_to_origin
                    if detailed:
                        kept.append(v)
                    elif v.verdict != "clear":
                        item = (-order[v.verdict], _Rev(v.shipment_id), v.shipment_id)
                        if len(shown) < MAX_DETAILED:
                            heapq.heappush(shown, item)
                        elif item > shown[0]:
                            heapq.heapreplace(shown, item)
        # large runs: the shown shipments get their upstream lists (the local engine fills the same ones)
        fill: dict[str, Upstream] = {}
        if not detailed and shown:
            ids = {x[2] for x in shown}
            wanted = [int(r[0]) for r in run.con.execute(
                f"SELECT pos FROM shipments WHERE id IN ({','.join('?' * len(ids))})", list(ids)).fetchall()]
            fill = {u.shipment_id: u for u in run.upstream(wanted).values()}
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        summary = {"shipments": run.n_ships, **counts, "parties": run.n_parties, "links": run.n_links,
                   "findings": len(findings), "lists": [{"list": a, "edition": b} for a, b in lists],
                   "generated_at": generated, "schema_version": SCHEMA_VERSION, "with_indicators": with_ind,
                   "traced_to_origin": traced_origin}
        with (tmp / "findings.jsonl").open("w", encoding="utf-8") as fh:
            for f in findings:
                fh.write(json.dumps(asdict(f), ensure_ascii=False, default=str) + "\n")
        report_verdicts = _write_result_json(run, tmp / "result.json", summary, part, fill, findings, mb)
        if html or pdf:
            from laborlens.report import render_html, render_pdf

            page = render_html(_report_result(run, summary, kept if detailed else report_verdicts, findings, mb,
                                              lists, generated))
            if html:
                (tmp / "report.html").write_text(page, encoding="utf-8")
            if pdf:
                render_pdf(page, tmp / "report.pdf")
    out = dict(summary)
    if warnings:
        out["warnings"] = warnings
    return out


class _Rev(str):
    """A string that sorts backwards (a min-heap keeps the largest of the smallest ids)."""

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str.__lt__(self, other)  # type: ignore[operator]


def _write_result_json(run: DuckScreen, path: Path, summary: dict, part: Path, fill: dict[str, Upstream],
                       findings: list[Finding], mb: MassBalanceReport) -> list:
    """``result.json`` as the local engine writes it (the same keys, order and separators), streamed:
    verdicts from the part file, parties and links from DuckDB. Returns the verdicts that were filled."""
    from laborlens.screen.result import Verdict, _link_dict

    filled: list = []

    def dumps(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False, default=str)

    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"schema_version": ' + dumps(summary["schema_version"]) + ', "summary": ' + dumps(summary)
                 + ', "verdicts": [')
        with part.open(encoding="utf-8") as src:
            for i, line in enumerate(src):
                text = line.rstrip("\n")
                if fill:
                    d = json.loads(text)
                    up = fill.get(d["shipment_id"])
                    if up is not None:
                        d["upstream"] = up.count
                        d["upstream_parties"] = [list(x) for x in up.parties[:200]]
                        text = dumps(d)
                        filled.append(Verdict.from_dict(d))
                fh.write((", " if i else "") + text)
        fh.write('], "findings": [')
        fh.write(", ".join(dumps(asdict(f)) for f in findings))
        fh.write('], "parties": {')
        i = 0
        for chunk in run.parties_in_chunks():
            for p in chunk:
                fh.write((", " if i else "") + dumps(p.id) + ": " + dumps(asdict(p)))
                i += 1
        fh.write('}, "links": [')
        i = 0
        for links in run.links_in_chunks():
            for ln in links:
                fh.write((", " if i else "") + dumps(_link_dict(ln)))
                i += 1
        fh.write('], "mass_balance": ' + dumps([asdict(f) for f in mb.flags]) + "}")
    return filled


def _report_result(run: DuckScreen, summary: dict, verdicts: list, findings: list[Finding],
                   mb: MassBalanceReport, lists: list, generated: str) -> Any:
    """The evidence pack's read model. Small runs: the whole result. Large runs: the detailed shipments,
    the parties and links on their paths, and the summary of the whole run."""
    from laborlens.screen.result import ScreenResult

    ids: set[str] = set()
    for v in verdicts:
        ids.update((v.importer_id, v.exporter_id, *v.path, *(h["party_id"] for h in v.tainted)))
        ids.update(g["party_id"] for g in v.gaps)
    small = summary["shipments"] == len(verdicts)
    if small:
        parties = {p.id: p for chunk in run.parties_in_chunks() for p in chunk}
        links = [ln for chunk in run.links_in_chunks() for ln in chunk]
    else:
        parties = {}
        if ids:
            run._put("ll_ids", {"id": np.array(sorted(ids), dtype=object)})
            for r in run.con.execute("SELECT id, name, country, address, name_local, registration_id FROM parties "
                                     "SEMI JOIN ll_ids USING (id) ORDER BY pos").fetchall():
                parties[r[0]] = Party(*r)
        links = [Link(*r) for r in run.con.execute(
            "SELECT supplier_id, buyer_id, material, hts, quantity, unit, date, document FROM links "
            "WHERE buyer_id IN (SELECT id FROM ll_ids) ORDER BY pos").fetchall()] if ids else []
    shipments = [Shipment(v.shipment_id, v.importer_id, v.exporter_id, v.material, v.hts, v.description)
                 for v in verdicts]
    result = ScreenResult(parties, links, shipments, findings, verdicts, [asdict(f) for f in mb.flags],
                          [{"list": a, "edition": b} for a, b in lists], generated)
    if not small:
        whole = dict(summary)
        result.summary = lambda: whole  # type: ignore[method-assign]
        result.counts = lambda: {k: whole[k] for k in ("presumption", "review", "clear")}  # type: ignore[method-assign]
    return result


def default_memory_limit() -> str:
    """Half the machine's memory, at most 8 GB: DuckDB spills to disk past it."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "4GB"
    return f"{max(1, min(8, total // 2**31))}GB"
