"""Query-by-example matching and simple search over the watchlists, in yente's terms.

A yente query is an FtM entity (``schema`` + ``properties``). Its names (every ``name``-typed property),
first country (``country``/``jurisdiction``/``nationality``…) and first address go to
:meth:`laborlens.match.Matcher.match` — the matcher is used as a black box: candidates with ``score``,
``decision`` and ``explanation``. A listed entity matched through several query names keeps its best score.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.types import registry

from laborlens.errors import InputError
from laborlens.ftm.export import entry_dict
from laborlens.match.matcher import Matcher, MatchResult
from laborlens.model import WatchEntry

LISTED_SCHEMA = "Company"  # what every listed entity is exported as
MAX_NAMES = 10  # names per query entity that are scored (a query with 200 aliases is not a name check)
SEARCH_FLOOR = 0.3  # search hits below this are noise

# The features reported per result (yente's ``features`` / ``matcher`` FeatureDocs): the final score and
# the counts behind the explanation, all read from the matcher's public result.
FEATURE_DOCS: dict[str, dict[str, Any]] = {
    "name_score": {"description": "laborlens name score (0..1): token, transliteration and Chinese-script "
                                  "comparison, with country and address adjustments", "coefficient": 1.0,
                   "url": None},
    "tokens_matched": {"description": "name parts of the query found in the listed name", "coefficient": 0.0,
                       "url": None},
    "tokens_missing": {"description": "distinctive parts of the listed name the query lacks",
                       "coefficient": 0.0, "url": None},
    "tokens_extra": {"description": "parts of the query not on the listed name", "coefficient": 0.0,
                     "url": None},
}


@dataclass(slots=True)
class ScoredEntity:
    entry: WatchEntry
    result: MatchResult
    match: bool

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {**entry_dict(self.entry), "score": r.score, "match": self.match,
                "features": {"name_score": r.score, "tokens_matched": float(len(r.matched)),
                             "tokens_missing": float(len(r.missing)), "tokens_extra": float(len(r.extra))},
                "decision": r.decision, "explanation": r.explanation()}


@dataclass(slots=True)
class ExampleResult:
    query: dict[str, Any]
    total: int
    results: list[ScoredEntity] = field(default_factory=list)


def parse_example(schema: str, properties: Mapping[str, Any], key: str = "query") -> Any:
    """The query as an FtM proxy; unknown properties are dropped (as yente does), an unknown schema or a
    query without a name is refused naming the query key."""
    if model.get(schema) is None:
        raise InputError(f"query {key!r}: unknown schema {schema!r}", column=f"queries.{key}.schema")
    props = {k: (v if isinstance(v, list) else [v]) for k, v in properties.items()}
    try:
        proxy = model.get_proxy({"id": key, "schema": schema, "properties": props}, cleaned=False)
    except (FollowTheMoneyException, TypeError, ValueError) as exc:
        raise InputError(f"query {key!r}: cannot parse example entity: {exc}",
                         column=f"queries.{key}.properties") from None
    if not proxy.get_type_values(registry.name):
        raise InputError(f"query {key!r}: give at least one name", column=f"queries.{key}.properties.name")
    return proxy


def _best_by_entity(matcher: Matcher, names: Sequence[str], country: str, address: str, top: int
                    ) -> dict[str, MatchResult]:
    best: dict[str, MatchResult] = {}
    for name in names[:MAX_NAMES]:
        for r in matcher.match(name, country, address, top=top):
            if r.entity_id and (r.entity_id not in best or r.score > best[r.entity_id].score):
                best[r.entity_id] = r
    return best


def match_example(matcher: Matcher, entries: Mapping[str, WatchEntry], schema: str,
                  properties: Mapping[str, Any], *, key: str = "query", limit: int = 5,
                  threshold: float | None = None, cutoff: float = 0.0,
                  datasets: Collection[str] | None = None) -> ExampleResult:
    """Score one example entity against ``entries`` (the listed entities allowed, by id). ``match`` is
    ``score >= threshold`` (the matcher's calibrated match threshold when None); results below ``cutoff``
    are dropped; ``total`` counts every candidate at or above the cutoff before ``limit``."""
    proxy = parse_example(schema, properties, key)
    query = {"id": proxy.id, "schema": proxy.schema.name, "properties": proxy.to_dict()["properties"]}
    if not proxy.schema.can_match(model.get(LISTED_SCHEMA)):
        return ExampleResult(query, 0)  # a Person or a Vessel is never one of the listed companies
    threshold = matcher.thresholds.match if threshold is None else threshold
    country = next(iter(proxy.get_type_values(registry.country)), "")
    address = next(iter(proxy.get_type_values(registry.address)), "")
    names = sorted(set(proxy.get_type_values(registry.name)), key=lambda n: (n not in proxy.get("name"), n))
    top = max(20, limit * 4)
    best = _best_by_entity(matcher, names, country, address, top)
    scored = [ScoredEntity(entries[eid], r, r.score >= threshold) for eid, r in best.items()
              if eid in entries and r.score >= cutoff and entries[eid].kind == "entity"
              and (datasets is None or entries[eid].list_name in datasets)]
    scored.sort(key=lambda s: (-s.result.score, s.entry.entity_id))
    return ExampleResult(query, len(scored), scored[:limit])


def search(matcher: Matcher, entries: Sequence[WatchEntry], q: str, *, limit: int = 10, offset: int = 0,
           datasets: Collection[str] | None = None, countries: Collection[str] = ()
           ) -> tuple[int, list[dict]]:
    """Listed entities for a piece of text, best first; an empty ``q`` lists them all in list order."""
    allowed = [e for e in entries if e.kind == "entity" and (datasets is None or e.list_name in datasets)
               and (not countries or _iso(e.country) in countries)]
    if not q.strip():
        return len(allowed), [{**entry_dict(e), "score": None} for e in allowed[offset:offset + limit]]
    by_id = {e.entity_id: e for e in allowed}
    best = _best_by_entity(matcher, [q], "", "", max(50, (offset + limit) * 2))
    hits = sorted((r for eid, r in best.items() if eid in by_id and r.score >= SEARCH_FLOOR),
                  key=lambda r: (-r.score, r.entity_id))
    page = hits[offset:offset + limit]
    return len(hits), [{**entry_dict(by_id[r.entity_id]), "score": r.score} for r in page]


def _iso(country: str) -> str:
    from laborlens.countries import iso2

    return iso2(country).lower()
