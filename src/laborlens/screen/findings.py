"""Party findings: list matches (with analyst decisions), XUAR locations, WRO scopes, ILAB goods and
unreconciled volumes; each registered as a finding source (see :mod:`laborlens.screen.sources`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from laborlens.decisions import Decisions
from laborlens.geo import get_detector
from laborlens.match.matcher import Matcher
from laborlens.model import Finding, Link, Party, Shipment, WatchEntry
from laborlens.screen.indicators import ilab_goods, wro_scopes
from laborlens.screen.result import SEVERITY
from laborlens.screen.sources import ScreenInput, finding_source
from laborlens.trace.graph import LinkColumns, as_columns

COUNT_EVERY = 500  # parties between count reports


def list_findings(parties: Sequence[Party], matcher: Matcher, decisions: Decisions | None = None,
                  on_count: Callable[[int, int], None] | None = None) -> list[Finding]:
    """One finding per party whose name (or local-script name) matches a listed entity. ``on_count(done,
    total)`` hears how many of the parties' names are matched so far."""
    from laborlens.match.engine import best_many

    decisions = decisions if decisions is not None else Decisions()
    out: list[Finding] = []
    rows = [(n, p.country, p.address) for p in parties for n in (p.name, p.name_local) if n and n.strip()]
    answers = dict(zip(rows, best_many(matcher, rows, on_count=on_count), strict=False))
    for p in parties:
        best = None
        for name in (p.name, p.name_local):
            if name and name.strip():
                r = answers[(name, p.country, p.address)]
                if r.entity_id and (best is None or r.score > best.score):
                    best = r
        if best is None or best.decision == "clear" and not decisions:
            continue
        human = decisions.find(best.query, p.country, best.entity_id)
        if human and human.verdict == "dismissed":
            # the dismissal covers this pair only: the next candidates still count
            for alt in matcher.match(best.query, p.country, p.address, top=4)[1:]:
                h2 = decisions.find(alt.query, p.country, alt.entity_id)
                if alt.entity_id and alt.decision != "clear" and not (h2 and h2.verdict == "dismissed"):
                    sev = "presumption" if alt.decision == "match" else "review"
                    out.append(Finding(p.id, "list_match", sev,
                                       f"name matches {alt.list_name.upper()} {alt.entity_id} '{alt.entity_name}' "
                                       f"(score {alt.score:.2f}, {alt.decision}; next candidate after a dismissal)",
                                       alt.list_name, alt.edition, alt.to_dict()))
                    break
            out.append(Finding(p.id, "list_match", "info", f"match with {best.entity_id} {human.describe()}",
                               best.list_name, best.edition, {**best.to_dict(), "human": human.describe()}))
            continue
        if best.decision == "clear" and not human:
            continue
        severity = "presumption" if best.decision == "match" or (human and human.verdict == "confirmed") \
            else "review"
        who = f" ({human.describe()})" if human else ""
        summary = (f"name matches {best.list_name.upper()} {best.entity_id} '{best.entity_name}' "
                   f"(score {best.score:.2f}, {best.decision}){who}")
        details = best.to_dict()
        if human:
            details["human"] = human.describe()
        out.append(Finding(p.id, "list_match", severity, summary, best.list_name, best.edition, details))
    return out


def xuar_findings(parties: Sequence[Party], on_count: Callable[[int, int], None] | None = None
                  ) -> list[Finding]:
    """A party is located in the XUAR by its address; a name alone ("Xinjiang ... Co.") counts fully only
    when there is no address, and is a review indicator when the address places the party elsewhere."""
    det = get_detector()
    detect = lru_cache(maxsize=100_000)(det.detect)  # addresses repeat (warehouses, parks, agents)
    out = []
    for k, p in enumerate(parties):
        if on_count is not None and k % COUNT_EVERY == 0:
            on_count(k, len(parties))
        addr_hit = detect(p.address, p.country) if p.address else None
        for field, text in (("address", p.address), ("name", p.name), ("name_local", p.name_local)):
            if not text:
                continue
            r = addr_hit if field == "address" else detect(text, p.country)
            conflict = ""
            if (r is None or r.confidence != "high") and p.country:
                # the country field may be wrong; an explicit XUAR place still needs a human
                r2 = detect(text, "")
                if r2 is not None and r2.confidence == "high":
                    r, conflict = r2, f" (but the country field says {p.country!r})"
            if r is None:
                continue
            sev = "presumption" if r.confidence == "high" and not conflict else "review"
            note = conflict
            if field != "address" and p.address and addr_hit is None:
                sev, note = "review", " (the address does not place it in the XUAR)"
            out.append(Finding(p.id, "xuar_location", sev, f"{field} places the party in the XUAR: "
                               f"{r.explanation}{note}", "XUAR gazetteer", "NBS 2023",
                               {"field": field, "place": r.place, "name_zh": r.name_zh, "code": r.code,
                                "level": r.level, "method": r.method, "confidence": r.confidence}))
            break
    if on_count is not None:
        on_count(len(parties), len(parties))
    return out


