"""``laborlens bench match``: held-out quality (entity- and brand-disjoint folds) of the fitted scorer, the
previous scorer (``legacy``) and the brute-force baseline (rapidfuzz WRatio via ``process.cdist``) on the
same rows, then throughput, peak memory and single-name latency, all in one process."""

from __future__ import annotations

import csv
import random
import re
import resource
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from laborlens.match import evaluate as ev
from laborlens.match.engine import match_file
from laborlens.match.legacy import LegacyMatcher
from laborlens.match.matcher import Matcher
from laborlens.match.model import PairModel
from laborlens.model import WatchEntry
from laborlens.names.vocab import LEGAL

_PLACES = ["Changzhou", "Hangzhou", "Ningbo", "Wuxi", "Suzhou", "Qingdao", "Jinan", "Weifang", "Foshan", "Dongguan", "Xiamen", "Quanzhou", "Hefei", "Wuhan", "Chengdu", "Xian", "Zhengzhou", "Shijiazhuang", "Tianjin", "Dalian", "Shenyang", "Harbin", "Kunming", "Nanning", "Haikou", "Lanzhou", "Yinchuan", "Hohhot", "Baotou", "Taiyuan", "Changsha", "Nanchang", "Fuzhou", "Guiyang", "Shanghai"]
_BRANDS = ["Hengli", "Huaxin", "Jinlong", "Tianyi", "Xinda", "Zhongxing", "Hongda", "Yuanfeng", "Shengtai", "Kangda", "Ruixiang", "Baoli", "Jiahe", "Dingsheng", "Fuhua", "Guanghua", "Haitian", "Longji", "Mingyang", "Xiangyu", "Yongfeng", "Zhengda", "Anda", "Weiye", "Chengxin", "Dongsheng", "Hexing", "Jinqiao", "Lianfa", "Sanhe"]
_INDUSTRY = ["Textile", "Garment", "Solar Technology", "New Energy", "Silicon Industry", "Aluminum Products", "Food", "Tomato Products", "Import & Export", "Trading", "Machinery", "Chemical", "Logistics", "Electronics", "Plastic Products", "Steel", "Paper", "Packaging", "Apparel", "Biotechnology"]
_LEGAL = ["Co., Ltd.", "CO LTD", "Company Limited", "Corp.", "Group Co., Ltd.", "Industrial Co., Ltd."]


def generate_names(n: int, entries: list[WatchEntry], seed: int = 11, listed_share: float = 0.01) -> list[str]:
    """Ordinary company names with ~1% listed names (kept for ``bench screen``)."""
    rng = random.Random(seed)
    listed = [n for e in entries if e.kind == "entity" for n in e.all_names]
    out = []
    for _ in range(n):
        if listed and rng.random() < listed_share:
            name = rng.choice(listed)
            out.append(name.upper().replace(",", "").replace(".", "") if rng.random() < 0.5 else name)
        else:
            out.append(f"{rng.choice(_PLACES)} {rng.choice(_BRANDS)} {rng.choice(_INDUSTRY)} {rng.choice(_LEGAL)}")
    return out


def realistic_names(n: int, entries: Sequence[WatchEntry], distinct: int = 50_000, seed: int = 23,
                    listed_share: float = 0.01) -> list[str]:
    """A manifest of ``n`` names drawn from ``distinct`` realistic unlisted names (every rendering, other
    languages too), with ~1% listed names in manifest style; names repeat as they do on manifests."""
    from laborlens.match.phenomena import manifest, unlisted_rows

    pool = [r.name for r in unlisted_rows(int(distinct * 0.8), distinct - int(distinct * 0.8), seed=seed)]
    listed = [x for e in entries if e.kind == "entity" for x in e.all_names]
    rng = random.Random(seed)
    return [(manifest(rng.choice(listed)) if listed and rng.random() < listed_share else rng.choice(pool))
            for _ in range(n)]


