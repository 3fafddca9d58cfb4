"""Screening on Spark: the (party, material) graph, upstream propagation and mass balance as DataFrames.

Where the work runs:

- **Inputs** go to Spark once per run as Parquet (links, shipments and the party codes), staged in a
  temporary folder under ``LABORLENS_SPARK_STAGING`` (default: the system's); on a cluster that must be a
  folder every executor reads at the same path (a shared mount). Tables of a few thousand rows
  (vocabularies, seeds) travel inside the plan.
- **The graph** is built in Spark: parties and materials get the local engine's codes (first-seen order;
  only the *distinct* material spellings and units, a few hundred at most, are normalised on the driver),
  nodes are the distinct (party, material) pairs, and edges join each link with its buyer's outputs that
  the link's material can feed (a broadcast join with the material map's relevant pairs).
- **Propagation** is a level-synchronous search as iterative joins until no new node is reached, each node
  keeping the path of its lowest-numbered parent (``min(struct(parent, path))``: the local tie rule, so paths
  are identical). Every search a run needs (by severity, per presumption-level party, untraced tiers, ILAB
  parties, the material-blind graph, upstream summaries) is queued and run *together* in one loop keyed by
  search, so a run costs one round per tier of the deepest chain instead of one per tier per search. Only
  the rows at shipment nodes (forward searches) and the upstream lists of the shipments the outputs detail
  are collected to the driver.
- **Mass balance** is groupBy/agg over links and shipments. Sums are folded in input order
  (``aggregate(array_sort(collect_list(struct(pos, value))))``), the order numpy's ``bincount`` adds in, so
  every figure equals the local engine's to the last bit; only flagged rows are collected.
- **Party findings** score names in Spark partitions with the matcher broadcast to the executors
  (:mod:`laborlens.engines.spark_match`).

Verdicts are assembled by :func:`laborlens.screen.screen_tables` from these results, as for every engine.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from laborlens.engines import Engine
from laborlens.model import Party
from laborlens.trace.graph import Interner, LinkColumns, as_columns
from laborlens.trace.massbalance import MassBalanceFlag, MassBalanceReport, _qty, normalize_unit
from laborlens.trace.materials import MaterialMap
from laborlens.trace.results import TaintHit, TraceResult, Upstream

SMALL_ROWS = 20_000  # up to this many rows a table goes to Spark as a local relation, else as Parquet
log = logging.getLogger(__name__)
MAX_ROUNDS = 10_000  # a safety net: the product graph's longest shortest path is far shorter
UPSTREAM_BATCH = 2000  # up to this many shipments, every upstream summary is found in one batched search

# local mode: few small partitions, adaptive execution; a cluster keeps its own settings
LOCAL_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    "spark.sql.autoBroadcastJoinThreshold": str(64 * 2**20),
    "spark.python.worker.reuse": "true",
    "spark.driver.memory": "2g",
    "spark.sql.execution.arrow.pyspark.enabled": "false",
    # the driver's JIT: C1 only. Runs here are many short jobs; full C2 compilation of Spark's planner costs
    # more than it saves (measured: a cold demo screen 165 s -> 80 s on 2 busy cores)
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseParallelGC",
}


def _F() -> Any:
    from pyspark.sql import functions

    return functions


# -- the engine ------------------------------------------------------------------------------------------------
class SparkEngine(Engine):
    """``screen_tables`` hooks on one Spark session: graph, party findings and mass balance in Spark."""

    name = "spark"

    def __init__(self, spark: Any, own_session: bool = True) -> None:
        self.spark = spark
        self._own = own_session
        # inputs are staged here as Parquet: on a cluster, a folder every executor can read at the same path
        self._tmp = tempfile.TemporaryDirectory(prefix="laborlens-spark-",
                                                dir=os.environ.get("LABORLENS_SPARK_STAGING") or None)
        self._n = 0
        self._links: tuple[LinkColumns, Any] | None = None  # the last upload: columns, DataFrame
        self._ships: tuple[Sequence[Any], Any] | None = None
        self._seen: list | None = None  # (mat, unit, first position) of the uploaded links
        self._codes: tuple[list, list, Any] | None = None  # party ids given, all coded, their table
        self._pending: list[_Search] = []
        self._graphs = 0

    # -- uploads ---------------------------------------------------------------------------------------------
    def put(self, columns: Mapping[str, np.ndarray]) -> Any:
        """Columns to a Parquet file (written by DuckDB: no pandas or pyarrow) read back by Spark."""
        import duckdb

        self._n += 1
        path = os.path.join(self._tmp.name, f"t{self._n}.parquet")
        if "'" in path:
            raise ValueError("a quote in the temporary path")
        con = duckdb.connect()
        con.register("cols", dict(columns))
        con.execute(f"COPY (SELECT * FROM cols) TO '{path}' (FORMAT parquet)")
        con.close()
        return self.spark.read.parquet(path)

    def small(self, columns: Mapping[str, np.ndarray]) -> Any:
        """A table of a few thousand rows at most (vocabularies, seeds): a local relation, no file, no job."""
        from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

        if any(len(v) > SMALL_ROWS for v in columns.values()):
            return self.put(columns)
        kinds = {"b": BooleanType(), "f": DoubleType(), "i": LongType(), "u": LongType()}
        fields, data = [], []
        for k, v in columns.items():
            arr = np.asarray(v)
            fields.append(StructField(k, kinds.get(arr.dtype.kind, StringType()), True))
            data.append(arr.tolist())
        rows = list(zip(*data, strict=True)) if data else []
        return self.spark.createDataFrame(rows, StructType(fields))

    def first_seen(self, cols: LinkColumns, col: str) -> list[Any]:
        """Distinct materials or units of the links in first-seen order: one small aggregation per upload."""
        df = self.links_frame(cols)
        if col == "mat" and self._links is not None and self._links[1] is not df:  # the material-blind copy
            return [""] if len(cols) else []
        if self._seen is None:
            F = _F()
            self._seen = df.groupBy("mat", "unit").agg(F.min("pos").alias("p")).collect()
        first: dict[Any, int] = {}
        for r in self._seen:
            v = r["mat" if col == "mat" else "unit"]
            first[v] = min(first.get(v, r["p"]), r["p"])
        return sorted(first, key=first.__getitem__)

    def links_frame(self, cols: LinkColumns) -> Any:
        """(pos, sup, buy, mat, qty, unit); the same links (by content) are uploaded once per run, and a
        material-blind copy of them reuses the upload."""
        F = _F()
        if self._links is not None:
            old, df = self._links
            if old is cols or (old.supplier_id == cols.supplier_id and old.buyer_id == cols.buyer_id):
                if cols.material is old.material or list(cols.material) == list(old.material):
                    return df
                if not any(cols.material):
                    return df.withColumn("mat", F.lit(""))
        n = len(cols)
        qty = np.full(n, np.nan) if cols.quantity is None else np.asarray(cols.quantity, dtype=float)
        df = self.put({
            "pos": np.arange(n, dtype=np.int64),
            "sup": np.array(cols.supplier_id, dtype=object), "buy": np.array(cols.buyer_id, dtype=object),
            "mat": np.array(["" if m is None else m for m in cols.material], dtype=object),
            "qty": qty, "unit": np.array(cols.unit if cols.unit is not None else [""] * n, dtype=object),
        }).cache()
        self._links = (cols, df)
        self._seen = None
        self._codes = None
        return df

    def ships_frame(self, shipments: Sequence[Any]) -> Any:
        if self._ships is not None and self._ships[0] is shipments:
            return self._ships[1]
        df = self.put({
            "pos": np.arange(len(shipments), dtype=np.int64),
            "exp": np.array([s.exporter_id for s in shipments], dtype=object),
            "mat": np.array([s.material or "" for s in shipments], dtype=object),
            "qty": np.array([np.nan if s.quantity is None else s.quantity for s in shipments], dtype=float),
            "unit": np.array([s.unit or "" for s in shipments], dtype=object),
        })
        self._ships = (shipments, df)
        return df

    def party_codes(self, cols: LinkColumns, parties: Interner) -> tuple[Any, int]:
        """(id, pc) for the party table and any id the links name that it lacks, coded as the local Interner
        codes them (suppliers' column first, then buyers', each in first-seen order; normally none);
        ``parties`` gains those ids. Cached for the uploaded links and the same party table."""
        F = _F()
        links = self.links_frame(cols)
        if self._codes is not None and self._codes[0] == parties.names:
            given, names, df = self._codes
            for x in names[len(given):]:
                parties.add(x)
            return df, len(names)
        n_known = len(parties.names)
        known = self.put({"id": np.array(parties.names, dtype=object), "pc": np.arange(n_known, dtype=np.int64)})
        unknown = (links.select(F.col("sup").alias("id"), F.lit(0).alias("k"), "pos")
                   .unionByName(links.select(F.col("buy").alias("id"), F.lit(1).alias("k"), "pos"))
                   .join(known.select("id"), ["id"], "left_anti")
                   .groupBy("id").agg(F.min(F.struct("k", "pos")).alias("first")).collect())
        given = list(parties.names)
        for r in sorted(unknown, key=lambda r: (r[1][0], r[1][1])):
            parties.add(r[0])
        df = known
        if len(parties.names) > n_known:
            df = known.unionByName(self.put({"id": np.array(parties.names[n_known:], dtype=object),
                                             "pc": np.arange(n_known, len(parties.names), dtype=np.int64)}))
        df = df.cache()
        self._codes = (given, list(parties.names), df)
        return df, len(parties.names)

    # -- Engine hooks -------------------------------------------------------------------------------------------
    def graph(self, party_ids: Iterable[Any], links: Any, shipments: Sequence[Any],
              material_map: Any = None) -> SparkGraph:
        self._graphs += 1
        t0 = time.perf_counter()
        g = SparkGraph(self, self._graphs, party_ids, as_columns(links), shipments,
                       material_map or MaterialMap.default())
        log.info("spark graph %d built: %.1f s", g.gid, time.perf_counter() - t0)
        return g

    def party_findings(self, parties: Sequence[Any], matcher: Any, decisions: Any = None) -> list:
        from laborlens.engines.spark_match import AnsweredMatcher, score_in_spark
        from laborlens.screen.findings import list_findings

        t0 = time.perf_counter()
        rows = sorted({(n, p.country, p.address) for p in parties for n in (p.name, p.name_local)
                       if n and n.strip()})
        answers = score_in_spark(self.spark, matcher, rows)
        log.info("spark party names scored: %d in %.1f s", len(rows), time.perf_counter() - t0)
        answered: Any = AnsweredMatcher(matcher, answers)  # a Matcher to list_findings (duck-typed)
        return list_findings(parties, answered, decisions)

    def mass_balance(self, links: Any, shipments: Sequence[Any], material_map: Any = None,
                     tolerance: float = 0.05) -> MassBalanceReport:
        t0 = time.perf_counter()
        out = spark_mass_balance(self, as_columns(links), shipments, material_map or MaterialMap.default(),
                                 tolerance)
        log.info("spark mass balance: %.1f s", time.perf_counter() - t0)
        return out

    def close(self) -> None:
        if self._links is not None:
            self._links[1].unpersist()
        self._links = self._ships = None
        self._pending = []
        if self._own:
            self.spark.stop()
        self._tmp.cleanup()

    # -- the search loop ------------------------------------------------------------------------------------------
    def queue(self, search: _Search) -> None:
        self._pending.append(search)

    def flush(self) -> None:
        """Run every queued search in one loop of joins (see the module docstring)."""
        pending, self._pending = self._pending, []
        if pending:
            run_searches(self.spark, pending)


# -- vocabularies: the local engine's first-seen codes --------------------------------------------------------
class _Vocab:
    """Normalised materials with the codes :func:`laborlens.trace.graph._material_codes` gives: links'
    spellings in first-seen order, then shipments'."""

    def __init__(self, mmap: MaterialMap) -> None:
        self.mmap = mmap
        self.vocab = Interner()
        self.raw: dict[str, int] = {}

    def add(self, raw: str) -> int:
        c = self.raw.get(raw)
        if c is None:
            c = self.raw[raw] = self.vocab.add(self.mmap.normalize(raw or ""))
        return c

    def frame(self, engine: SparkEngine) -> Any:
        keys = list(self.raw)
        return engine.small({"mat": np.array(keys, dtype=object),
                           "mc": np.array([self.raw[k] for k in keys], dtype=np.int64)})


