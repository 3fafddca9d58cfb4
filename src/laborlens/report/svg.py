"""Figures as inline SVG (crisp in browsers and in WeasyPrint PDFs, no JavaScript needed)."""

from __future__ import annotations

from collections import defaultdict
from html import escape

COLORS = {"presumption": "#b42318", "review": "#b54708", "clear": "#067647", "none": "#667085"}


def bar_chart(counts: dict[str, int], title: str, width: int = 420) -> str:
    items = list(counts.items())
    bar_h, gap, left = 26, 10, 120
    height = len(items) * (bar_h + gap) + 40
    top = max([v for _, v in items] + [1])
    rows = []
    for i, (k, v) in enumerate(items):
        y = 30 + i * (bar_h + gap)
        w = int((width - left - 60) * v / top)
        color = COLORS.get(k, "#175cd3")
        rows.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" class="lbl">{escape(k)}</text>'
                    f'<rect x="{left}" y="{y}" width="{max(w, 2)}" height="{bar_h}" rx="4" fill="{color}"/>'
                    f'<text x="{left + max(w, 2) + 6}" y="{y + 18}" class="val">{v}</text>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(title)}"><text x="0" y="16" class="ttl">{escape(title)}</text>{"".join(rows)}</svg>')


def tier_map(layout: dict, shipment_id: str) -> str:
    """Layered drawing of who feeds a shipment, from the one tier map of
    :func:`laborlens.screen.tiermap.tier_map` (the web UI draws the same nodes at the same tiers): the
    furthest tier on the left, the importer (tier 0) on the right; the evidence path in red."""
    nodes = layout["nodes"]
    cols: dict[int, list[dict]] = defaultdict(list)
    for n in nodes:
        cols[int(n["tier"])].append(n)
    max_t = max(cols) if cols else 0
    col_w, row_h, node_w, node_h = 170, 54, 150, 40
    n_rows = max([len(v) for v in cols.values()] + [1])
    width = (max_t + 1) * col_w + 20
    height = n_rows * row_h + 50
    pos: dict[str, tuple[float, float]] = {}
    for t, col in cols.items():
        x = (max_t - t) * col_w + 10
        off = (n_rows - len(col)) * row_h / 2
        for i, n in enumerate(sorted(col, key=lambda n: (-n["on_path"], n["id"]))):
            pos[n["id"]] = (x, 30 + off + i * row_h)
    parts = [f'<svg class="tiermap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="img" aria-label="Tier map for shipment {escape(shipment_id)}">',
             '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#98a2b3"/></marker>'
             '<marker id="arrR" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#b42318"/></marker></defs>']
    for t in sorted(cols):
        x = (max_t - t) * col_w + 10
        label = "importer" if t == 0 else f"tier {t}"
        parts.append(f'<text x="{x + node_w / 2}" y="16" text-anchor="middle" class="tier">{label}</text>')
    for e in layout["edges"]:
        a, b = e["source"], e["target"]
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        red = e.get("on_path", 0) == 2
        sx, sy, ex, ey = x1 + node_w, y1 + node_h / 2, x2, y2 + node_h / 2
        if x2 <= x1:  # same or backwards column (cycle): arc above
            sx, ex = x1 + node_w / 2, x2 + node_w / 2
        mid = (sx + ex) / 2
        parts.append(f'<path d="M {sx} {sy} C {mid} {sy}, {mid} {ey}, {ex} {ey}" fill="none" '
                     f'stroke="{"#b42318" if red else "#98a2b3"}" stroke-width="{2.5 if red else 1.2}" '
                     f'marker-end="url(#{"arrR" if red else "arr"})"><title>{escape(a)} → {escape(b)}: '
                     f'{escape(", ".join(sorted(set(e.get("materials") or []))))}</title></path>')
    for n in nodes:
        nx, ny = pos[n["id"]]
        sev = n.get("severity") or "none"
        fill = {"presumption": "#fef3f2", "review": "#fffaeb"}.get(sev, "#ffffff")
        stroke = COLORS.get(sev, "#d0d5dd") if sev != "none" else "#d0d5dd"
        dash = ' stroke-dasharray="4 3"' if n.get("untraced") else ""
        name = n.get("name") or n["id"]
        short = name if len(name) <= 24 else name[:23] + "…"
        parts.append(f'<g class="node" data-party="{escape(n["id"])}" data-tier="{n["tier"]}"><rect x="{nx}" '
                     f'y="{ny}" width="{node_w}" height="{node_h}" rx="6" fill="{fill}" stroke="{stroke}" '
                     f'stroke-width="{2 if sev != "none" else 1}"{dash}/>'
                     f'<text x="{nx + 8}" y="{ny + 16}" class="nid">{escape(n["id"])} · '
                     f'{escape(n.get("country", ""))}</text>'
                     f'<text x="{nx + 8}" y="{ny + 32}" class="nname">{escape(short)}</text>'
                     f'<title>{escape(name)}\n{escape(n.get("address", ""))}'
                     f'{" (gives no suppliers)" if n.get("untraced") else ""}</title></g>')
    parts.append("</svg>")
    return "".join(parts)
