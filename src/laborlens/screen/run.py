"""One entry point for screening, used by the CLI, the API/web jobs and the demo.

parties/links/shipments → party findings (lists, XUAR, WRO scopes, ILAB) → upstream tracing over material
links → mass balance → shipment verdicts with evidence paths → verdicts.csv, findings.jsonl, result.json and
the evidence pack (report.html, report.pdf).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from laborlens.match.matcher import Matcher
from laborlens.model import Finding, Link, Party, Shipment
from laborlens.screen.findings import link_findings, list_findings, party_severity, xuar_findings
from laborlens.screen.indicators import high_priority_sector
from laborlens.trace import LinkColumns, MaterialMap, SupplyGraph, mass_balance

Progress = Callable[[float, str], None]
MAX_DETAILED = 300  # shipments given their own section (tier map) in the evidence pack
DETAIL_ALL = 2000  # up to this many shipments, every one gets its full upstream list (tier maps in the UI)
MAX_UPSTREAM_LISTED = 200


@dataclass(slots=True)
class Verdict:
    shipment_id: str
    importer_id: str
    exporter_id: str
    material: str
    hts: str
    description: str
    verdict: str
    path: list[str]
    tier: int | None
    reasons: list[str]
    tainted: list[dict] = field(default_factory=list)
    untraced: list[str] = field(default_factory=list)
    upstream: int = 0
    upstream_parties: list[list] = field(default_factory=list)  # [party_id, tier] nearest first


@dataclass(slots=True)
class ScreenResult:
    parties: dict[str, Party]
    links: list[Link] | LinkColumns
    shipments: list[Shipment]
    findings: list[Finding]
    verdicts: list[Verdict]
    mass_balance: list[dict]
    lists: list[dict]
    generated_at: str

    def summary(self) -> dict:
        counts = {"presumption": 0, "review": 0, "clear": 0}
        for v in self.verdicts:
            counts[v.verdict] += 1
        return {"shipments": len(self.verdicts), **counts, "parties": len(self.parties),
                "links": len(self.links), "findings": len(self.findings), "lists": self.lists,
                "generated_at": self.generated_at}


def _noop(_f: float, _m: str) -> None:
    pass


def screen_tables(parties: Sequence[Party], links: Sequence[Link] | LinkColumns, shipments: Sequence[Shipment],
                  matcher: Matcher, decisions: dict | None = None, material_map: MaterialMap | None = None,
                  progress: Progress | None = None, engine=None) -> ScreenResult:
    """``engine`` (:mod:`laborlens.engines`) may run the list matching and the graph searches elsewhere
    (DuckDB, Spark); everything from the traced results to the verdicts is this function's, for every engine."""
    progress = progress or _noop
    build = engine.graph if engine is not None else SupplyGraph.build
    mmap = material_map or MaterialMap.default()
    by_id = {p.id: p for p in parties}
    progress(0.05, "matching party names against the watchlists")
    findings = (engine.party_findings(parties, matcher, decisions) if engine is not None
                else list_findings(parties, matcher, decisions))
    progress(0.35, "locating parties (XUAR gazetteer)")
    findings += xuar_findings(parties)
    wro_edition = next((e.edition for e in matcher.entries if e.list_name == "wro"), "")
    scopes = [e for e in matcher.entries if e.kind == "scope" and e.list_name == "wro"]
    findings += link_findings(by_id, links, wro_edition, scopes if any(
        e.list_name == "wro" for e in matcher.entries) else None)
    progress(0.5, "checking volumes (mass balance)")
    mb = mass_balance(links, shipments, material_map=mmap)
    for flag in mb.flags:
        findings.append(flag.to_finding())
    sev = party_severity(findings)
    progress(0.6, "tracing every shipment upstream")
    graph = build(by_id.keys(), links, shipments, mmap)
    # The worst finding per shipment over every severity (one search per level), and the full list of
    # tainted upstream parties only for presumption-level parties: review indicators (ILAB goods, sectors)
    # touch most of a cotton or solar chain, and listing each of them per shipment would grow quadratically.
    traced = graph.trace(sev, detail=False)
    presumptive = graph.trace({k: v for k, v in sev.items() if v >= 2}, detail=True)
    nearest_untraced = graph.trace({p: 1 for p in _untraced_parties(links, shipments, mmap)}, detail=False)
    # A listed or XUAR party linked upstream through materials the input map does not connect is never
    # dropped: the same search with every material allowed to feed every other finds it for review.
    grave = {k: v for k, v in sev.items() if v >= 2}
    any_route = _material_blind(by_id.keys(), links, shipments, build).trace(grave, detail=False) \
        if grave else None
    # small runs: every shipment gets its full upstream list; large runs fill the shown ones afterwards
    detailed = {x.id for x in shipments} if len(shipments) <= DETAIL_ALL else set()
    by_party: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_party[f.party_id].append(f)
    verdicts: list[Verdict] = []
    progress(0.8, "writing verdicts")
    for k, (s, t, tp, tu) in enumerate(zip(shipments, traced, presumptive, nearest_untraced)):
        reasons: list[str] = []
        level = t.severity
        if tp.worst is not None:
            t = tp  # same worst severity; carries the count of other tainted parties for the reason
        if t.worst is not None:
            reasons.append(t.reason)
            reasons.extend(f.summary for f in by_party[t.party_id] if f.severity in ("presumption", "review"))
        blind = any_route[k] if any_route is not None else None
        if level < 2 and blind is not None and blind.worst is not None:
            reasons.append(f"{blind.party_id}, which has a presumption-level finding, is upstream through links "
                           f"whose materials the input map does not connect (path {blind.path_str}): check "
                           f"whether its goods go into this one")
            reasons.extend(f.summary for f in by_party[blind.party_id] if f.severity == "presumption")
            level = max(level, 1)
        sector = high_priority_sector(s.material, s.hts, s.description)
        if sector:
            reasons.append(f"UFLPA high-priority sector: {sector.sector} (designated {sector.year}, {sector.via})")
            level = max(level, 1)
        if s.id in detailed:
            up = graph.upstream(s.id)
            untraced = sorted({p for p, _m, _t in up.untraced})
            n_up, up_list = up.count, [list(x) for x in up.parties[:MAX_UPSTREAM_LISTED]]
        else:  # large runs: the nearest untraced party only (one search for all shipments)
            untraced = [tu.party_id] if tu.worst is not None else []
            n_up, up_list = -1, []
        if untraced and level < 2:
            reasons.append(f"{len(untraced)} upstream part{'y' if len(untraced) == 1 else 'ies'} with untraced "
                           f"inputs: {', '.join(untraced[:5])}{'…' if len(untraced) > 5 else ''}")
        verdict = {2: "presumption", 1: "review", 0: "clear"}[level]
        hits = list(tp.tainted) or ([t.worst] if t.worst is not None else [])
        tainted = [{"party_id": h.party_id, "severity": h.verdict, "tier": h.tier, "path": list(h.path),
                    "materials": list(h.materials), "assumed": h.assumed} for h in hits]
        verdicts.append(Verdict(s.id, s.importer_id, s.exporter_id, s.material, s.hts, s.description, verdict,
                                list(t.path), t.tier, reasons or ["no finding upstream"], tainted, untraced,
                                n_up, up_list))
    if len(shipments) > DETAIL_ALL:  # fill the upstream lists of exactly the shipments the report details
        order = {"presumption": 0, "review": 1, "clear": 2}
        shown = sorted((v for v in verdicts if v.verdict != "clear"),
                       key=lambda v: (order[v.verdict], v.shipment_id))[:MAX_DETAILED]
        for v in shown:
            if v.upstream < 0:
                up = graph.upstream(v.shipment_id)
                v.untraced = sorted({p for p, _m, _t in up.untraced})
                v.upstream = up.count
                v.upstream_parties = [list(x) for x in up.parties[:MAX_UPSTREAM_LISTED]]
    lists = sorted({(e.list_name, e.edition) for e in matcher.entries})
    return ScreenResult(by_id, links if isinstance(links, LinkColumns) else list(links), list(shipments),
                        findings, verdicts,
                        [asdict(f) for f in mb.flags], [{"list": a, "edition": b} for a, b in lists],
                        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def _material_blind(party_ids, links: Sequence[Link] | LinkColumns, shipments: Sequence[Shipment],
                    build=SupplyGraph.build) -> SupplyGraph:
    """The supply graph with materials erased (unknown materials are assumed to feed anything)."""
    cols = links if isinstance(links, LinkColumns) else LinkColumns.from_links(links)
    blank = LinkColumns(cols.supplier_id, cols.buyer_id, [""] * len(cols))
    ships = [Shipment(x.id, x.importer_id, x.exporter_id, "") for x in shipments]
    return build(party_ids, blank, ships)


def _untraced_parties(links: Sequence[Link] | LinkColumns, shipments: Sequence[Shipment],
                      mmap: MaterialMap) -> set[str]:
    """Parties that sell a non-raw material but have no recorded inputs at all: a tier still to trace."""
    cols = links if isinstance(links, LinkColumns) else LinkColumns.from_links(links)
    buyers = set(cols.buyer_id)
    out: set[str] = set()
    raw: dict[str, bool] = {}
    for sup, mat in [*zip(cols.supplier_id, cols.material), *((x.exporter_id, x.material) for x in shipments)]:
        if sup not in buyers and sup not in out:
            if mat not in raw:
                raw[mat] = mmap.is_raw(mat)
            if not raw[mat]:
                out.add(sup)
    return out


def write_outputs(result: ScreenResult, out_dir: Path, html: bool = True, pdf: bool = True) -> dict[str, Path]:
    """Write every output to a temporary name first, then move into place (no half-written pack)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def put(name: str, write: Callable[[Path], None]) -> None:
        tmp = out_dir / f".{name}.partial"
        write(tmp)
        tmp.replace(out_dir / name)
        paths[name] = out_dir / name

    def verdicts_csv(p: Path) -> None:
        with p.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["shipment_id", "verdict", "path", "reasons", "tier", "tainted_party_id", "material"])
            for v in result.verdicts:
                w.writerow([v.shipment_id, v.verdict, ">".join(v.path), " | ".join(v.reasons),
                            v.tier or "", v.path[0] if v.path else "", v.material])

    def findings_jsonl(p: Path) -> None:
        with p.open("w", encoding="utf-8") as fh:
            for f in result.findings:
                fh.write(json.dumps(asdict(f), ensure_ascii=False, default=str) + "\n")

    def result_json(p: Path) -> None:
        p.write_text(json.dumps(to_json(result), ensure_ascii=False, default=str), encoding="utf-8")

    put("verdicts.csv", verdicts_csv)
    put("findings.jsonl", findings_jsonl)
    put("result.json", result_json)
    if html or pdf:
        from laborlens.report import render_html, render_pdf

        page = render_html(result)
        if html:
            put("report.html", lambda p: p.write_text(page, encoding="utf-8"))
        if pdf:
            put("report.pdf", lambda p: render_pdf(page, p))
    return paths


def to_json(result: ScreenResult) -> dict:
    return {
        "summary": result.summary(),
        "verdicts": [asdict(v) for v in result.verdicts],
        "findings": [asdict(f) for f in result.findings],
        "parties": {k: asdict(p) for k, p in result.parties.items()},
        "links": [{"supplier_id": ln.supplier_id, "buyer_id": ln.buyer_id, "material": ln.material,
                   "quantity": ln.quantity, "unit": ln.unit, "document": ln.document, "date": ln.date}
                  for ln in result.links],
        "mass_balance": result.mass_balance,
    }


def screen_dir(data_dir: Path, out_dir: Path, settings=None, progress: Progress | None = None,
               pdf: bool = False, html: bool = True, bom: Path | None = None, engine=None) -> dict:
    """Screen the files in ``data_dir`` against the store's current lists and analyst decisions."""
    from laborlens.decisions import latest_decisions
    from laborlens.ingest import load_tables
    from laborlens.match.service import matcher_for_store
    from laborlens.settings import load_settings
    from laborlens.store import open_store

    progress = progress or _noop
    settings = settings or load_settings()
    store = open_store(settings)
    progress(0.01, "reading input files")
    parties, links, shipments = load_tables(Path(data_dir))
    matcher = matcher_for_store(store)
    with store.session() as s:
        decisions = latest_decisions(s)
    mmap = MaterialMap.default().with_bom(bom) if bom else None
    result = screen_tables(parties, links, shipments, matcher, decisions, mmap, progress, engine=engine)
    progress(0.9, "writing the evidence pack")
    write_outputs(result, Path(out_dir), html=html, pdf=pdf)
    progress(1.0, "done")
    return result.summary()
