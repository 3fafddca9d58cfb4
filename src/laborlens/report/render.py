"""Render the evidence pack a customs broker would send to CBP: summary, chart, per-shipment tier maps,
findings with sources and list editions, documents cited, and what a rebuttal still needs.

It renders a :class:`~laborlens.screen.result.ScreenResult` (or a parsed ``result.json``) and never imports
the screening run: the pipeline calls the report, not the other way round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from laborlens.errors import LaborlensError
from laborlens.report.svg import bar_chart, tier_map
from laborlens.screen.result import MAX_DETAILED, ScreenResult, Verdict
from laborlens.screen.tiermap import tier_map as layout_of

_env = Environment(
    loader=PackageLoader("laborlens.report", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ORDER = {"presumption": 0, "review": 1, "clear": 2}


def _missing(result: ScreenResult, v: Verdict, flagged_volume: Mapping[str, dict]) -> list[str]:
    """What a rebuttal still needs for this shipment."""
    head = []
    if v.verdict == "presumption" and v.path:
        # UFLPA: the importer must show by clear and convincing evidence that no forced labor went into it
        pid = v.path[0]
        head.append(f"clear and convincing evidence that no input from {result.party_name(pid)} ({pid}) went "
                    f"into this good, or that {pid} is not the listed or XUAR party")
    out = head + [
        f"trace the inputs of {g['party_id']} ({result.party_name(g['party_id'])}) for "
        f"{g['material'] or 'what it sells'} back to raw materials"
        for g in v.gaps[:8]
    ]
    if not v.gaps and v.untraced:  # results written before gaps were recorded
        out.append(f"trace inputs of {', '.join(v.untraced[:8])} back to raw materials")
    for a, b in zip(v.path, v.path[1:], strict=False):
        if not any(ln.document for ln in result.suppliers_of(b) if ln.supplier_id == a):
            out.append(f"transaction documents for {a} → {b}")
    involved = set(v.path) | {h["party_id"] for h in v.tainted}
    for pid in sorted(involved & set(flagged_volume)):
        out.append(f"reconcile volumes at {pid}: {flagged_volume[pid]['explanation']}")
    return out


def _context(result: ScreenResult) -> dict[str, Any]:
    from laborlens.refdata.catalog import UFLPA_GAP

    summary = result.summary()
    flagged_volume = {m["party_id"]: m for m in result.mass_balance}
    # Presumptions get their own section with a tier map; review shipments a row each in a compact table
    # (reason, gap, what a rebuttal still needs): the pack stays short enough for a broker to send.
    detailed = sorted(
        (v for v in result.verdicts if v.verdict == "presumption"), key=lambda v: v.shipment_id
    )[:MAX_DETAILED]
    sections = []
    for v in detailed:
        layout = layout_of(result, v)
        docs = [
            (
                a,
                b,
                sorted({ln.document for ln in result.suppliers_of(b) if ln.supplier_id == a and ln.document}),
            )
            for a, b in zip(v.path, v.path[1:], strict=False)
        ]
        involved = set(v.path) | {h["party_id"] for h in v.tainted}
        order = [*v.path, *sorted(involved - set(v.path))]
        sections.append(
            {
                "v": v,
                "map": Markup(tier_map(layout, v.shipment_id)),
                "findings": [
                    f
                    for pid in order
                    for f in result.findings_of(pid)
                    if f.severity in ("presumption", "review") or (f.details or {}).get("human")
                ],
                "docs": docs,
                "missing": _missing(result, v, flagged_volume),
            }
        )
    rules = Counter(f.rule for f in result.findings if f.severity in ("presumption", "review"))
    reviews = [
        {"v": v, "missing": _missing(result, v, flagged_volume)}
        for v in sorted((v for v in result.verdicts if v.verdict == "review"), key=lambda v: v.shipment_id)
    ]
    decisions = [
        (f, str(f.details.get("human")))
        for f in result.findings
        if f.rule == "list_match" and (f.details or {}).get("human")
    ]
    return {
        "s": summary,
        "gap": UFLPA_GAP,
        "uflpa_partial": any(x["list"] == "uflpa" and "bundled" in x["edition"] for x in summary["lists"]),
        "chart": Markup(
            bar_chart({k: summary[k] for k in ("presumption", "review", "clear")}, "Shipments by verdict")
        ),
        "rules_chart": Markup(bar_chart(dict(rules.most_common()), "Findings by rule")) if rules else "",
        "verdicts": sorted(result.verdicts, key=lambda v: (_ORDER[v.verdict], v.shipment_id)),
        "sections": sections,
        "truncated": max(0, sum(v.verdict == "presumption" for v in result.verdicts) - len(detailed)),
        "reviews": reviews,
        "decisions": decisions,
        "cjk_warning": "",
        "parties": result.parties,
        "pname": result.party_name,
        "importers": sorted({f"{result.party_name(v.importer_id)} ({v.importer_id})"
                             for v in result.verdicts}),
        "mass_balance": result.mass_balance,
    }


def render_html(result: ScreenResult | Mapping[str, Any], cjk_warning: str = "") -> str:
    if not isinstance(result, ScreenResult):
        result = ScreenResult.from_json(result)
    return _env.get_template("report.html").render(**{**_context(result), "cjk_warning": cjk_warning})


CJK_INSTALL = ("install a Chinese font and render again: `apt-get install fonts-wqy-zenhei` "
               "(or fonts-noto-cjk) on Debian/Ubuntu, `dnf install wqy-zenhei-fonts` on Fedora")


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def cjk_font_missing() -> str:
    """"" when fontconfig knows a font covering Chinese, else what to do (the PDF would show empty boxes)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return "fontconfig (fc-list) is not installed, so no Chinese font can be found: " + CJK_INSTALL
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "fc-list failed, so no Chinese font could be found: " + CJK_INSTALL
    return "" if out.stdout.strip() else "no font with Chinese glyphs is installed: " + CJK_INSTALL


PDF_EXTRA = ("PDF evidence packs need WeasyPrint: pip install 'laborlens[pdf]' "
             "(and Pango, e.g. apt-get install libpango-1.0-0)")


def pdf_support() -> str:
    """"" when WeasyPrint can write PDFs here, else why not and how to install it (it is an optional extra:
    everything but the PDF works without it)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint present but Pango missing
        return f"{PDF_EXTRA} ({type(exc).__name__}: {exc})"
    return ""


def render_pdf(html: str, path: Path) -> str:
    """Write the PDF; returns a warning ("" when none). Chinese names render as empty boxes without a CJK
    font, so when the pack has Chinese text and no such font is installed the warning says how to install one
    and the PDF itself carries it on its first page."""
    missing = pdf_support()
    if missing:
        raise LaborlensError(missing)
    from weasyprint import HTML

    warning = cjk_font_missing() if has_cjk(html) else ""
    if warning:
        banner = ('<div class="warn" id="cjk-warning"><b>Chinese text in this pack may show as empty '
                  f"boxes:</b> {warning}</div>")
        html = html.replace("<main>", "<main>" + banner, 1)
    HTML(string=html).write_pdf(str(path))
    return warning
