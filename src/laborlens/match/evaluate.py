"""Entity-disjoint evaluation and fitting of the pair model.

Rows come from ``phenomena`` (variants and hard negatives of every listed entity, real and generated) and
the unlisted corpus. Every row has a group — a listed entity's brand cluster, or an unlisted name's brand —
and groups fall into folds, so an entity and its brand never sit on both sides. Weights and thresholds are
fitted on training folds only; figures are read on the held-out fold, for every fold in turn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from laborlens.match.features import FEATURES
from laborlens.match.matcher import Matcher, Thresholds
from laborlens.match.model import PairModel
from laborlens.match.phenomena import FOLDS, Row, fold_of, phenomena_rows, synthetic_entities, unlisted_rows
from laborlens.model import WatchEntry

# Phenomena that should reach a person, not be decided: one syllable of the brand changed when the rest
# agrees may be a typo or another company. They count as positives when flagged, are fitted with a soft
# label (half positive, half negative), and take no part in the match-only reading.
AMBIGUOUS = frozenset({"brand_edit"})
# L2 penalty of the fit, and features left out of it (weight 0): the squared coverage terms duplicate the
# linear ones; words the query adds are already counted by ``precision_all`` (with both, the fit gave "distinctive
# words the list lacks" a positive weight); ``brand_found`` duplicates ``brand_min``.
C = 3.0
DROPPED: tuple[str, ...] = ("cover_sq", "precision_sq", "query_extra_distinct", "extra_x_brand", "brand_found")
# Signs the evidence must have, so that an explanation reads the way an analyst reads it: agreement never
# counts against a match, conflict never for it. Without these bounds collinear features (brand_cover,
# cover_all, brand_exact...) took large weights of opposite sign ("distinctive words found: -4.8").
# Features not named here (truncation, acronym, script channel, one-word listings...) may go either way.
POSITIVE: frozenset[str] = frozenset({
    "brand_cover", "brand_min", "brand_exact", "cover_all", "precision_all", "generic_agree", "place_agree",
    "legal_agree", "number_agree", "han_sim", "han_brand", "subsidiaries", "brand_found", "all_agree",
    "identical", "close"})
NEGATIVE: frozenset[str] = frozenset({
    "query_extra_distinct", "generic_conflict", "place_conflict", "place_missing", "legal_conflict",
    "number_conflict", "number_missing", "qualifier_conflict", "qualifier_extra", "country_conflict",
    "brand_absent", "brand_x_place_conflict", "brand_x_generic_conflict", "qualifier_extra_x_cover",
    "legal_conflict_x_cover", "number_conflict_x_cover", "brand_pinyin_changed"})
MATCH_PRECISION = 0.99
REVIEW_PRECISION = 0.97  # flagged (match or review) must stay worth a person's time  # the match threshold is the F2 optimum among those keeping this precision


@dataclass(slots=True)
class Dataset:
    entries: list[WatchEntry]
    extra_names: dict[str, tuple[str, ...]]
    rows: list[Row]

    def fold(self, r: Row) -> int:
        return fold_of(r.group)


def build(entries: Sequence[WatchEntry], extra_names: dict[str, tuple[str, ...]], synthetic: int = 225,
          unlisted_cn: int = 6000, unlisted_foreign: int = 2000, seed: int = 5) -> Dataset:
    syn, comps = synthetic_entities(synthetic, seed=seed + 1)
    all_entries = [*entries, *syn]
    rows = phenomena_rows(all_entries, extra_names, comps, seed=seed)
    rows += unlisted_rows(unlisted_cn, unlisted_foreign, seed=seed + 2, exclude=list(comps.values()),
                          listed=[n for e in all_entries for n in e.all_names])
    return Dataset(all_entries, dict(extra_names), rows)


# -- candidate evidence, computed once -------------------------------------------------------------------
Cands = list[tuple[str, np.ndarray]]  # (entity id, one feature row per (indexed name, reading))


def collect(m: Matcher, rows: Sequence[Row], progress: Callable[[int], None] | None = None) -> list[Cands]:
    out = []
    for k, r in enumerate(rows):
        per: dict[str, list[list[float]]] = defaultdict(list)
        for ei, _ni, _qf, ev in m.evidence(r.name, r.country):
            per[m.entries[ei].entity_id].append(ev.values)
        out.append([(eid, np.asarray(v, dtype=float)) for eid, v in per.items()])
        if progress and k % 500 == 499:
            progress(500)
    return out


def _prob(w: np.ndarray, b: float, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ w + b)))


def predict(model: PairModel, cands: Sequence[Cands]) -> list[tuple[str, float]]:
    w, b = np.asarray(model.weights), model.intercept
    out = []
    for c in cands:
        best = ("", 0.0)
        for eid, x in c:
            p = float(_prob(w, b, x).max())
            if p > best[1] or (p == best[1] and eid < best[0]):
                best = (eid, p)
        out.append(best)
    return out


def _training_pairs(rows: Sequence[Row], cands: Sequence[Cands], model: PairModel | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (query, candidate entity): the reading the current model likes best (the first time,
    the one covering most of the listed name). Label: the candidate is the entity the query names."""
    xs, ys, ws = [], [], []
    # every phenomenon weighs the same in the fit, however many rows it has: a rare hard negative
    # (another number, another legal form) must not be drowned by thousands of easy rows
    per_kind: dict[str, int] = defaultdict(int)
    for r in rows:
        per_kind[r.kind] += 1
    for r, c in zip(rows, cands, strict=False):
        for eid, x in c:
            if model is None:
                k = int(np.argmax(x[:, FEATURES.index("cover_all")] + x[:, FEATURES.index("precision_all")]))
            else:
                k = int(np.argmax(_prob(np.asarray(model.weights), model.intercept, x)))
            w = 100.0 / (per_kind[r.kind] + 50)
            if eid == r.expected and r.kind in AMBIGUOUS:
                xs += [x[k], x[k]]
                ys += [1, 0]
                ws += [w / 2, w / 2]
                continue
            xs.append(x[k])
            ys.append(1 if eid == r.expected else 0)
            ws.append(w)
    return np.asarray(xs), np.asarray(ys), np.asarray(ws)


