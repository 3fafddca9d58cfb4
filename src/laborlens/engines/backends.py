"""SQL backends for the join engine: DuckDB (one machine, spills to disk) and Spark (local or a cluster).

Both run the same statements (:mod:`laborlens.engines.joins`); the few functions whose names differ are
in :attr:`Backend.dialect`. Tables are built from numpy columns and materialised between iterations (a
DuckDB temp table; a Spark DataFrame checkpointed locally so that the plan does not grow per iteration).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Backend(Protocol):
    name: str
    dialect: dict[str, str]

    def put(self, name: str, columns: dict[str, np.ndarray]) -> None: ...

    def create(self, name: str, sql: str, count: bool = True) -> int: ...

    def view(self, name: str, sql: str) -> None: ...

    def append(self, name: str, source: str) -> None: ...

    def rows(self, sql: str) -> list[tuple]: ...

    def drop(self, *names: str) -> None: ...

    def close(self) -> None: ...


class DuckBackend:
    """DuckDB in this process, with a memory limit and a spill folder: joins larger than memory go to disk."""

    name = "duckdb"
    dialect = {"path1": "[{x}]"}

    def __init__(self, memory_limit: str = "4GB", threads: int = 0, temp_dir: str | None = None) -> None:
        import duckdb

        self.con = duckdb.connect()
        self._views: set[str] = set()
        self.con.execute(f"SET memory_limit='{_plain(memory_limit)}'")
        self.con.execute(f"SET temp_directory='{_plain(temp_dir or tempfile.gettempdir())}'")
        self.con.execute("SET preserve_insertion_order=false")
        if threads:
            self.con.execute(f"SET threads={int(threads)}")

    def put(self, name: str, columns: dict[str, np.ndarray]) -> None:
        self.con.register(f"_{name}_np", {k: np.asarray(v) for k, v in columns.items()})
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _{name}_np")
        self.con.unregister(f"_{name}_np")

    def create(self, name: str, sql: str, count: bool = True) -> int:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        if not count:
            return -1
        row = self.con.execute(f"SELECT count(*) FROM {name}").fetchone()
        return int(row[0]) if row else 0

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        self._views.add(name)

    def append(self, name: str, source: str) -> None:
        self.con.execute(f"INSERT INTO {name} SELECT * FROM {source}")

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def drop(self, *names: str) -> None:
        for n in names:
            kind = "VIEW" if n in self._views else "TABLE"
            self._views.discard(n)
            self.con.execute(f"DROP {kind} IF EXISTS {n}")

    def close(self) -> None:
        self.con.close()


class SparkBackend:
    """Spark SQL on a session (local mode unless ``master`` names a cluster, see the README)."""

    name = "spark"
    dialect = {"path1": "array({x})"}

    def __init__(self, master: str | None = None, conf: dict[str, str] | None = None) -> None:
        self.spark = spark_session(master, conf)
        self._frames: dict[str, Any] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="laborlens-spark-")

    def put(self, name: str, columns: dict[str, np.ndarray]) -> None:
        """Columns go to Spark as a Parquet file written by DuckDB (no pandas/pyarrow needed); on a
        cluster, set ``spark.local.dir``-style shared storage or run the driver where executors read."""
        import duckdb

        path = os.path.join(self._tmp.name, f"{name}.parquet")
        con = duckdb.connect()
        con.register("cols", {k: np.asarray(v) for k, v in columns.items()})
        con.execute(f"COPY (SELECT * FROM cols) TO '{_plain(path)}' (FORMAT parquet)")
        con.close()
        self._register(name, self.spark.read.parquet(path))

    def _register(self, name: str, df: Any) -> None:
        old = self._frames.pop(name, None)
        df = df.localCheckpoint(eager=True)  # cut the lineage: iterations must not grow the plan
        df.createOrReplaceTempView(name)
        self._frames[name] = df
        if old is not None:
            old.unpersist()

    def create(self, name: str, sql: str, count: bool = True) -> int:
        self._register(name, self.spark.sql(sql))
        return int(self._frames[name].count()) if count else -1

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)  # lazy: computed where it is used

    def append(self, name: str, source: str) -> None:
        # a union of checkpointed frames: the plan grows by one union per round, not by the whole history
        df = self._frames[name].unionByName(self._frames[source])
        df.createOrReplaceTempView(name)
        self._frames[name] = df

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def drop(self, *names: str) -> None:
        for n in names:
            df = self._frames.pop(n, None)
            if df is not None:
                df.unpersist()
            self.spark.catalog.dropTempView(n)

    def close(self) -> None:
        self.spark.stop()
        self._tmp.cleanup()


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """A Spark session: ``local[*]`` by default, else ``master`` (``spark://host:7077``, ``yarn``,
    ``k8s://…``). Needs the ``spark`` extra (pyspark) and Java 17."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        from laborlens.errors import LaborlensError

        raise LaborlensError("the Spark engine needs pyspark: pip install 'laborlens[spark]'") from None
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON") or __import__("sys").executable)
    master = master or os.environ.get("LABORLENS_SPARK_MASTER") or "local[*]"
    local = master.startswith("local")
    b = (SparkSession.builder.master(master)
         .appName("laborlens")
         # local mode: few, small partitions (a cluster keeps Spark's default and adaptive coalescing)
         .config("spark.sql.shuffle.partitions", "4" if local else "200")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         )
    if local:
        b = b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    for k, v in (conf or {}).items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _plain(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ValueError(f"unsafe setting value {value!r}")
    return value


def as_int64(values: Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)
