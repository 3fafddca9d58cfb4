"""Party names scored in Spark partitions, the matcher broadcast to the executors once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PARTITION_ROWS = 2000


def score_in_spark(spark: Any, matcher: Any, rows: Sequence[tuple[str, str, str]]) -> dict[tuple, Any]:
    """``matcher.best`` for every distinct (name, country, address), in parallel; results keep their
    order-free key, so they are exactly what the driver would compute."""
    if not rows:
        return {}
    sc = spark.sparkContext
    shared = sc.broadcast(matcher)  # pickled once (Matcher.__reduce__ rebuilds its index on executors)

    def score(part):
        m = shared.value
        for r in part:
            yield r, m.best(*r)

    n = max(1, min(sc.defaultParallelism * 4, len(rows) // PARTITION_ROWS + 1))
    out = dict(sc.parallelize(list(rows), n).mapPartitions(score).collect())
    shared.unpersist()
    return out


class AnsweredMatcher:
    """The matcher, with ``best`` answered from Spark's results (anything else goes to the matcher)."""

    def __init__(self, matcher: Any, answers: dict[tuple, Any]) -> None:
        self._matcher, self._answers = matcher, answers

    def best(self, name: str, country: str = "", address: str = "") -> Any:
        hit = self._answers.get((name, country, address))
        return hit if hit is not None else self._matcher.best(name, country, address)

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__") or item in ("_matcher", "_answers"):
            raise AttributeError(item)
        return getattr(self._matcher, item)
