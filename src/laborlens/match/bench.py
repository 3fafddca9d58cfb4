"""``laborlens bench match``: quality on a labelled set and speed/memory on a generated manifest, printed
beside the brute-force baseline (rapidfuzz WRatio via ``process.cdist`` on all cores) run in the same
process."""

from __future__ import annotations

import csv
import random
import re
import resource
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from laborlens.match.calibrate import Labelled, metrics
from laborlens.match.engine import match_file
from laborlens.match.matcher import Matcher, MatchResult
from laborlens.model import WatchEntry
from laborlens.names.vocab import LEGAL

_PLACES = ["Changzhou", "Hangzhou", "Ningbo", "Wuxi", "Suzhou", "Qingdao", "Jinan", "Weifang", "Foshan", "Dongguan", "Xiamen", "Quanzhou", "Hefei", "Wuhan", "Chengdu", "Xian", "Zhengzhou", "Shijiazhuang", "Tianjin", "Dalian", "Shenyang", "Harbin", "Kunming", "Nanning", "Haikou", "Lanzhou", "Yinchuan", "Hohhot", "Baotou", "Taiyuan", "Changsha", "Nanchang", "Fuzhou", "Guiyang", "Shanghai"]
_BRANDS = ["Hengli", "Huaxin", "Jinlong", "Tianyi", "Xinda", "Zhongxing", "Hongda", "Yuanfeng", "Shengtai", "Kangda", "Ruixiang", "Baoli", "Jiahe", "Dingsheng", "Fuhua", "Guanghua", "Haitian", "Longji", "Mingyang", "Xiangyu", "Yongfeng", "Zhengda", "Anda", "Weiye", "Chengxin", "Dongsheng", "Hexing", "Jinqiao", "Lianfa", "Sanhe"]
_INDUSTRY = ["Textile", "Garment", "Solar Technology", "New Energy", "Silicon Industry", "Aluminum Products", "Food", "Tomato Products", "Import & Export", "Trading", "Machinery", "Chemical", "Logistics", "Electronics", "Plastic Products", "Steel", "Paper", "Packaging", "Apparel", "Biotechnology"]
_LEGAL = ["Co., Ltd.", "CO LTD", "Company Limited", "Corp.", "Group Co., Ltd.", "Industrial Co., Ltd."]


def generate_names(n: int, entries: list[WatchEntry], seed: int = 11, listed_share: float = 0.01) -> list[str]:
    """Ordinary company names with ~1% listed names (as written or upper-cased manifest style)."""
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


def baseline_best(queries: list[str], entries: list[WatchEntry], chunk: int = 20_000
                  ) -> tuple[list[str], list[float]]:
    """Brute force: WRatio of every query against every listed name, all cores, best entity per query."""
    names, owners = [], []
    for e in entries:
        if e.kind == "entity":
            for n in e.all_names:
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


def _peak_mib() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def quality(matcher: Matcher, rows: list[Labelled], entries: list[WatchEntry]) -> dict:
    ours = metrics(rows, [matcher.best(r.name, r.country) for r in rows], matcher.thresholds.match)
    # the decision the user sees: a "match" above the calibrated threshold
    ids, scores = baseline_best([r.name for r in rows], entries)
    base_results = [MatchResult(r.name, s, "", i) for r, i, s in zip(rows, ids, scores)]
    base = metrics(rows, base_results, 0.90)
    return {"laborlens": ours, "baseline_wratio_90": base}


def throughput(matcher: Matcher, entries: list[WatchEntry], n: int, workdir: Path, workers: int = 0,
               progress=None) -> dict:
    names = generate_names(n, entries)
    qpath = workdir / f"bench_queries_{n}.csv"
    write_queries(qpath, names)
    t0 = time.perf_counter()
    counts = match_file(matcher, qpath, workdir / f"bench_out_{n}.csv", workers=workers, progress=progress)
    ours_s = time.perf_counter() - t0
    ours_self, ours_child = _peak_mib()
    t0 = time.perf_counter()
    baseline_best(names, entries)
    base_s = time.perf_counter() - t0
    base_self, _ = _peak_mib()
    return {"names": n, "laborlens_seconds": ours_s, "laborlens_qps": n / ours_s,
            "baseline_seconds": base_s, "baseline_qps": n / base_s, "speed_ratio": base_s / ours_s,
            "peak_rss_mib_main": ours_self, "peak_rss_mib_workers": ours_child,
            "peak_rss_mib_after_baseline": base_self, "decisions": counts}