def _relevant_pairs(engine: SparkEngine, names: list[str], mmap: MaterialMap) -> tuple[Any, np.ndarray]:
    """The material map's (input, output) pairs that can feed, with assumed flag and factor, as a small
    DataFrame; and the assumed matrix for the driver (path flags)."""
    relevant, assumed, factor = mmap.matrices(names)
    i, j = np.nonzero(relevant)
    df = engine.small({"mi": i.astype(np.int64), "mo": j.astype(np.int64), "assumed": assumed[i, j],
                     "factor": factor[i, j].astype(float), "fnan": np.isnan(factor[i, j])})
    return df, assumed


# -- searches ---------------------------------------------------------------------------------------------------
@dataclass(eq=False)
class _Search:
    """One batch of independent searches on one graph: ``seeds`` (q, node) with q unique over the run."""

    graph: SparkGraph
    seeds: Any
    reverse: bool
    keep_paths: bool
    q0: int
    q1: int
    rows: list[tuple] = field(default_factory=list)


_Q = [0]  # search keys, unique within the process (so searches of several graphs share one loop)


def run_searches(spark: Any, searches: list[_Search]) -> None:
    F = _F()
    from pyspark.sql.types import ArrayType, LongType

    edges: dict[int, Any] = {}
    seeds = []
    for s in searches:
        g = s.graph.gid * 2 + (1 if s.reverse else 0)
        e = s.graph.edges
        edges[g] = e.select(F.lit(g).alias("g"), F.col("tgt" if s.reverse else "src").alias("node"),
                            F.col("src" if s.reverse else "tgt").alias("nxt"))
        path = F.array(F.col("node")) if s.keep_paths else F.lit(None).cast(ArrayType(LongType()))
        seeds.append(s.seeds.select("q", F.lit(g).alias("g"), "node", F.lit(0).alias("dist"),
                                    path.alias("path")))
    e_all = _union(list(edges.values())).localCheckpoint(eager=True)
    front = _union(seeds).distinct().localCheckpoint(eager=True)
    seen = [front]
    t0 = time.perf_counter()
    from pyspark.sql import Observation

    for depth in range(1, MAX_ROUNDS):
        visited = _union([x.select("q", "node") for x in seen])
        cand = (front.join(e_all, ["g", "node"])
                .select("q", "g", F.col("nxt").alias("node"),
                        F.struct(F.col("node").alias("parent"), F.col("path").alias("path")).alias("pp"))
                .join(visited, ["q", "node"], "left_anti")
                .groupBy("q", "g", "node").agg(F.min("pp").alias("pp")))  # the lowest-numbered parent
        size = Observation(f"round{depth}")  # counted while the round is materialised: no second job
        front = (cand.select("q", "g", "node", F.lit(depth).alias("dist"),
                             F.concat(F.col("pp.path"), F.array(F.col("node"))).alias("path"))  # null stays null
                 .observe(size, F.count(F.lit(1)).alias("n")).localCheckpoint(eager=True))
        if not size.get["n"]:
            break
        seen.append(front)
    log.info("spark search: %d searches, %d rounds, %.1f s", len(searches), len(seen), time.perf_counter() - t0)
    reached = _union(seen)
    fwd = [s for s in searches if not s.reverse]
    rev = [s for s in searches if s.reverse]
    by_q: dict[int, list[tuple]] = defaultdict(list)
    if fwd:
        ships = _union([s.graph.ship_nodes.select(F.lit(s.graph.gid * 2).alias("g"), "node")
                        for s in {id(s.graph): s for s in fwd}.values()]).distinct()
        for r in reached.join(F.broadcast(ships), ["g", "node"]).select("q", "node", "dist", "path").collect():
            by_q[int(r[0])].append((int(r[1]), int(r[2]), list(r[3]) if r[3] is not None else None))
    if rev:
        fed = _union([s.graph.edges.select(F.lit(s.graph.gid * 2 + 1).alias("g"), F.col("tgt").alias("node"))
                      for s in {id(s.graph): s for s in rev}.values()]).distinct().withColumn("fed", F.lit(True))
        qs = [(s.q0, s.q1) for s in rev]
        cond = None
        for a, b in qs:
            c = (F.col("q") >= a) & (F.col("q") < b)
            cond = c if cond is None else cond | c
        for r in (reached.where(cond).join(fed, ["g", "node"], "left").select("q", "node", "dist", "fed")
                  .collect()):
            by_q[int(r[0])].append((int(r[1]), int(r[2]), bool(r[3])))
    for x in seen:
        x.unpersist()
    e_all.unpersist()
    for s in searches:
        s.rows = [(q, *row) for q in range(s.q0, s.q1) for row in by_q.get(q, ())]