def bounds_for(feature: str) -> tuple[float | None, float | None]:
    if feature in POSITIVE:
        return 0.0, None
    if feature in NEGATIVE:
        return None, 0.0
    return None, None


def logistic_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float,
                 bounds: Sequence[tuple[float | None, float | None]]) -> tuple[np.ndarray, float]:
    """Weighted L2-penalised logistic regression (scikit-learn's objective: ½‖β‖² + C·Σ wᵢ·lossᵢ, intercept
    unpenalised) with box bounds on each weight, solved by L-BFGS-B (scipy)."""
    from scipy.optimize import minimize

    n, d = x.shape
    ys = 2.0 * y - 1.0

    def obj(theta: np.ndarray) -> tuple[float, np.ndarray]:
        beta, b = theta[:d], theta[d]
        z = ys * (x @ beta + b)
        loss = np.logaddexp(0.0, -z)
        g = -ys * w * (1.0 / (1.0 + np.exp(z)))  # d loss / d (x·β + b), weighted
        f = 0.5 * float(beta @ beta) + c * float(w @ loss)
        grad = np.empty(d + 1)
        grad[:d] = beta + c * (x.T @ g)
        grad[d] = c * g.sum()
        return f, grad

    res = minimize(obj, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)],
                   options={"maxiter": 5000})
    return res.x[:d], float(res.x[d])


def fit(rows: Sequence[Row], cands: Sequence[Cands], version: str = "", rounds: int = 2,
        c: float | None = None, drop: Sequence[str] | None = None, thresholds: bool = True) -> PairModel:
    """Logistic regression with L2 penalty ``c`` (default ``C``) over every feature except ``drop`` (default
    ``DROPPED``), whose weights stay 0; each weight keeps the sign its evidence has (``POSITIVE``,
    ``NEGATIVE``)."""
    c = C if c is None else c
    drop = DROPPED if drop is None else drop
    used = [i for i, f in enumerate(FEATURES) if f not in drop]
    bounds = [bounds_for(FEATURES[i]) for i in used]
    model = None
    for _ in range(rounds):
        x, y, w = _training_pairs(rows, cands, model)
        beta, b = logistic_fit(x[:, used], y.astype(float), w, c, bounds)
        coef = [0.0] * len(FEATURES)
        for i, v in zip(used, beta, strict=True):
            coef[i] = float(v)
        model = PairModel(tuple(coef), b, 1.0, 1.0, version)
    assert model is not None
    if not thresholds:
        return model
    th = fit_thresholds(rows, predict(model, cands))
    return PairModel(model.weights, model.intercept, th.match, th.review, version)


def out_of_fold(rows: Sequence[Row], cands: Sequence[Cands], folds: int = FOLDS) -> list[tuple[str, float]]:
    """Predictions for every row from a model fitted without the row's fold (weights only)."""
    preds: list[tuple[str, float]] = [("", 0.0)] * len(rows)
    fold = [fold_of(r.group, folds) for r in rows]
    for k in sorted(set(fold)):
        train = [i for i, f in enumerate(fold) if f != k]
        test = [i for i, f in enumerate(fold) if f == k]
        if not train or not test:
            continue
        model = fit([rows[i] for i in train], [cands[i] for i in train], thresholds=False)
        for i, pr in zip(test, predict(model, [cands[i] for i in test]), strict=False):
            preds[i] = pr
    return preds


# -- thresholds and figures ------------------------------------------------------------------------------
def counts(rows: Sequence[Row], preds: Sequence[tuple[str, float]], t: float) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for r, (eid, p) in zip(rows, preds, strict=False):
        flagged = eid if p >= t else ""
        if flagged and flagged == r.expected:
            tp += 1
        elif flagged:
            fp += 1
        if r.expected and flagged != r.expected:
            fn += 1
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": rc, "f1": 2 * p * rc / (p + rc) if p + rc else 0.0,
            "f2": 5 * p * rc / (4 * p + rc) if p + rc else 0.0, "tp": tp, "fp": fp, "fn": fn}


