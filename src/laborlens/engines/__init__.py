"""Screening engines: the same scorer and the same verdict rules, different executors.

``local`` is :func:`laborlens.screen.screen_tables` as it is (numpy BFS, process pool for names).
``duckdb`` runs upstream propagation as iterative joins (:mod:`laborlens.engines.joins`); ``spark`` builds
the graph, propagates and balances volumes in Spark DataFrames and scores party names in Spark partitions
with the matcher broadcast to the executors (:mod:`laborlens.engines.spark_screen`). Verdicts
are always assembled by the screen package, so every engine gives the local engine's verdicts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from laborlens.errors import InputError

ENGINES = ("local", "duckdb", "spark")


class Engine:
    """Hooks :func:`laborlens.screen.screen_tables` calls: ``graph`` (build the supply graph),
    ``party_findings`` (list matches) and ``mass_balance`` (volume reconciliation); this base class runs each
    locally."""

    name = "local"

    def graph(self, party_ids: Iterable[Any], links: Any, shipments: Sequence[Any], material_map: Any = None):
        from laborlens.trace.graph import SupplyGraph

        return SupplyGraph.build(party_ids, links, shipments, material_map)

    def party_findings(self, parties: Sequence[Any], matcher: Any, decisions: Any = None) -> list:
        from laborlens.screen.findings import list_findings

        return list_findings(parties, matcher, decisions)

    def mass_balance(self, links: Any, shipments: Sequence[Any], material_map: Any = None) -> Any:
        from laborlens.trace import mass_balance

        return mass_balance(links, shipments, material_map=material_map)

    def close(self) -> None:
        pass


class JoinEngine(Engine):
    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.name = backend.name

    def graph(self, party_ids: Iterable[Any], links: Any, shipments: Sequence[Any], material_map: Any = None):
        from laborlens.engines.joins import JoinGraph

        return JoinGraph.from_graph(super().graph(party_ids, links, shipments, material_map), self.backend)

    def close(self) -> None:
        self.backend.close()


class DuckEngine(JoinEngine):
    """``screen_tables`` with the searches in DuckDB (tables already in memory), and ``screen_folder``: the
    whole screening of a folder inside DuckDB (:mod:`laborlens.engines.duck_screen`), for files larger than
    memory: what ``screen --engine duckdb`` runs."""

    def __init__(self, backend: Any, memory_limit: str = "4GB", temp_dir: str | None = None,
                 threads: int = 0) -> None:
        super().__init__(backend)
        self.memory_limit, self.temp_dir, self.threads = memory_limit, temp_dir, threads

    def screen_folder(self, data_dir: Any, out_dir: Any, matcher: Any, decisions: Any = None,
                      material_map: Any = None, options: dict | None = None, progress: Any = None,
                      html: bool = True, pdf: bool = False, limits: Any = None) -> dict:
        from laborlens.engines.duck_screen import screen_folder

        if limits is None and options and options.get("settings") is not None:
            from laborlens.ingest.limits import Limits

            limits = Limits.from_settings(options["settings"])
        return screen_folder(data_dir, out_dir, matcher, decisions, material_map, options, progress,
                             self.memory_limit, self.temp_dir, self.threads, limits, html, pdf)


def get_engine(name: str, *, spark_master: str | None = None, spark_conf: dict[str, str] | None = None,
               memory_limit: str | None = None, temp_dir: str | None = None, threads: int = 0) -> Engine:
    if name == "local":
        return Engine()
    if name == "duckdb":
        from laborlens.engines.backends import DuckBackend
        from laborlens.engines.duck_screen import default_memory_limit

        limit = memory_limit or os.environ.get("LABORLENS_DUCKDB_MEMORY") or default_memory_limit()
        tmp = temp_dir or os.environ.get("LABORLENS_DUCKDB_TEMP") or None
        return DuckEngine(DuckBackend(memory_limit=limit, temp_dir=tmp), limit, tmp, threads)
    if name == "spark":
        from laborlens.engines.backends import spark_session
        from laborlens.engines.spark_screen import LOCAL_CONF, SparkEngine

        master = spark_master or os.environ.get("LABORLENS_SPARK_MASTER") or "local[*]"
        local = LOCAL_CONF if master.startswith("local") else {}
        return SparkEngine(spark_session(master, {**local, **(spark_conf or {})}))
    raise InputError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}", column="--engine")
