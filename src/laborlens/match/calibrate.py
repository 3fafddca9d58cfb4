"""Thresholds from labelled data: ``match`` where F2 peaks (middle of the best plateau, for margin) and
``review`` low enough to surface near-misses for a human without flooding them."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from laborlens.errors import InputError
from laborlens.match.matcher import Matcher, MatchResult, Thresholds

if TYPE_CHECKING:
    from laborlens.service.context import Context

CALIBRATION_FILE = "calibration.json"  # in this installation's home; read by ``service.matcher_for_store``


@dataclass(slots=True)
class Labelled:
    id: str
    name: str
    country: str
    expected: str
    kind: str


def read_labelled(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"name", "expected"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"missing column(s) {', '.join(sorted(missing))}", file=str(path), row=1)
        return [Labelled(r.get("id", ""), r["name"], r.get("country", ""), r["expected"].strip(),
                         r.get("kind", "") or ("pos" if r["expected"].strip() else "neg")) for r in reader]


def metrics(rows: list[Labelled], results: list[MatchResult], threshold: float) -> dict:
    tp = fp = fn = 0
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, x in zip(rows, results, strict=False):
        pred = x.entity_id if x.score >= threshold else ""
        if pred and pred == r.expected:
            tp += 1
        elif pred:
            fp += 1
        if r.expected and pred != r.expected:
            fn += 1
        per[r.kind][0] += pred == r.expected
        per[r.kind][1] += 1
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    f2 = 5 * p * rc / (4 * p + rc) if p + rc else 0.0  # recall weighs more: a missed listed entity costs most
    return {"threshold": threshold, "precision": p, "recall": rc, "f1": f1, "f2": f2, "tp": tp, "fp": fp, "fn": fn,
            "per_kind": {k: {"correct": a, "total": b, "rate": a / b} for k, (a, b) in sorted(per.items())}}


def calibrate(matcher: Matcher, rows: list[Labelled]) -> tuple[Thresholds, dict]:
    results = [matcher.best(r.name, r.country) for r in rows]
    grid = [round(0.40 + 0.01 * i, 2) for i in range(56)]
    scored = [metrics(rows, results, t) for t in grid]
    # F2, not F1: in forced-labor screening a missed listed entity costs far more than a false alarm
    best = max(m["f2"] for m in scored)
    plateau = [m["threshold"] for m in scored if m["f2"] >= best - 1e-9]
    t_match = round((plateau[0] + plateau[-1]) / 2, 2)
    # Review: catch near-misses of true positives, at most 5% of negatives sent to a human.
    negs = [x.score for r, x in zip(rows, results, strict=False) if not r.expected]
    t_review = t_match
    for t in sorted(grid, reverse=True):
        if t > t_match:
            continue
        share = sum(s >= t for s in negs) / max(1, len(negs))
        if share > 0.05 or t < t_match - 0.25:
            break
        t_review = t
    th = Thresholds(t_match, t_review, f"calibrated {date.today().isoformat()} on {len(rows)} labelled rows")
    return th, metrics(rows, results, t_match)


def save(th: Thresholds, report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"match": th.match, "review": th.review, "source": th.source,
                                "f1": round(report["f1"], 4)}, indent=2) + "\n")


def save_thresholds(ctx: Context, th: Thresholds, report: dict, labelled_name: str) -> Path:
    """Use case: make these thresholds the ones every later run in this home uses, and audit it (admin)."""
    from laborlens import audit

    principal = ctx.require("admin")
    target = ctx.settings.home / CALIBRATION_FILE  # this installation's, never the shipped model
    with ctx.unit_of_work() as s:
        audit.record(s, principal.username, "thresholds.calibrate", labelled_name,
                     {"match": th.match, "review": th.review, "f1": round(report["f1"], 4)})
        save(th, report, target)  # written inside the unit: a failed write rolls the audit entry back
    return target
