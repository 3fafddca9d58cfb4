"""Render the evidence pack a customs broker would send to CBP: summary, chart, per-shipment tier maps,
findings with sources and list editions, documents cited, and what a rebuttal still needs."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from laborlens.report.svg import bar_chart, tier_map

_env = Environment(loader=PackageLoader("laborlens.report", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _context(result) -> dict:
    from laborlens.refdata.catalog import UFLPA_GAP
    from laborlens.screen.run import MAX_DETAILED, to_json

    data = to_json(result)
    summary = data["summary"]
    parties = data["parties"]
    findings_by_party: dict[str, list[dict]] = defaultdict(list)
    severity: dict[str, str] = {}
    for f in data["findings"]:
        findings_by_party[f["party_id"]].append(f)
        if f["severity"] == "presumption" or (f["severity"] == "review" and severity.get(f["party_id"]) != "presumption"):
            severity[f["party_id"]] = f["severity"]
    links_by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    docs_by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ln in data["links"]:
        links_by_pair[(ln["supplier_id"], ln["buyer_id"])].append(ln["material"])
        if ln.get("document"):
            docs_by_pair[(ln["supplier_id"], ln["buyer_id"])].append(ln["document"])
    flagged_volume = {m["party_id"]: m for m in data["mass_balance"]}
    order = {"presumption": 0, "review": 1, "clear": 2}
    detailed = sorted((v for v in data["verdicts"] if v["verdict"] != "clear"),
                      key=lambda v: (order[v["verdict"]], v["shipment_id"]))[:MAX_DETAILED]
    sections = []
    for v in detailed:
        path = v["path"]
        hops = [(path[i], path[i + 1]) for i in range(len(path) - 1)]
        docs = [(a, b, docs_by_pair.get((a, b), [])) for a, b in hops]
        involved = set(path) | {h["party_id"] for h in v["tainted"]}
        missing = []
        if v["untraced"]:
            missing.append(f"trace inputs of {', '.join(v['untraced'][:8])} back to raw materials")
        for a, b, d in docs:
            if not d:
                missing.append(f"transaction documents for {a} → {b}")
        for pid in sorted(involved & set(flagged_volume)):
            missing.append(f"reconcile volumes at {pid}: {flagged_volume[pid]['explanation']}")
        sections.append({
            "v": v,
            "map": Markup(tier_map(v, parties, links_by_pair, severity)),
            "findings": [f for pid in ([*path, *sorted(involved - set(path))]) for f in findings_by_party.get(pid, [])
                         if f["severity"] in ("presumption", "review")],
            "docs": docs,
            "missing": missing,
        })
    rules = Counter(f["rule"] for f in data["findings"] if f["severity"] in ("presumption", "review"))
    return {
        "s": summary,
        "gap": UFLPA_GAP,
        "uflpa_partial": any(x["list"] == "uflpa" and "bundled" in x["edition"] for x in summary["lists"]),
        "chart": Markup(bar_chart({k: summary[k] for k in ("presumption", "review", "clear")},
                                  "Shipments by verdict")),
        "rules_chart": Markup(bar_chart(dict(rules.most_common()), "Findings by rule")) if rules else "",
        "verdicts": sorted(data["verdicts"], key=lambda v: (order[v["verdict"]], v["shipment_id"])),
        "sections": sections,
        "truncated": max(0, sum(v["verdict"] != "clear" for v in data["verdicts"]) - len(detailed)),
        "parties": parties,
        "importers": sorted({v["importer_id"] for v in data["verdicts"]}),
        "mass_balance": data["mass_balance"],
    }


def render_html(result) -> str:
    return _env.get_template("report.html").render(**_context(result))


def render_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(str(path))