def write_queries(path: Path, names: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country"])
        for i, n in enumerate(names):
            w.writerow([f"q{i}", n, "CN"])


_PUNCT = re.compile(r"[^\w\s]")


def baseline_clean(name: str) -> str:
    words = _PUNCT.sub(" ", name.casefold()).split()
    return " ".join(w for w in words if w not in LEGAL)


def baseline_best(queries: list[str], entries: Sequence[WatchEntry], chunk: int = 20_000,
                  extra_names: Mapping[str, Sequence[str]] | None = None, dedupe: bool = False
                  ) -> tuple[list[str], list[float]]:
    """Brute force: WRatio of every query against every listed name, all cores, best entity per query.
    ``dedupe``: each distinct query once, answers mapped back to every row (the same saving laborlens's
    engine makes on repeated names)."""
    if dedupe:
        distinct = list(dict.fromkeys(queries))
        ids_d, scores_d = baseline_best(distinct, entries, chunk, extra_names)
        at = {q: i for i, q in enumerate(distinct)}
        return [ids_d[at[q]] for q in queries], [scores_d[at[q]] for q in queries]
    names, owners = [], []
    for e in entries:
        if e.kind == "entity":
            for n in (*e.all_names, *(extra_names or {}).get(e.entity_id, ())):
                names.append(baseline_clean(n))
                owners.append(e.entity_id)
    ids: list[str] = []
    scores: list[float] = []
    for start in range(0, len(queries), chunk):
        q = [baseline_clean(x) for x in queries[start : start + chunk]]
        m = process.cdist(q, names, scorer=fuzz.WRatio, workers=-1, dtype=np.uint8)
        best = m.argmax(axis=1)
        ids.extend(owners[b] for b in best)
        scores.extend(float(m[i, b]) / 100 for i, b in enumerate(best))
    return ids, scores


def peak_mib() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


# -- quality ---------------------------------------------------------------------------------------------
def quality(entries: Sequence[WatchEntry], extra_names: dict[str, tuple[str, ...]], synthetic: int = 225,
            unlisted_cn: int = 6000, unlisted_foreign: int = 2000, progress: Callable[[str], None] | None = None
            ) -> dict:
    """Held-out figures of the three scorers on one generated set, and the model fitted on all of it (its
    thresholds from the held-out predictions)."""
    say = progress or (lambda _s: None)
    ds = ev.build(entries, extra_names, synthetic, unlisted_cn, unlisted_foreign)
    say(f"{len(ds.rows)} labelled rows over {len(ds.entries)} listed entities")
    m = Matcher(ds.entries, extra_names=ds.extra_names)
    cands = ev.collect(m, ds.rows)
    say("features collected; fitting folds")
    preds, ths, _models = ev.cross_validate(ds, cands)
    out = {"rows": len(ds.rows), "entities": len(ds.entries), "folds": ev.FOLDS,
           "laborlens": ev.report(ds.rows, preds, ths)}
    say("previous scorer")
    legacy = LegacyMatcher(ds.entries, extra_names=ds.extra_names)
    lp = [(r.entity_id, r.score) for r in (legacy.best(x.name, x.country) for x in ds.rows)]
    out["previous"] = ev.report(ds.rows, lp, legacy.thresholds)
    say("brute-force baseline")
    ids, scores = baseline_best([r.name for r in ds.rows], ds.entries, extra_names=ds.extra_names)
    bp = list(zip(ids, scores, strict=False))
    out["baseline"] = ev.report(ds.rows, bp, ev.baseline_thresholds(ds.rows, bp))
    final = ev.fit(ds.rows, cands, "")
    th = ev.fit_thresholds(ds.rows, preds)  # from held-out predictions, not the in-sample ones
    out["model"] = PairModel(final.weights, final.intercept, th.match, th.review, "", {})
    out["dataset"] = ds
    return out


def dev_regression(m: Matcher, path: Path) -> dict:
    """The shared development set as a regression reading (never fitted or tuned on)."""
    from laborlens.match.calibrate import read_labelled
    from laborlens.match.phenomena import Row

    rows = [Row(r.id, r.name, r.country, r.expected, r.kind, "") for r in read_labelled(path)]
    preds = [(x.entity_id, x.score) for x in (m.best(r.name, r.country) for r in rows)]
    return ev.report(rows, preds, m.thresholds)


# -- speed -----------------------------------------------------------------------------------------------
def throughput(matcher: Matcher, names: list[str], workdir: Path, workers: int = 0, baseline: bool = True,
               progress=None) -> dict:
    n = len(names)
    qpath = workdir / f"bench_queries_{n}.csv"
    write_queries(qpath, names)
    t0 = time.perf_counter()
    counts = match_file(matcher, qpath, workdir / f"bench_out_{n}.csv", workers=workers, progress=progress)
    ours_s = time.perf_counter() - t0
    ours_self, ours_child = peak_mib()
    out = {"names": n, "distinct": len(set(names)), "entities": len(matcher.entries), "laborlens_seconds": ours_s,
           "laborlens_qps": n / ours_s,
           "peak_rss_mib_main": ours_self, "peak_rss_mib_workers": ours_child, "decisions": counts}
    if baseline:
        # Two readings of the baseline: every row as it comes, and each distinct name once (laborlens's
        # engine scores a repeated name once, so this is the like-for-like one)
        t0 = time.perf_counter()
        baseline_best(names, matcher.entries, extra_names=matcher.extra_names)
        base_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        baseline_best(names, matcher.entries, extra_names=matcher.extra_names, dedupe=True)
        dist_s = time.perf_counter() - t0
        out.update(baseline_seconds=base_s, baseline_qps=n / base_s, speed_ratio=base_s / ours_s,
                   baseline_distinct_seconds=dist_s, speed_ratio_distinct=dist_s / ours_s)
    return out


def latency(matcher: Matcher, names: Sequence[str], warm: int = 300) -> dict:
    """Single-name latency, warm (process and caches of other names warmed; the answer memo is cleared so
    each name is really scored)."""
    for x in names[:warm]:
        matcher.best(x, "CN")
    times = []
    for x in names[warm:]:
        matcher.forget()
        t0 = time.perf_counter()
        matcher.match(x, "CN")
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"n": len(times), "p50_ms": statistics.median(times), "p99_ms": times[int(0.99 * (len(times) - 1))],
            "max_ms": times[-1]}


def grown_list(entries: Sequence[WatchEntry], size: int = 200, seed: int = 41) -> list[WatchEntry]:
    """Today's list grown to ``size`` entities with generated ones (as a future edition may be)."""
    from laborlens.match.phenomena import synthetic_entities

    real = [e for e in entries if e.kind == "entity"]
    extra, _ = synthetic_entities(max(0, size - len(real)), seed=seed, prefix="gen")
    return [*real, *extra]