def _union(frames: list[Any]) -> Any:
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f)
    return out


class _LazyTraces(Sequence[TraceResult]):
    """The results of :meth:`SparkGraph.trace`, computed when first read, so that every search queued before
    then runs in the same loop."""

    def __init__(self, graph: SparkGraph, compute: Any) -> None:
        self._graph, self._compute = graph, compute
        self._out: list[TraceResult] | None = None

    def _get(self) -> list[TraceResult]:
        if self._out is None:
            self._graph.engine.flush()
            self._out = self._compute()
        return self._out

    def __getitem__(self, i: Any) -> Any:
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._graph.ship_ids)

    def __iter__(self) -> Iterator[TraceResult]:
        return iter(self._get())


# -- the graph -----------------------------------------------------------------------------------------------------
class SparkGraph:
    """The (party, material) product graph as Spark DataFrames, answering what
    :class:`laborlens.trace.SupplyGraph` answers (``trace``, ``upstream``) with the same results.

    A node is ``party_code * M + material_code`` (M = vocabulary size): the local engine numbers nodes in
    that order, so "lowest-numbered parent" means the same in both. The driver keeps the party ids, the
    vocabulary and one node per shipment; nodes and edges stay in Spark."""

    def __init__(self, engine: SparkEngine, gid: int, party_ids: Iterable[Any], cols: LinkColumns,
                 shipments: Sequence[Any], mmap: MaterialMap) -> None:
        F = _F()
        self.engine, self.gid, self.mmap = engine, gid, mmap
        spark_links = engine.links_frame(cols)
        self.parties = Interner(p.id if isinstance(p, Party) else p for p in party_ids)
        pcodes_df, n_coded = engine.party_codes(cols, self.parties)
        exp = [self.parties.add(s.exporter_id) for s in shipments]  # exporters not seen yet come last
        if len(self.parties.names) > n_coded:
            pcodes_df = pcodes_df.unionByName(engine.small({
                "id": np.array(self.parties.names[n_coded:], dtype=object),
                "pc": np.arange(n_coded, len(self.parties.names), dtype=np.int64)}))
        vocab = _Vocab(mmap)
        for m in engine.first_seen(cols, "mat"):
            vocab.add(m)
        smat = [vocab.add(s.material) for s in shipments]
        self.vocab = vocab.vocab.names
        self.m = m = max(len(self.vocab), 1)
        rel, self._assumed = _relevant_pairs(engine, self.vocab, mmap)
        self._raw = np.array([mmap.is_origin(x) for x in self.vocab], dtype=bool)
        self.ship_ids = [s.id for s in shipments]
        self.ship_node = (np.array(exp, dtype=np.int64) * m + np.array(smat, dtype=np.int64)
                          if shipments else np.empty(0, dtype=np.int64))
        self._ship_index = {s: j for j, s in reversed(list(enumerate(self.ship_ids)))}
        self.link_count = len(cols)

        coded = (spark_links.join(pcodes_df.select(F.col("id").alias("sup"), F.col("pc").alias("sc")), ["sup"])
                 .join(pcodes_df.select(F.col("id").alias("buy"), F.col("pc").alias("bc")), ["buy"])
                 .join(F.broadcast(vocab.frame(engine)), ["mat"])
                 .select("sc", "bc", "mc").distinct()).cache()
        ship_keys = np.unique(self.ship_node)
        self.ship_nodes = engine.small({"node": ship_keys.astype(np.int64)})
        nodes = (coded.select((F.col("sc") * m + F.col("mc")).alias("node"))
                 .unionByName(self.ship_nodes).distinct()
                 .select("node", F.expr(f"node div {m}").alias("party"), (F.col("node") % m).alias("mo")))
        self.nodes = nodes.cache()
        # each link fans out to every output of its buyer that its material can feed
        self.edges = (coded.join(self.nodes.select(F.col("party").alias("bc"), F.col("node").alias("tgt"), "mo"),
                                 ["bc"])
                      .join(F.broadcast(rel.select(F.col("mi").alias("mc"), "mo")), ["mc", "mo"])
                      .select((F.col("sc") * m + F.col("mc")).alias("src"), "tgt"))  # materialised per search loop
        self._upstream: dict[int, list[tuple[int, int, bool]]] = {}
        self._up_search: _Search | None = None

    # -- seeds and searches ----------------------------------------------------------------------------------------
    def _party_seeds(self, keys: Mapping[int, int]) -> tuple[Any, int, int]:
        """Seeds (q, node): every node of each party code in ``keys`` (party code -> search index)."""
        F = _F()
        q0 = _Q[0]
        _Q[0] += (max(keys.values()) + 1) if keys else 0
        codes = np.array(list(keys), dtype=np.int64)
        qs = np.array([q0 + keys[int(c)] for c in codes], dtype=np.int64)
        tab = self.engine.small({"party": codes, "q": qs})
        seeds = self.nodes.join(F.broadcast(tab), ["party"]).select("q", "node")
        return seeds, q0, _Q[0]

    def trace(self, party_severity: Mapping[str, int], *, detail: bool = True) -> Sequence[TraceResult]:
        sev: dict[int, int] = {}
        for pid, s in party_severity.items():
            i = self.parties.index.get(pid)
            if i is not None and int(s) > 0:
                sev[i] = max(sev.get(i, 0), int(s))
        if detail:  # one search per tainted party
            tainted = sorted(sev)
            keys = {p: k for k, p in enumerate(tainted)}
        else:  # one multi-source search per severity level
            levels = sorted(set(sev.values()), reverse=True)
            keys = {p: levels.index(s) for p, s in sev.items()}
        search: _Search | None = None
        if keys:
            seeds, q0, q1 = self._party_seeds(keys)
            search = _Search(self, seeds, False, True, q0, q1)
            self.engine.queue(search)

        def compute() -> list[TraceResult]:
            rows = search.rows if search is not None else []
            hits = self._hits_by_party(rows, sev, search) if detail else self._hits_by_level(rows, sev, search)
            return self._results(hits, detail)

        return _LazyTraces(self, compute)

    def _hit(self, path: list[int], severity: int) -> TaintHit:
        m, names, vocab = self.m, self.parties.names, self.vocab
        prow = [k // m for k in path]
        mrow = [k % m for k in path]
        assumed = tuple((vocab[mrow[i]], vocab[mrow[i + 1]]) for i in range(len(path) - 1)
                        if self._assumed[mrow[i], mrow[i + 1]])
        return TaintHit(names[prow[0]], severity, len(path), tuple(names[p] for p in prow),
                        tuple(vocab[x] for x in mrow), assumed)

    def _hits_by_party(self, rows: list[tuple], sev: dict[int, int], search: _Search | None
                       ) -> dict[int, list[TaintHit]]:
        hits: dict[int, list[TaintHit]] = {}
        for _q, node, _dist, path in sorted(rows, key=lambda r: (r[0], r[1])):
            p = path[0] // self.m
            hits.setdefault(node, []).append(self._hit(path, sev[p]))
        return hits

    def _hits_by_level(self, rows: list[tuple], sev: dict[int, int], search: _Search | None
                       ) -> dict[int, list[TaintHit]]:
        levels = sorted(set(sev.values()), reverse=True)
        hits: dict[int, list[TaintHit]] = {}
        for q, node, _dist, path in sorted(rows, key=lambda r: (r[0], r[1])):
            if node in hits:  # a shipment node takes the worst level that reaches it
                continue
            assert search is not None
            hits[node] = [self._hit(path, levels[q - search.q0])]
        return hits

    def _results(self, hits: dict[int, list[TaintHit]], detail: bool) -> list[TraceResult]:
        order = self.parties.index

        def rank(h: TaintHit) -> tuple[int, int, bool, int]:
            return (-h.severity, h.tier, h.assumed, order[h.party_id])
        ranked = {node: tuple(sorted(found, key=rank)) for node, found in hits.items()}
        names, vocab, m = self.parties.names, self.vocab, self.m
        out = []
        for sid, node in zip(self.ship_ids, self.ship_node.tolist(), strict=True):
            found = ranked.get(node, ())
            out.append(TraceResult(sid, names[node // m], vocab[node % m], found[0] if found else None,
                                   found if detail else ()))
        return out

    # -- upstream summaries ----------------------------------------------------------------------------------------
    def prefetch_upstream(self, shipment_ids: Iterable[str]) -> None:
        """One reverse search for every shipment asked (the ones the outputs detail), before they are read."""
        nodes = sorted({int(self.ship_node[self._ship_index[s]]) for s in shipment_ids} - set(self._upstream))
        if not nodes:
            return
        q0 = _Q[0]
        _Q[0] += len(nodes)
        keys = np.array(nodes, dtype=np.int64)
        seeds = self.engine.small({"q": np.arange(q0, q0 + len(nodes), dtype=np.int64), "node": keys})
        search = _Search(self, seeds, True, False, q0, _Q[0])
        self.engine.queue(search)
        self.engine.flush()
        found: dict[int, list[tuple[int, int, bool]]] = {int(n): [] for n in nodes}
        for q, node, dist, fed in search.rows:
            found[nodes[q - q0]].append((dist, node, fed))
        for k, v in found.items():
            self._upstream[k] = sorted(v)

    def upstream(self, shipment_id: str) -> Upstream:
        node = int(self.ship_node[self._ship_index[shipment_id]])
        if node not in self._upstream:
            self.prefetch_upstream(self.ship_ids if len(self.ship_ids) <= UPSTREAM_BATCH else [shipment_id])
        touched = self._upstream[node]
        m, names, vocab = self.m, self.parties.names, self.vocab
        exporter = node // m
        best: dict[int, int] = {}
        for dist, n, _fed in touched:  # BFS order: level, then node number, as the local search lists them
            p = n // m
            if p != exporter and p not in best:
                best[p] = dist + 1
        untraced = tuple((names[n // m], vocab[n % m], dist + 1) for dist, n, fed in touched
                         if not fed and not self._raw[n % m])
        return Upstream(shipment_id, tuple((names[p], t) for p, t in best.items()), untraced)

    def upstream_parties(self, shipment_id: str) -> int:
        return self.upstream(shipment_id).count


# -- mass balance ---------------------------------------------------------------------------------------------------
def _fold(value: str, order: Sequence[str]) -> Any:
    """Sum of ``value`` over a group, added in ``order`` (as numpy's bincount adds: left to right)."""
    F = _F()
    items = F.array_sort(F.collect_list(F.struct(*[F.col(c) for c in order], F.col(value).alias("_v"))))
    return F.aggregate(items, F.lit(0.0).cast("double"), lambda acc, x: acc + x["_v"])


def spark_mass_balance(engine: SparkEngine, cols: LinkColumns, shipments: Sequence[Any], mmap: MaterialMap,
                       tolerance: float = 0.05) -> MassBalanceReport:
    """:func:`laborlens.trace.massbalance.mass_balance` (without declared own production) as Spark
    aggregations, with the same flags, texts and notes in the same order."""
    F = _F()
    T = [time.perf_counter()]

    def tick(what: str) -> None:
        now = time.perf_counter()
        log.debug("mass balance %s: %.2f s", what, now - T[0])
        T[0] = now
    links = engine.links_frame(cols)
    ships = engine.ships_frame(shipments)
    tick("upload")
    n = len(cols)
    vocab = _Vocab(mmap)
    for m in engine.first_seen(cols, "mat"):
        vocab.add(m)
    for s in shipments:
        vocab.add(s.material or "")
    units = Interner()
    umap: dict[str, tuple[int, float]] = {}
    for u in [*engine.first_seen(cols, "unit"), *(s.unit or "" for s in shipments)]:
        if u not in umap:
            canon, mult = normalize_unit(u or "")
            umap[u] = (units.add(canon), mult)
    tick("first seen")
    ukeys = list(umap)
    utab = F.broadcast(engine.small({"unit": np.array(ukeys, dtype=object),
                                   "uc": np.array([umap[u][0] for u in ukeys], dtype=np.int64),
                                   "mult": np.array([umap[u][1] for u in ukeys], dtype=float)}))
    mtab = F.broadcast(vocab.frame(engine))
    mats, unames = vocab.vocab.names, units.names
    rel, _assumed = _relevant_pairs(engine, mats, mmap)

    def coded(df: Any, party: str, offset: int) -> Any:
        missing = F.col("qty").isNull() | F.isnan("qty")
        return (df.join(mtab, ["mat"]).join(utab, ["unit"])
                .select(F.col(party).alias("p"), "mc", "uc", (F.col("pos") + offset).alias("o"),
                        F.when(missing, F.lit(None)).otherwise(F.col("qty") * F.col("mult")).alias("v")))

    out_rows = coded(links, "sup", 0).unionByName(coded(ships, "exp", n)).where(F.col("v").isNotNull())
    outs = out_rows.groupBy("p", F.col("mc").alias("mo"), F.col("uc").alias("go")).agg(
        _fold("v", ["o"]).alias("out_sum"))
    inb = coded(links, "buy", 0)
    ins = (inb.where(F.col("v").isNotNull()).groupBy("p", F.col("mc").alias("mi"), F.col("uc").alias("gi"))
           .agg(_fold("v", ["o"]).alias("in_sum")))
    miss = inb.where(F.col("v").isNull()).select("p", F.col("mc").alias("mi")).distinct()
    has_inputs = links.select(F.col("buy").alias("p")).distinct().withColumn("assessed", F.lit(True))

    j = (outs.join(ins, ["p"]).join(F.broadcast(rel), ["mi", "mo"])
         .withColumn("same", F.col("gi") == F.col("go"))
         .withColumn("f", F.when(F.col("assumed"), F.lit(1.0)).otherwise(F.col("factor")))
         .withColumn("fnan", ~F.col("assumed") & F.col("fnan"))
         .withColumn("usable", F.col("same") & ~F.col("fnan"))
         .withColumn("contrib", F.when(F.col("usable"), F.col("in_sum") * F.col("f")).otherwise(F.lit(0.0))))
    agg = j.groupBy("p", "mo", "go").agg(
        _fold("contrib", ["mi", "gi"]).alias("in_eq"),
        F.max(~F.col("same")).alias("b_units"),
        F.max(F.col("same") & F.col("fnan")).alias("b_conv"),
        F.max(F.col("usable") & F.col("assumed")).alias("used_assumed"),
        F.array_sort(F.collect_list(F.when(F.col("usable"), F.struct("mi", "gi", "in_sum", "f")))).alias("basis"))
    b_miss = (outs.select("p", "mo").join(miss, ["p"]).join(F.broadcast(rel.select("mi", "mo")), ["mi", "mo"])
              .select("p", "mo").distinct().withColumn("b_miss", F.lit(True)))
    res = (outs.join(agg, ["p", "mo", "go"], "left").join(b_miss, ["p", "mo"], "left")
           .join(has_inputs, ["p"], "left")
           .select("p", "mo", "go", "out_sum", F.coalesce("in_eq", F.lit(0.0)).alias("in_eq"),
                   F.coalesce("b_units", F.lit(False)).alias("b_units"),
                   F.coalesce("b_conv", F.lit(False)).alias("b_conv"),
                   F.coalesce("b_miss", F.lit(False)).alias("b_miss"),
                   F.coalesce("used_assumed", F.lit(False)).alias("used_assumed"),
                   "basis",
                   F.coalesce("assessed", F.lit(False)).alias("assessed")))
    res = res.withColumn("over", F.col("out_sum") > F.col("in_eq") * F.lit(1.0 + tolerance) + F.lit(1e-9))
    # one job: the rows to report, and one more row counting the parties not assessed
    flagged = res.where(F.col("over") & F.col("assessed")).select(
        F.lit(0).alias("kind"), "p", "mo", "go", "out_sum", "in_eq", "b_units", "b_conv", "b_miss", "used_assumed",
        "basis")
    not_assessed = (res.where(~F.col("assessed")).select("p").distinct()
                    .agg(F.count(F.lit(1)).alias("mo")).select(F.lit(1).alias("kind"), "mo"))
    got = flagged.unionByName(not_assessed, allowMissingColumns=True).collect()
    tick("aggregate")
    skipped = next(int(r["mo"]) for r in got if r["kind"] == 1)
    rows = [r for r in got if r["kind"] == 0]
    # parties in the local interner's order (first seen as a supplier, then as a buyer, then as exporter),
    # read off the input columns for the reported parties only
    wanted, first = {r["p"] for r in rows}, dict[str, int]()
    for column in (cols.supplier_id, cols.buyer_id, [x.exporter_id for x in shipments]):
        for x in column:
            if x in wanted and x not in first:
                first[x] = len(first)
    rows.sort(key=lambda r: (first[r["p"]], r["mo"], r["go"]))
    report = MassBalanceReport()
    for r in rows:
        _k, pid, mo, go, out_sum, in_eq, b_units, b_conv, b_miss, used_assumed, basis = r
        if b_units or b_conv or b_miss:
            continue
        unit = unames[go] or "(no unit)"
        ratio = float(out_sum / in_eq) if in_eq > 0 else float("inf")
        detail = [f"{_qty(b[2])} {unames[b[1]]} {mats[b[0]]} x {b[3]:.4g}" for b in basis or ()]
        text = (f"{pid} ships {_qty(out_sum)} {unit} of {mats[mo]} but its recorded inputs "
                f"support at most {_qty(in_eq)} {unit} ({'; '.join(detail) or 'no recorded input that can feed it'}); "
                f"{f'{(ratio - 1) * 100:.0f}% over' if np.isfinite(ratio) else 'nothing explains it'}, "
                f"tolerance {tolerance:.0%}")
        if used_assumed:
            text += "; a material not in the input map was assumed to convert 1:1"
        report.flags.append(MassBalanceFlag(pid, mats[mo], float(in_eq), float(out_sum), ratio, text, unit))
    for r in rows:
        _k, pid, mo, go, _o, _i, b_units, b_conv, b_miss, _u, _b = r
        if not (b_units or b_conv or b_miss):
            continue
        why = [w for w, b in (("inputs in an incompatible unit", b_units),
                              ("inputs whose mass is not comparable with the output", b_conv),
                              ("inputs without quantities", b_miss)) if b]
        report.notes.append(f"{pid} {mats[mo]} ({unames[go] or 'no unit'}): not concluded, {' and '.join(why)}")
    if skipped:
        report.notes.append(f"{skipped} part{'y' if skipped == 1 else 'ies'} with outbound quantities but no "
                            "inbound link not assessed (raw producers, or inputs untraced)")
    return report
