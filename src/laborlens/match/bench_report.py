"""Tables for ``laborlens bench match`` and the provenance written with a fitted model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from laborlens.match import evaluate as ev
from laborlens.match.model import MODEL, PairModel

SCORERS = (("laborlens", "fitted"), ("previous", "previous"), ("baseline", "WRatio"))


def _cell(k: dict, kind: str, reading: str = "flagged") -> str:
    from laborlens.match.evaluate import AMBIGUOUS

    if reading == "match" and kind in AMBIGUOUS:
        return "(review)"  # meant for a person: not counted in the match-only reading
    if kind.startswith("neg"):
        return f"{k['flag_rate']:.3f}"
    return f"{k['recall']:.3f}"


def print_quality(con: Console, q: dict) -> None:
    t = Table(title=f"Held-out quality: {q['rows']} rows, {q['entities']} listed entities, {q['folds']} "
                    f"entity/brand-disjoint folds (positives: recall; negatives: share flagged)")
    t.add_column("phenomenon")
    t.add_column("n", justify="right")
    for _key, label in SCORERS:
        t.add_column(f"{label} flagged", justify="right")
        t.add_column(f"{label} match", justify="right")
    kinds = q["laborlens"]["flagged"]["per_kind"]
    unl = [k for k in kinds if k.startswith("neg_unlisted")]
    for kind in [k for k in kinds if not k.startswith("neg")] + [k for k in kinds if k.startswith("neg") and k not in unl]:
        cells = []
        for key, _label in SCORERS:
            for reading in ("flagged", "match"):
                cells.append(_cell(q[key][reading]["per_kind"][kind], kind, reading))
        t.add_row(kind, str(kinds[kind]["n"]), *cells)
    n_unl = sum(kinds[k]["n"] for k in unl)
    t.add_row(f"unlisted names ({len(unl)} renderings/languages)", str(n_unl),
              *[f"{q[key][rd]['unlisted_flagged']:.4f}" for key, _ in SCORERS for rd in ("flagged", "match")])
    for metric in ("precision", "recall", "f1"):
        t.add_row(f"[b]{metric}[/b]", "",
                  *[f"{q[key][rd][metric]:.3f}" for key, _ in SCORERS for rd in ("flagged", "match")])
    con.print(t)


def print_speed(con: Console, speed: dict) -> None:
    t = Table(title="Throughput (local engine, all cores) beside brute-force WRatio cdist in the same process; "
                    "ratio = baseline s / laborlens s, for the baseline on every row and on each distinct name once")
    for col in ("run", "entities", "names", "distinct", "laborlens s", "names/s", "baseline s", "ratio",
                "baseline distinct s", "ratio distinct", "peak RSS MiB"):
        t.add_column(col)
    nan = float("nan")
    for label, s in speed.items():
        if label == "latency":
            continue
        t.add_row(label, str(s["entities"]), f"{s['names']:,}", f"{s.get('distinct', 0):,}",
                  f"{s['laborlens_seconds']:.1f}", f"{s['laborlens_qps']:,.0f}",
                  f"{s.get('baseline_seconds', nan):.1f}", f"{s.get('speed_ratio', nan):.2f}x",
                  f"{s.get('baseline_distinct_seconds', nan):.1f}", f"{s.get('speed_ratio_distinct', nan):.2f}x",
                  f"{s['peak_rss_mib_main']:.0f} main / {s['peak_rss_mib_workers']:.0f} worker")
    con.print(t)
    lat = speed.get("latency")
    if lat:
        con.print(f"single name, warm: p50 {lat['p50_ms']:.2f} ms, p99 {lat['p99_ms']:.2f} ms, "
                  f"max {lat['max_ms']:.1f} ms over {lat['n']} names")


def save_model(q: dict, path: Path = MODEL) -> Path:
    m: PairModel = q["model"]
    held = q["laborlens"]
    version = f"{date.today().isoformat()}-lr"
    prov = {
        "fitted": date.today().isoformat(),
        "method": f"L2 logistic regression (scikit-learn's objective, C={ev.C}) solved by scipy L-BFGS-B with "
        f"sign bounds (≥ 0: {', '.join(sorted(ev.POSITIVE))}; ≤ 0: {', '.join(sorted(ev.NEGATIVE))}); left out: "
        f"{', '.join(ev.DROPPED)}; rows weighted so every phenomenon counts the same; thresholds fitted for F2 "
        "on held-out predictions (in the folds, on an inner split of the training folds)",
        "rows": q["rows"], "entities": q["entities"], "folds": q["folds"],
        "held_out": {rd: {k: round(held[rd][k], 4) for k in ("precision", "recall", "f1", "unlisted_flagged")}
                     for rd in ("flagged", "match")},
    }
    PairModel(m.weights, m.intercept, m.match, m.review, version, prov).save(path)
    from laborlens.match import model as model_mod

    model_mod.load.cache_clear()
    return path
