"""Bulk matching: stream a queries file in chunks through the same :class:`Matcher` on every core.

Engines differ only in how rows move: ``local`` streams CSV rows through a process pool; ``duckdb`` lets
DuckDB read the file, score each distinct (name, country) once and join the answers back (manifests repeat
names a lot); ``spark`` runs the same pure scorer inside Spark partitions (needs the ``spark`` extra).
"""

from __future__ import annotations

import csv
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

from laborlens import csvout
from laborlens.errors import InputError
from laborlens.match.matcher import Matcher

OUT_COLUMNS = ["id", "entity_id", "entity_name", "list", "score", "decision", "explanation"]
CHUNK = 2000
COUNT_EVERY = 50  # rows between count reports of best_many (a report costs microseconds, a name ~1-10 ms)
# Distinct (name, country, address) answers the local engine remembers, in the main process, so a name that
# repeats is scored once: a few hundred bytes each (most answers are a short "clear"), ~100 MiB at most.
MEMO_ROWS = 250_000

_worker_matcher: Matcher | None = None


def _init(matcher: Matcher) -> None:
    global _worker_matcher
    _worker_matcher = matcher


def _score_chunk(rows: list[tuple[str, str, str, str]]) -> list[list[str]]:
    assert _worker_matcher is not None
    return [_row(_worker_matcher, *r) for r in rows]


def _tails_chunk(keys: list[tuple[str, str, str]]) -> list[list[str]]:
    assert _worker_matcher is not None
    return [_tail(_worker_matcher, *k, remember=False) for k in keys]


def _best_chunk(rows: list[tuple[str, str, str]]) -> list:
    assert _worker_matcher is not None
    return [_worker_matcher.best(*r) for r in rows]


