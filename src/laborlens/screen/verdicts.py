"""Propagated findings → shipment verdicts: the due-diligence rules, as a pure function any engine calls.

The rules (DESIGN.md, verdicts.csv):

- ``presumption``: a party upstream, at any tier, has a presumption-level finding (listed entity, XUAR
  location, inside a WRO scope);
- ``review``: a review-level finding upstream (name match for review, unreconciled volumes, an open
  credible grievance, ...); a presumption-level party reached only through materials the input map does
  not connect; or a good with risk indicators whose chain stops at an untraced tier (the reason names it);
- ``clear``: none of that. A risk indicator (UFLPA high-priority sector, ILAB good/country pair upstream,
  a country-wide WRO scope covering the good) is a flag, never a verdict: it makes tracing to origin
  necessary, and then "traced to origin, N tiers" is what lets the shipment be clear.

The local engine fills :class:`ShipmentEvidence` from its numpy propagation (:mod:`laborlens.screen.run`);
another engine (Spark) fills the same record from its own and calls :func:`decide`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from laborlens.model import Finding, Shipment, WatchEntry
from laborlens.screen.indicators import ScopeHit, SectorHit, high_priority_sector, wro_goods
from laborlens.screen.result import Verdict
from laborlens.trace.results import TaintHit, TraceResult, Upstream

MAX_UPSTREAM_LISTED = 200
MAX_GAPS_NAMED = 3


@dataclass(frozen=True, slots=True)
class Indicators:
    """Risk indicators of the good itself (not of any party)."""

    sector: SectorHit | None = None
    wro: tuple[ScopeHit, ...] = ()


def good_indicators(shipment: Shipment, wro_scopes: Sequence[WatchEntry] | None = None) -> Indicators:
    """The UFLPA high-priority sector of the good and the country-wide WRO scopes that cover it."""
    return Indicators(
        high_priority_sector(shipment.material, shipment.hts, shipment.description),
        wro_goods(shipment.material, shipment.hts, shipment.description, wro_scopes),
    )


@dataclass(frozen=True, slots=True)
class ShipmentEvidence:
    """What propagation found for one shipment.

    ``worst``: the worst presumption/review party upstream, with its shortest input chain; ``tainted``:
    every presumption-level party upstream with its own chain (may be empty in bulk runs); ``blind``: a
    presumption-level party that reaches the exporter only when materials are ignored; ``ilab_parties``:
    parties upstream (exporter included) with an ILAB good/country finding; ``upstream``: the full upstream
    summary (None in bulk runs, where ``nearest_untraced`` stands in for the list of untraced tiers)."""

    worst: TaintHit | None = None
    tainted: tuple[TaintHit, ...] = ()
    blind: TaintHit | None = None
    ilab_parties: tuple[str, ...] = ()
    upstream: Upstream | None = None
    nearest_untraced: TaintHit | None = None
    indicators: Indicators = field(default_factory=Indicators)


FindingsOf = Callable[[str], Sequence[Finding]]
NameOf = Callable[[str], str]


def _who(pid: str, name_of: NameOf) -> str:
    name = name_of(pid)
    return f"{pid} ({name})" if name and name != pid else pid


def _gaps(ev: ShipmentEvidence) -> list[dict]:
    if ev.upstream is not None:
        return [{"party_id": p, "material": m, "tier": t} for p, m, t in ev.upstream.untraced]
    h = ev.nearest_untraced
    return (
        [{"party_id": h.party_id, "material": h.materials[0] if h.materials else "", "tier": h.tier}]
        if h
        else []
    )


def _gap_text(gaps: list[dict], name_of: NameOf) -> str:
    parts = [
        f"{_who(g['party_id'], name_of)} gives no suppliers for {g['material'] or 'what it sells'}"
        + (f" (tier {g['tier']})" if g.get("tier") else "")
        for g in gaps[:MAX_GAPS_NAMED]
    ]
    more = len(gaps) - MAX_GAPS_NAMED
    return "; ".join(parts) + (
        f"; and {more} more untraced tier{'s' if more > 1 else ''}" if more > 0 else ""
    )


def decide(shipment: Shipment, ev: ShipmentEvidence, findings_of: FindingsOf, name_of: NameOf) -> Verdict:
    """One shipment's verdict, reasons and flags from its evidence (pure: no I/O, no global state)."""
    reasons: list[str] = []
    worst = ev.worst
    if ev.tainted and (worst is None or ev.tainted[0].severity >= worst.severity):
        worst = ev.tainted[0]
    level = worst.severity if worst is not None else 0
    if worst is not None:
        reasons.append(
            TraceResult(shipment.id, shipment.exporter_id, shipment.material, worst, ev.tainted).reason
        )
        reasons.extend(
            f.summary for f in findings_of(worst.party_id) if f.severity in ("presumption", "review")
        )
    blind = ev.blind
    if level < 2 and blind is not None:
        reasons.append(
            f"{blind.party_id}, which has a presumption-level finding, is upstream through links "
            f"whose materials the input map does not connect (path {blind.path_str}): check "
            f"whether its goods go into this one"
        )
        reasons.extend(f.summary for f in findings_of(blind.party_id) if f.severity == "presumption")
        level = max(level, 1)

    # risk indicators: they decide nothing alone, they make tracing to origin necessary
    ind = ev.indicators
    flags: list[str] = []
    if ind.sector:
        flags.append(
            f"UFLPA high-priority sector: {ind.sector.sector} (designated {ind.sector.year}, "
            f"{ind.sector.via})"
        )
    by_good: dict[str, list[str]] = {}
    for pid in ev.ilab_parties:
        for f in findings_of(pid):
            if f.rule == "ilab_good":
                good = f"{f.details.get('good', '')} from {f.details.get('country', '')}"
                by_good.setdefault(good, []).append(pid)
    ilab = [f"{good}: {', '.join(pids)}" for good, pids in by_good.items()]
    if ilab:
        flags.append(
            f"ILAB good/country pair{'s' if len(ilab) > 1 else ''} upstream (forced labor): "
            + "; ".join(
                f"{good} ({', '.join(_who(p, name_of) for p in pids[:3])}"
                f"{f' and {len(pids) - 3} more' if len(pids) > 3 else ''})"
                for good, pids in by_good.items()
            )
        )
    wro = [f"{h.wro_id}: {h.text}" for h in ind.wro]
    flags.extend(
        f"country-wide WRO scope covers this kind of good: CBP {h.wro_id} ({h.text})" for h in ind.wro
    )
    needs_tracing = bool(flags)

    gaps = _gaps(ev)
    traced = not gaps and (ev.upstream is not None or ev.nearest_untraced is None)
    depth = ev.upstream.depth if ev.upstream is not None else 0
    tiers = f", {depth} tier{'s' if depth != 1 else ''}" if depth else ""
    if needs_tracing:
        if gaps:
            text = (
                f"not traced to origin: {_gap_text(gaps, name_of)}; the risk indicators below make "
                f"tracing every input to its raw material necessary"
            )
            if level == 0:
                reasons.insert(0, text)
                level = 1
            else:
                reasons.append(text)
        elif traced and level == 0:
            reasons.append(
                f"traced to origin{tiers}: every input upstream reaches its raw material or "
                f"origin producer, and no party in the chain has a finding"
            )
        reasons.extend(flags)
    elif level == 0:
        reasons.append("no finding upstream" + (f" (traced to origin{tiers})" if traced else ""))
        if gaps:
            reasons.append(
                f"not traced to origin (no risk indicator requires it): {_gap_text(gaps, name_of)}"
            )

    hits = list(ev.tainted) or ([worst] if worst is not None else [])
    tainted = [
        {
            "party_id": h.party_id,
            "severity": h.verdict,
            "tier": h.tier,
            "path": list(h.path),
            "materials": list(h.materials),
            "assumed": h.assumed,
        }
        for h in hits
    ]
    up = ev.upstream
    return Verdict(
        shipment.id,
        shipment.importer_id,
        shipment.exporter_id,
        shipment.material,
        shipment.hts,
        shipment.description,
        {2: "presumption", 1: "review", 0: "clear"}[min(level, 2)],
        list(worst.path) if worst is not None else [],
        worst.tier if worst is not None else None,
        reasons,
        tainted,
        sorted({g["party_id"] for g in gaps}),
        up.count if up is not None else -1,
        [list(x) for x in up.parties[:MAX_UPSTREAM_LISTED]] if up is not None else [],
        priority_sector=ind.sector.sector if ind.sector else "",
        ilab=ilab,
        wro_scope=wro,
        traced_to_origin=traced,
        tiers_traced=depth if traced else 0,
        gaps=gaps,
    )


__all__ = ["Indicators", "ShipmentEvidence", "decide", "good_indicators"]
