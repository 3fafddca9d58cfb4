"""Where party findings come from: a small registry, so that a new source is one function.

A source takes the :class:`ScreenInput` of a run and returns :class:`~laborlens.model.Finding` rows. A
finding's ``severity`` decides what it does to the shipments the party can feed:

- ``presumption``: the shipment is ``presumption`` (listed entity, XUAR location, inside a WRO scope);
- ``review``: the shipment is at least ``review``, its reason quoting the finding's ``summary`` (a
  review-level name match, an unreconciled volume, an open credible grievance, ...);
- ``indicator``: a risk indicator (ILAB good/country pair): it never decides a verdict by itself, it makes
  tracing to origin necessary before the shipment can be ``clear``;
- ``info``: shown, never counted (an analyst's dismissal).

Adding a source, e.g. open credible grievances from worker-led monitoring::

    from laborlens.screen.sources import ScreenInput, finding_source

    @finding_source("grievance", "checking open grievances")
    def grievance_findings(inp: ScreenInput) -> list[Finding]:
        store = inp.options.get("store")          # screen_dir passes the store it screens against
        ...                                       # look up open, credible grievances by party
        return [Finding(pid, "grievance", "review", "open credible grievance G-0042: ...", "grievances", "")]

Importing the module that defines it registers it (``register=False`` leaves it out of the defaults, for
callers that pass ``sources=[...]`` themselves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from laborlens.decisions import Decisions
from laborlens.match.matcher import Matcher
from laborlens.model import Finding, Link, Party, Shipment
from laborlens.screen.stages import Stages, as_stages
from laborlens.trace import LinkColumns, MaterialMap
from laborlens.trace.massbalance import MassBalanceReport


@dataclass(slots=True)
class ScreenInput:
    """Everything a finding source may read. ``options`` carries what the caller has beyond the files
    (``store`` when screening against a store); sources must not assume any key is there."""

    parties: Sequence[Party]
    by_id: Mapping[str, Party]
    links: Sequence[Link] | LinkColumns
    shipments: Sequence[Shipment]
    matcher: Matcher
    decisions: Decisions | None = None
    material_map: MaterialMap | None = None
    mass_balance: MassBalanceReport | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    stages: Stages | None = None  # the run's stages: a source may report its count (done, total, unit)

    def count(self, done: int, total: int, unit: str) -> None:
        """Report the running source's progress (``done`` of ``total`` ``unit``); a no-op without stages."""
        if self.stages is not None:
            self.stages.update(done, total, unit)


FindingFn = Callable[[ScreenInput], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class FindingSource:
    name: str
    message: str  # progress message while it runs
    run: FindingFn


_REGISTRY: dict[str, FindingSource] = {}


def finding_source(name: str, message: str = "", register: bool = True) -> Callable[[FindingFn], FindingFn]:
    """Decorator: register ``fn`` as the finding source ``name`` (a later registration replaces it)."""

    def wrap(fn: FindingFn) -> FindingFn:
        src = FindingSource(name, message or f"collecting {name} findings", fn)
        if register:
            _REGISTRY[name] = src
        fn.source = src  # type: ignore[attr-defined]
        return fn

    return wrap


def default_sources() -> list[FindingSource]:
    """The registered sources, in registration order (the built-ins first)."""
    _load_builtins()
    return list(_REGISTRY.values())


def collect_findings(
    inp: ScreenInput,
    sources: Sequence[FindingSource] | None = None,
    progress: Callable[[float, str], None] | Stages | None = None,
    span: tuple[float, float] = (0.05, 0.5),
) -> list[Finding]:
    """Run every source in turn, each a stage of its own (:mod:`laborlens.screen.stages`) that ends with
    the number of findings it made. ``span`` is kept for callers of the old signature and unused."""
    chosen = default_sources() if sources is None else list(sources)
    stages = as_stages(progress)
    inp.stages = stages
    stages.plan([(src.name, src.message) for src in chosen])
    out: list[Finding] = []
    for src in chosen:
        stages.start(src.name, src.message)
        found = list(src.run(inp))
        out.extend(found)
        stages.end(note=f"{len(found):,} finding{'' if len(found) == 1 else 's'}")
    return out


def _load_builtins() -> None:
    from laborlens.screen import findings  # noqa: F401  (its decorators register the built-in sources)


__all__ = ["FindingSource", "ScreenInput", "collect_findings", "default_sources", "finding_source"]