def best_many(matcher: Matcher, rows: list[tuple[str, str, str]], workers: int = 0,
              parallel_from: int = 20_000, on_count: Callable[[int, int], None] | None = None) -> list:
    """``matcher.best`` for many (name, country, address) rows, on every core when there are many.
    ``on_count(done, total)`` hears how many rows are answered, every few hundred rows and at the end."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(rows) < parallel_from:
        if on_count is None:
            return [matcher.best(*r) for r in rows]
        out = []
        for i, r in enumerate(rows):
            if i % COUNT_EVERY == 0:
                on_count(i, len(rows))
            out.append(matcher.best(*r))
        on_count(len(rows), len(rows))
        return out
    out = []
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(matcher,)) as pool:
        for chunk in pool.map(_best_chunk, list(_chunks(rows, CHUNK))):
            out.extend(chunk)
            if on_count is not None:
                on_count(len(out), len(rows))
    return out


def _row(m: Matcher, qid: str, name: str, country: str, address: str) -> list[str]:
    return [qid, *_tail(m, name, country, address)]


def _tail(m: Matcher, name: str, country: str, address: str, remember: bool = True) -> list[str]:
    """The output columns after ``id`` for one (name, country, address); ``remember=False`` where the caller
    remembers answers itself (the matcher's own memo would only hold memory)."""
    r = m.best(name, country, address) if remember else m.match(name, country, address, top=1)[0]
    return [r.entity_id, r.entity_name, r.list_name, f"{r.score:.4f}", r.decision, r.explanation()]


class _Answers:
    """Bounded memory of answers per distinct (name, country, address), least recently used dropped first."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._d: dict[tuple[str, str, str], list[str]] = {}

    def __contains__(self, key: tuple[str, str, str]) -> bool:
        return key in self._d

    def get(self, key: tuple[str, str, str]) -> list[str] | None:
        hit = self._d.pop(key, None)
        if hit is not None:
            self._d[key] = hit
        return hit

    def put(self, key: tuple[str, str, str], tail: list[str]) -> None:
        if self.cap <= 0:
            return
        self._d[key] = tail
        if len(self._d) > self.cap:
            del self._d[next(iter(self._d))]


def read_queries(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """Yield (id, name, country, address) rows; bad rows raise InputError naming file, row and column."""
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    with fh:
        reader = csv.DictReader(fh)
        cols = [c.strip().lower() for c in (reader.fieldnames or [])]
        for need in ("id", "name"):
            if need not in cols:
                raise InputError(f"missing required column '{need}' (columns: {', '.join(cols)})",
                                 file=str(path), row=1, column=need)
        reader.fieldnames = cols
        for n, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise InputError("empty name", file=str(path), row=n, column="name")
            yield ((row.get("id") or "").strip(), name, (row.get("country") or "").strip(),
                   (row.get("address") or "").strip())


def _chunks(it: Iterable, size: int) -> Iterator[list]:
    it = iter(it)
    while chunk := list(islice(it, size)):
        yield chunk


def count_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(1 for _ in fh) - 1)


def match_file(matcher: Matcher, queries: Path, out: Path, engine: str = "local", workers: int = 0,
               progress: Callable[[int], None] | None = None, memo: int = MEMO_ROWS) -> dict[str, int]:
    """Match every row of ``queries`` and write ``out`` (columns per the DESIGN contract). Returns counts
    per decision. Writes to a temporary file first so a failure leaves no half-written output. The local
    engine scores each distinct (name, country, address) once while ``memo`` answers are remembered."""
    workers = workers or os.cpu_count() or 1
    tmp = out.with_name(out.name + ".partial")
    counts = {"match": 0, "review": 0, "clear": 0}
    rows_in = read_queries(queries)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            w = csvout.writer(fh, numeric=(4,))  # neutralises formulas; score (column 4) is a number
            w.writerow(OUT_COLUMNS)
            if engine == "local":
                results = _local(matcher, rows_in, workers, memo)
            elif engine == "duckdb":
                results = _duckdb(matcher, queries, workers)
            elif engine == "spark":
                results = _spark(matcher, queries)
            else:
                raise InputError(f"unknown engine {engine!r}; use local, duckdb or spark")
            for chunk in results:
                w.writerows(chunk)
                for r in chunk:
                    counts[r[5]] += 1
                if progress:
                    progress(len(chunk))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _local(matcher: Matcher, rows: Iterable, workers: int, memo: int = MEMO_ROWS) -> Iterator[list[list[str]]]:
    """Rows in input order. Each distinct (name, country, address) is scored once while its answer is
    remembered (``memo`` answers, in this process); only names not yet answered go to the workers."""
    answers = _Answers(memo)

    def settle(chunk: list, keys: list, fut) -> list[list[str]]:
        if fut is not None:
            for key, tail in zip(keys, fut.result(), strict=True):
                answers.put(key, tail)
                inflight.discard(key)
        out = []
        for qid, name, country, address in chunk:
            key = (name, country, address)
            tail = answers.get(key)
            if tail is None:  # not remembered (memo off, or dropped meanwhile): score it here
                tail = _tail(matcher, name, country, address, remember=False)
                answers.put(key, tail)
            out.append([qid, *tail])
        return out

    inflight: set[tuple[str, str, str]] = set()
    if memo <= 0 and workers > 1:  # nothing remembered: every row goes to a worker as it is
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(matcher,)) as pool:
            futs: deque = deque()
            for chunk in _chunks(rows, CHUNK):
                futs.append(pool.submit(_score_chunk, chunk))
                if len(futs) >= workers * 2:
                    yield futs.popleft().result()
            while futs:
                yield futs.popleft().result()
        return
    if workers <= 1:
        for chunk in _chunks(rows, CHUNK):
            yield settle(chunk, [], None)
        return
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(matcher,)) as pool:
        # Bounded look-ahead keeps memory flat however large the input.
        pending: deque = deque()
        for chunk in _chunks(rows, CHUNK):
            keys = []
            for r in chunk:
                key = (r[1], r[2], r[3])
                if key not in answers and key not in inflight:
                    inflight.add(key)
                    keys.append(key)
            pending.append((chunk, keys, pool.submit(_tails_chunk, keys) if keys else None))
            if len(pending) >= workers * 2:
                yield settle(*pending.popleft())
        while pending:
            yield settle(*pending.popleft())


def _duckdb(matcher: Matcher, queries: Path, workers: int) -> Iterator[list[list[str]]]:
    """DuckDB reads the file and finds the distinct (name, country, address) triples; each is scored once;
    the answers go to a spill file and are joined back in input order. Memory stays bounded (DuckDB spills
    to disk past its limit) however large the input."""
    import tempfile

    try:
        import duckdb
    except ImportError:
        raise InputError("the duckdb engine needs DuckDB: pip install 'laborlens[duckdb]'") from None

    for _ in read_queries(queries):  # same validation (and messages) as the local engine, streamed
        pass
    with tempfile.TemporaryDirectory(prefix="laborlens-duckdb-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "queries.duckdb"))  # on disk: bounded memory
        con.execute("SET memory_limit = '512MB'")
        con.execute(f"SET temp_directory = '{Path(tmp) / 'spill'}'")
        con.execute("CREATE TABLE q AS SELECT row_number() OVER () AS rn, * FROM "
                    "read_csv(?, header = true, all_varchar = true)", [str(queries)])
        cols = {c[0].lower() for c in con.execute("DESCRIBE q").fetchall()}
        country = "coalesce(country, '')" if "country" in cols else "''"
        address = "coalesce(address, '')" if "address" in cols else "''"
        answers = Path(tmp) / "answers.csv"
        cur = con.cursor()
        cur.execute(f"SELECT DISTINCT trim(name), {country}, {address} FROM q")
        with answers.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["name", "country", "address", *OUT_COLUMNS[1:]])

            def distinct_rows() -> Iterator[tuple[str, str, str, str]]:
                while batch := cur.fetchmany(CHUNK):
                    for n, c, a in batch:
                        yield (f"{n}\x1f{c}\x1f{a}", n, c, a)

            for chunk in _local(matcher, distinct_rows(), workers, memo=0):  # distinct already
                w.writerows([*r[0].split("\x1f"), *r[1:]] for r in chunk)
        out = con.execute(
            f"SELECT coalesce(q.id, ''), a.entity_id, a.entity_name, a.list, a.score, a.decision, a.explanation "
            f"FROM q JOIN read_csv(?, header = true, all_varchar = true, quote = '\"', escape = '\"') a "
            f"ON trim(q.name) = a.name AND {country.replace('country', 'q.country')} = coalesce(a.country, '') "
            f"AND {address.replace('address', 'q.address')} = coalesce(a.address, '') ORDER BY q.rn",
            [str(answers)])
        while rows := out.fetchmany(CHUNK):
            yield [["" if v is None else v for v in r] for r in rows]
        con.close()


def _spark(matcher: Matcher, queries: Path) -> Iterator[list[list[str]]]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("the spark engine needs PySpark: pip install 'laborlens[spark]'") from None
    import sys

    for _ in read_queries(queries):  # same validation (and messages) as the local engine, streamed
        pass
    # Spark's Python workers must run this interpreter (the one with laborlens installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[2]").appName("laborlens-match")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.read.csv(str(queries), header=True)
        bc = spark.sparkContext.broadcast(matcher)
        cols = [c.lower() for c in df.columns]
        df = df.toDF(*cols)

        def part(rows):
            m = bc.value
            for r in rows:
                d = r.asDict()
                yield _row(m, d.get("id") or "", (d.get("name") or "").strip(), d.get("country") or "",
                           d.get("address") or "")

        yield from _chunks(df.rdd.mapPartitions(part).toLocalIterator(), CHUNK)
    finally:
        spark.stop()