def link_findings(parties: Mapping[str, Party], links: Sequence[Link] | LinkColumns,
                  wro_edition: str = "", scopes: Sequence[WatchEntry] | None = None,
                  shipments: Sequence[Shipment] = ()) -> list[Finding]:
    """WRO scopes and ILAB good/country pairs for what each supplier (and exporter) sells, by its country
    of production. An ILAB pair is a risk indicator (severity ``indicator``), not a verdict."""
    seen: set[tuple[str, str, str]] = set()
    sold: dict[str, set[str]] = defaultdict(set)
    cols = as_columns(links)
    for sup, mat in zip(cols.supplier_id, cols.material, strict=False):
        sold[sup].add(mat)
    for x in shipments:
        sold[x.exporter_id].add(x.material)
    out = []
    for pid, materials in sold.items():
        p = parties.get(pid)
        if p is None:
            continue
        for m in sorted(materials):
            for hit in wro_scopes(m, p.country, p.name, scopes):
                if ("wro", pid, hit.wro_id) not in seen:
                    seen.add(("wro", pid, hit.wro_id))
                    out.append(Finding(pid, "wro_scope", "presumption", f"CBP {hit.wro_id}: {hit.text}",
                                       "wro", wro_edition, {"material": m, "wro_id": hit.wro_id}))
            for g in ilab_goods(m, p.country):
                if g.forced_labor and ("ilab", pid, g.good) not in seen:
                    seen.add(("ilab", pid, g.good))
                    kinds = "forced labor" + (" and child labor" if g.child_labor else "")
                    out.append(Finding(pid, "ilab_good", "indicator",
                                       f"ILAB lists {g.good} from {g.country} ({kinds}); this party sells {m}",
                                       "ilab", "2022", {"good": g.good, "country": g.country, "material": m}))
    return out


def party_severity(findings: Sequence[Finding]) -> dict[str, int]:
    sev: dict[str, int] = {}
    for f in findings:
        s = SEVERITY.get(f.severity, 0)
        if s > sev.get(f.party_id, 0):
            sev[f.party_id] = s
    return sev


# -- the built-in finding sources, in the order they run ---------------------------------------------------
@finding_source("lists", "matching party names against the watchlists")
def _list_source(inp: ScreenInput) -> list[Finding]:
    engine = inp.options.get("engine")  # DuckDB or Spark score the names elsewhere (laborlens.engines)
    if engine is not None:  # counts stay with the engine: the stage shows its label, then the findings
        return engine.party_findings(inp.parties, inp.matcher, inp.decisions)
    return list_findings(inp.parties, inp.matcher, inp.decisions,
                         on_count=lambda done, total: inp.count(done, total, "names"))


@finding_source("xuar", "locating parties (XUAR gazetteer)")
def _xuar_source(inp: ScreenInput) -> list[Finding]:
    return xuar_findings(inp.parties, on_count=lambda done, total: inp.count(done, total, "parties"))


@finding_source("goods", "checking goods against WRO scopes and the ILAB list")
def _goods_source(inp: ScreenInput) -> list[Finding]:
    entries = inp.matcher.entries
    wro = [e for e in entries if e.list_name == "wro"]
    edition = wro[0].edition if wro else ""
    scopes = [e for e in wro if e.kind == "scope"] if wro else None
    return link_findings(inp.by_id, inp.links, edition, scopes, inp.shipments)


@finding_source("mass_balance", "recording unreconciled volumes as findings")
def _mass_balance_source(inp: ScreenInput) -> list[Finding]:
    return [flag.to_finding() for flag in inp.mass_balance.flags] if inp.mass_balance else []


__all__ = ["link_findings", "list_findings", "party_severity", "xuar_findings"]


@finding_source("grievances", "checking open worker grievances")
def grievance_source(inp: ScreenInput) -> list[Finding]:
    """Open, credible grievances with a forced-labour indicator: review level, never presumption alone."""
    from laborlens.grievances.findings import findings_from_store

    return findings_from_store(inp.options.get("store"), inp.parties)
