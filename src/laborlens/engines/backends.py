"""The SQL backend for the join engine on tables already in memory (DuckDB: one machine, spills to disk),
and the Spark session the Spark engine (:mod:`laborlens.engines.spark_screen`) runs on.

The join engine's statements are in :mod:`laborlens.engines.joins`; the few functions whose names differ
between SQL dialects are in :attr:`Backend.dialect`. Tables are built from numpy columns and materialised
between iterations (a DuckDB temp table), so that the plan does not grow per iteration.
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