def fit_thresholds(rows: Sequence[Row], preds: Sequence[tuple[str, float]]) -> Thresholds:
    """``review`` where F2 of the flagged reading peaks (among thresholds keeping precision ≥
    REVIEW_PRECISION when any does); ``match`` where F2 peaks among thresholds that keep
    precision ≥ MATCH_PRECISION (a match is acted on without a person looking first)."""
    grid = [round(0.02 + 0.01 * i, 2) for i in range(97)]
    stats = {t: prf(*counts(rows, preds, t)) for t in grid}
    keep = [i for i, r in enumerate(rows) if r.kind not in AMBIGUOUS]
    mstats = {t: prf(*counts([rows[i] for i in keep], [preds[i] for i in keep], t)) for t in grid}
    good = [t for t in grid if stats[t]["precision"] >= REVIEW_PRECISION] or grid
    review = max(good, key=lambda t: (round(stats[t]["f2"], 6), -t))
    ok = [t for t in grid if mstats[t]["precision"] >= MATCH_PRECISION and t >= review]
    match = max(ok, key=lambda t: (round(mstats[t]["f2"], 6), -t)) if ok else max(grid)
    return Thresholds(match, min(review, match), f"fitted {date.today().isoformat()} on {len(rows)} rows")


def report(rows: Sequence[Row], preds: Sequence[tuple[str, float]], th: Thresholds | Sequence[Thresholds]
           ) -> dict:
    """Both readings (flagged = match|review, and match only), overall and per phenomenon, and the share of
    unlisted names flagged. ``th`` may give one threshold pair per row (each fold's own)."""
    ths = [th] * len(rows) if isinstance(th, Thresholds) else list(th)
    out: dict = {}
    for reading, attr in (("flagged", "review"), ("match", "match")):
        tp = fp = fn = 0
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fp, fn, n
        unl = [0, 0]
        for r, (eid, p), t in zip(rows, preds, ths, strict=False):
            f = eid if p >= getattr(t, attr) else ""
            k = per[r.kind]
            k[3] += 1
            if reading == "match" and r.kind in AMBIGUOUS:
                k[0] += f == r.expected
                continue
            if f and f == r.expected:
                tp += 1
                k[0] += 1
            elif f:
                fp += 1
                k[1] += 1
            if r.expected and f != r.expected:
                fn += 1
                k[2] += 1
            if r.kind.startswith("neg_unlisted"):
                unl[0] += bool(f)
                unl[1] += 1
        out[reading] = {**prf(tp, fp, fn), "unlisted_flagged": unl[0] / unl[1] if unl[1] else 0.0,
                        "per_kind": {kind: {**prf(a, b, c), "n": n, "flag_rate": (a + b) / n if n else 0.0}
                                     for kind, (a, b, c, n) in sorted(per.items())}}
    return out


def cross_validate(ds: Dataset, cands: Sequence[Cands], folds: int = FOLDS
                   ) -> tuple[list[tuple[str, float]], list[Thresholds], list[PairModel]]:
    """Held-out predictions for every row, each from the model (and thresholds) fitted without its fold."""
    preds: list[tuple[str, float]] = [("", 0.0)] * len(ds.rows)
    ths: list[Thresholds] = [Thresholds()] * len(ds.rows)
    models = []
    fold = [ds.fold(r) for r in ds.rows]
    for k in range(folds):
        train = [i for i, f in enumerate(fold) if f != k]
        test = [i for i, f in enumerate(fold) if f == k]
        tr_rows, tr_cands = [ds.rows[i] for i in train], [cands[i] for i in train]
        model = fit(tr_rows, tr_cands, f"fold {k}", thresholds=False)
        models.append(model)
        # thresholds from predictions the training folds did not see themselves (an inner split of the
        # training folds): in-sample probabilities are over-confident and set thresholds too low
        th = fit_thresholds(tr_rows, out_of_fold(tr_rows, tr_cands))
        th = Thresholds(th.match, th.review, f"fold {k}")
        for i, pr in zip(test, predict(model, [cands[i] for i in test]), strict=False):
            preds[i] = pr
            ths[i] = th
    return preds, ths, models


def baseline_thresholds(rows: Sequence[Row], preds: Sequence[tuple[str, float]], folds: int = FOLDS
                        ) -> list[Thresholds]:
    """The brute-force baseline gets the same treatment: its thresholds fitted on the training folds."""
    fold = [fold_of(r.group) for r in rows]
    out: list[Thresholds] = [Thresholds()] * len(rows)
    for k in range(folds):
        tr = [i for i, f in enumerate(fold) if f != k]
        th = fit_thresholds([rows[i] for i in tr], [preds[i] for i in tr])
        for i, f in enumerate(fold):
            if f == k:
                out[i] = th
    return out
