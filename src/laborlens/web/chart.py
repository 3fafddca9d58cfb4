"""Verdict chart as inline SVG (no scripts, no external assets): a donut and labelled bars."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

COLOURS = {"presumption": "#d92d20", "review": "#f79009", "clear": "#17b26a"}
LABELS = {"presumption": "Presumption", "review": "Review", "clear": "Clear"}


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0
    x0, y0 = cx + r * math.sin(start), cy - r * math.cos(start)
    x1, y1 = cx + r * math.sin(end), cy - r * math.cos(end)
    return f"M{x0:.2f},{y0:.2f} A{r},{r} 0 {large} 1 {x1:.2f},{y1:.2f}"


def verdict_bars(counts: dict[str, int], width: int = 520) -> Markup:
    """Donut of the verdict shares with the total in the middle, and one bar per verdict."""
    total = sum(counts.get(k, 0) for k in COLOURS)
    cx = cy = 70
    r = 54
    label = escape(", ".join(f"{counts.get(k, 0)} {k}" for k in COLOURS))
    parts = [f'<svg class="chart" viewBox="0 0 {width} 140" role="img" aria-label="Verdicts: {label}">',
             f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#eaecf0" stroke-width="18"/>']
    angle = 0.0
    for key, colour in COLOURS.items():
        n = counts.get(key, 0)
        if not total or not n:
            continue
        sweep = 2 * math.pi * n / total
        if sweep >= 2 * math.pi - 1e-6:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{colour}" stroke-width="18"/>')
        else:
            parts.append(f'<path d="{_arc(cx, cy, r, angle, angle + sweep)}" fill="none" stroke="{colour}" '
                         f'stroke-width="18"/>')
        angle += sweep
    parts.append(f'<text x="{cx}" y="{cy + 2}" text-anchor="middle" class="chart-total">{total}</text>'
                 f'<text x="{cx}" y="{cy + 20}" text-anchor="middle" class="chart-sub">shipments</text>')
    x0, bar_w = 170, width - 170 - 70
    for i, (key, colour) in enumerate(COLOURS.items()):
        n = counts.get(key, 0)
        y = 22 + i * 40
        w = bar_w * n / total if total else 0
        parts.append(f'<text x="{x0}" y="{y}" class="chart-label">{LABELS[key]}</text>'
                     f'<rect x="{x0}" y="{y + 6}" width="{bar_w}" height="12" rx="6" fill="#f2f4f7"/>'
                     f'<rect x="{x0}" y="{y + 6}" width="{max(w, 0):.1f}" height="12" rx="6" fill="{colour}"/>'
                     f'<text x="{x0 + bar_w + 10}" y="{y + 17}" class="chart-value">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
