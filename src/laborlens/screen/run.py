"""One entry point for screening, used by the CLI, the API/web jobs and the demo.

parties/links/shipments → party findings from every registered source (lists, XUAR, WRO scopes, ILAB, mass
balance, …: :mod:`laborlens.screen.sources`) → upstream tracing over material links → shipment verdicts by
the due-diligence rules (:func:`laborlens.screen.verdicts.decide`) → a :class:`ScreenResult`, written as
verdicts.csv, findings.jsonl, result.json and the evidence pack (report.html, report.pdf).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from laborlens import csvout
from laborlens.fsutil import staged_dir
from laborlens.match.matcher import Matcher
from laborlens.model import Finding, Link, Party, Shipment
from laborlens.screen.findings import party_severity
from laborlens.screen.result import MAX_DETAILED, ScreenResult, Verdict
from laborlens.screen.sources import FindingSource, ScreenInput, collect_findings, default_sources
from laborlens.screen.stages import Stages, as_stages
from laborlens.screen.verdicts import ShipmentEvidence, decide, good_indicators
from laborlens.trace import LinkColumns, MaterialMap, SupplyGraph, mass_balance

Progress = Callable[[float, str], None]
# verdicts.csv: the contract's four columns, the due-diligence flags, then details
VERDICT_COLUMNS = ("shipment_id", "verdict", "path", "reasons", "priority_sector", "ilab", "traced_to_origin",
                   "untraced_parties", "tier", "tainted_party_id", "material", "sector", "wro_scope",
                   "tiers_traced")
DETAIL_ALL = 2000  # up to this many shipments, every one gets its full upstream list (tier maps in the UI)
VERDICT_COUNT_EVERY = 500  # shipments between count reports


def screen_tables(parties: Sequence[Party], links: Sequence[Link] | LinkColumns,
                  shipments: Sequence[Shipment], matcher: Matcher, decisions: dict | None = None,
                  material_map: MaterialMap | None = None, progress: Progress | Stages | None = None,
                  sources: Sequence[FindingSource] | None = None, options: dict | None = None,
                  engine=None) -> ScreenResult:
    """Findings from every source (:mod:`laborlens.screen.sources`), traced upstream, then verdicts by
    :func:`laborlens.screen.verdicts.decide`. ``engine`` (:mod:`laborlens.engines`) may run the list
    matching and the graph searches elsewhere (DuckDB, Spark); everything from the traced results to the verdicts
    is this function's, for every engine. ``progress`` follows its stages (:mod:`laborlens.screen.stages`):
    mass balance, each finding source, tracing, verdicts."""
    st = as_stages(progress)
    chosen = default_sources() if sources is None else list(sources)
    st.plan(plan_of(chosen)[3:-1])
    build = engine.graph if engine is not None else SupplyGraph.build
    mmap = material_map or MaterialMap.default()
    by_id = {p.id: p for p in parties}
    st.start("volumes", total=len(links), unit="links")
    mb = engine.mass_balance(links, shipments, mmap) if engine is not None else \
        mass_balance(links, shipments, material_map=mmap)
    st.end(note=f"{len(mb.flags):,} flagged")
    opts = {**(options or {}), "engine": engine} if engine is not None else (options or {})
    inp = ScreenInput(parties, by_id, links, shipments, matcher, decisions, mmap, mb, opts)  # type: ignore[arg-type]
    findings = collect_findings(inp, chosen, st)
    sev = party_severity(findings)
    grave = {k: v for k, v in sev.items() if v >= 2}
    ilab_parties = sorted({f.party_id for f in findings if f.rule == "ilab_good"})
    # steps: build the graph, then one search per question (worst finding, presumptive parties, untraced
    # tiers, ILAB parties when there are any, and the material-blind graph when a grave finding exists)
    steps = 4 + bool(ilab_parties) + 2 * bool(grave)
    st.start("trace", f"tracing {len(shipments):,} shipments upstream", total=steps, unit="steps")
    graph = build(by_id.keys(), links, shipments, mmap)
    st.update(1)
    # The worst finding per shipment over every severity (one search per level), and the full list of
    # tainted upstream parties only for presumption-level parties: review findings touch much of a chain,
    # and listing each of them per shipment would grow quadratically.
    traced = graph.trace(sev, detail=False)
    st.update(2)
    presumptive = graph.trace(grave, detail=True)
    st.update(3)
    nearest_untraced = graph.trace(dict.fromkeys(_untraced_parties(links, shipments, mmap), 1), detail=False)
    st.update(4)
    nearest_ilab = graph.trace(dict.fromkeys(ilab_parties, 1), detail=False) if ilab_parties else None
    st.update(4 + bool(ilab_parties))
    # A listed or XUAR party linked upstream through materials the input map does not connect is never
    # dropped: the same search with every material allowed to feed every other finds it for review.
    any_route = None
    if grave:
        blind = _material_blind(by_id.keys(), links, shipments, build)
        st.update(steps - 1)
        any_route = blind.trace(grave, detail=False)
    st.end()
    # small runs: every shipment gets its full upstream list; large runs fill the shown ones afterwards
    detailed = len(shipments) <= DETAIL_ALL
    by_party: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_party[f.party_id].append(f)
    ilab_set = set(ilab_parties)
    scopes = [e for e in matcher.entries if e.kind == "scope" and e.list_name == "wro"] or None

    def name_of(pid: str) -> str:
        p = by_id.get(pid)
        return p.name if p is not None else pid

    verdicts: list[Verdict] = []
    st.start("verdicts", total=len(shipments), unit="shipments")
    for k, s in enumerate(shipments):
        if k % VERDICT_COUNT_EVERY == 0:
            st.update(k)
        up = graph.upstream(s.id) if detailed else None
        if up is not None:
            ilab = tuple(p for p in (s.exporter_id, *(p for p, _t in up.parties)) if p in ilab_set)
        else:
            hit = nearest_ilab[k].worst if nearest_ilab is not None else None
            ilab = (hit.party_id,) if hit is not None else ()
        ev = ShipmentEvidence(traced[k].worst, presumptive[k].tainted,
                              any_route[k].worst if any_route is not None else None, ilab, up,
                              nearest_untraced[k].worst, good_indicators(s, scopes))
        verdicts.append(decide(s, ev, lambda pid: by_party.get(pid, ()), name_of))
    if not detailed:  # fill the upstream lists of exactly the shipments the report details
        order = {"presumption": 0, "review": 1, "clear": 2}
        shown = sorted((v for v in verdicts if v.verdict != "clear"),
                       key=lambda v: (order[v.verdict], v.shipment_id))[:MAX_DETAILED]
        if hasattr(graph, "prefetch_upstream"):  # Spark: one batched search for every shown shipment
            graph.prefetch_upstream([v.shipment_id for v in shown])
        for v in shown:
            up = graph.upstream(v.shipment_id)
            v.upstream = up.count
            v.upstream_parties = [list(x) for x in up.parties[:200]]
    tally = dict.fromkeys(("presumption", "review", "clear"), 0)
    for decided in verdicts:
        tally[decided.verdict] += 1
    st.end(note=", ".join(f"{n:,} {word}" for word, n in tally.items()))
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
    """Parties that sell a material short of its origin but have no recorded inputs at all: a tier still to
    trace (bulk runs; small runs list untraced tiers per shipment from the product graph)."""
    cols = links if isinstance(links, LinkColumns) else LinkColumns.from_links(links)
    buyers = set(cols.buyer_id)
    out: set[str] = set()
    raw: dict[str, bool] = {}
    sold = [*zip(cols.supplier_id, cols.material, strict=True),
            *((x.exporter_id, x.material) for x in shipments)]
    for sup, mat in sold:
        if sup not in buyers and sup not in out:
            if mat not in raw:
                raw[mat] = mmap.is_origin(mat)
            if not raw[mat]:
                out.add(sup)
    return out


def verdict_row(v: Verdict) -> list:
    """One verdicts.csv row (:data:`VERDICT_COLUMNS`), for every engine."""
    def yes(x: object) -> str:
        return "true" if x else "false"

    return [v.shipment_id, v.verdict, ">".join(v.path), " | ".join(v.reasons), yes(v.priority_sector),
            yes(v.ilab), yes(v.traced_to_origin), ";".join(v.untraced), v.tier or "",
            v.path[0] if v.path else "", v.material, v.priority_sector, yes(v.wro_scope), v.tiers_traced or ""]


OUTPUT_NAMES = ("verdicts.csv", "findings.jsonl", "result.json", "report.html", "report.pdf")


def write_outputs(result: ScreenResult, out_dir: Path, html: bool = True, pdf: bool = True,
                  on_file: Callable[[int, str], None] | None = None) -> dict[str, Path]:
    """Write every output into a staging folder beside ``out_dir`` and swap it in whole (a crash leaves the
    previous outputs as they were, never new verdicts beside an old report). A folder holding other files
    is refused, not replaced. ``on_file(n, name)`` hears each file written (n so far)."""
    out_dir = Path(out_dir)
    with staged_dir(out_dir, replaces={*OUTPUT_NAMES, *(f".{n}.partial" for n in OUTPUT_NAMES)}) as tmp:
        names = _write_files(result, tmp, html, pdf, on_file)
    return {n: out_dir / n for n in names}


def _write_files(result: ScreenResult, out_dir: Path, html: bool, pdf: bool,
                 on_file: Callable[[int, str], None] | None = None) -> list[str]:
    paths: list[str] = []

    def put(name: str, write: Callable[[Path], object]) -> None:
        write(out_dir / name)
        paths.append(name)
        if on_file is not None:
            on_file(len(paths), name)

    def verdicts_csv(p: Path) -> None:
        with p.open("w", encoding="utf-8", newline="") as fh:
            # neutralises formulas; tier and tiers_traced are numbers
            w = csvout.writer(fh, numeric=(VERDICT_COLUMNS.index("tier"), VERDICT_COLUMNS.index("tiers_traced")))
            w.writerow(VERDICT_COLUMNS)
            for v in result.verdicts:
                w.writerow(verdict_row(v))

    def findings_jsonl(p: Path) -> None:
        with p.open("w", encoding="utf-8") as fh:
            for f in result.findings:
                fh.write(json.dumps(asdict(f), ensure_ascii=False, default=str) + "\n")

    def result_json(p: Path) -> None:
        p.write_text(json.dumps(result.to_json(), ensure_ascii=False, default=str), encoding="utf-8")

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
    """``result.json`` (the :class:`~laborlens.screen.result.ScreenResult` contract)."""
    return result.to_json()


def plan_of(sources: Sequence[FindingSource]) -> list[str | tuple[str, str]]:
    """The stages of a run of :func:`screen_dir` with these finding sources, in order."""
    return ["read", "validate", "prepare", "volumes", *((src.name, src.message) for src in sources), "trace",
            "verdicts", "write"]


def screen_dir(data_dir: Path, out_dir: Path, settings=None, progress: Progress | Stages | None = None,
               pdf: bool = False, html: bool = True, bom: Path | None = None, engine=None) -> dict:
    """Screen the files in ``data_dir`` against the store's current lists and analyst decisions.
    ``progress`` follows the run's stages (:mod:`laborlens.screen.stages`), from reading the files to
    writing the evidence pack."""
    from laborlens.decisions import latest_decisions
    from laborlens.errors import InputErrors
    from laborlens.ingest.loader import find_tables, read_files
    from laborlens.ingest.validate import validate_tables
    from laborlens.match.service import matcher_for_store
    from laborlens.settings import load_settings
    from laborlens.store import open_store

    st = as_stages(progress)
    st.plan(plan_of(default_sources()))
    if pdf:
        st.weigh("write", 40.0)  # rendering the PDF takes longer than screening a small run
    settings = settings or load_settings()
    store = open_store(settings)
    if engine is not None and hasattr(engine, "screen_folder"):  # DuckDB: the files are read in DuckDB
        matcher = matcher_for_store(store)
        with store.session() as s:
            decisions = latest_decisions(s)
        mmap = MaterialMap.default().with_bom(bom) if bom else None
        return engine.screen_folder(Path(data_dir), Path(out_dir), matcher, decisions, mmap,
                                    {"store": store, "settings": settings}, st, html=html, pdf=pdf)
    files = find_tables(Path(data_dir))
    st.start("read", total=len(files), unit="files")
    tables = read_files(files, on_read=st.update)
    rows = sum(len(t.rows) for t in tables.values())
    st.end(note=", ".join(f"{len(t.rows):,} {name}" for name, t in tables.items()))
    st.start("validate", total=rows, unit="rows")
    v = validate_tables(tables.get("parties"), tables.get("links"), tables.get("shipments"))
    if v.errors:
        raise InputErrors(v.errors)
    parties, links, shipments = v.parties, v.links, v.shipments
    st.start("prepare")
    matcher = matcher_for_store(store)
    with store.session() as s:
        decisions = latest_decisions(s)
    st.end(note=f"{len(matcher.entries):,} list entries, {len(decisions):,} decisions")
    mmap = MaterialMap.default().with_bom(bom) if bom else None
    result = screen_tables(parties, links, shipments, matcher, decisions, mmap, st,
                           options={"store": store, "settings": settings}, engine=engine)
    names = [n for n in OUTPUT_NAMES if n not in (("report.html",) if not html else ())
             and n not in (("report.pdf",) if not pdf else ())]
    st.start("write", total=len(names), unit="files")
    write_outputs(result, Path(out_dir), html=html, pdf=pdf, on_file=lambda k, _name: st.update(k))
    st.end(note=", ".join(names))
    st.finish()
    return result.summary()
