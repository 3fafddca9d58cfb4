"""``laborlens bench screen``: the whole screening pipeline (name matching, XUAR detection, indicators,
mass balance, tracing) on generated data of growing size, with time, peak memory and growth ratios."""

from __future__ import annotations

import random
import resource
import time

from laborlens.match.bench import generate_names
from laborlens.match.service import build_matcher
from laborlens.model import Party
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen.run import screen_tables
from laborlens.trace.bench import generate_graph

_CITIES = ["江苏省无锡市新吴区", "Suzhou, Jiangsu", "浙江省宁波市北仑区", "Qingdao, Shandong", "Foshan, Guangdong",
           "Binh Duong, Vietnam", "Penang, Malaysia", "上海市新疆路88号", "Hefei, Anhui", "Baotou, Inner Mongolia"]
_XUAR = ["新疆维吾尔自治区和田地区墨玉县", "Hotan, Xinjiang", "Shihezi, Xinjiang", "第一师阿拉尔市十团"]


def bench_data(n_links: int, seed: int = 3):
    data = generate_graph(n_links, seed)
    entries = list(bundled_entries("uflpa")) + list(bundled_entries("wro"))
    rng = random.Random(seed)
    names = generate_names(len(data.party_ids), entries, seed=seed, listed_share=0.001)
    parties = []
    for pid, name in zip(data.party_ids, names, strict=False):
        addr = rng.choice(_XUAR) if rng.random() < 0.001 else rng.choice(_CITIES)
        country = "VN" if "Vietnam" in addr else "MY" if "Malaysia" in addr else "CN"
        parties.append(Party(pid, name, country, addr))
    return parties, data, entries


def _peak_mib() -> float:
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def run(sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000), progress=None, seed: int = 3) -> list[dict]:
    rows = []
    matcher = None
    for n in sizes:
        parties, data, entries = bench_data(n, seed)
        if matcher is None:
            matcher = build_matcher(entries)
            # one small untimed run loads dictionaries and gazetteers, so sizes compare the work itself
            wp, wd, _ = bench_data(1000, seed + 1)
            screen_tables(wp, wd.links, wd.shipments, matcher, material_map=wd.material_map)
        matcher.forget()
        stages: dict[str, float] = {}
        last = [time.perf_counter()]
        t0 = last[0]

        def tick(_f: float, msg: str) -> None:
            now = time.perf_counter()
            stages[msg] = now - last[0]  # noqa: B023 (the tick runs inside this iteration only)
            last[0] = now  # noqa: B023

        result = screen_tables(parties, data.links, data.shipments, matcher, material_map=data.material_map,
                               progress=tick)
        total = time.perf_counter() - t0
        s = result.summary()
        rows.append({"links": n, "parties": len(parties), "shipments": len(data.shipments), "seconds": total,
                     "us_per_link": total / n * 1e6, "peak_rss_mib": _peak_mib(),
                     "presumption": s["presumption"], "review": s["review"], "clear": s["clear"]})
        if progress:
            progress(rows[-1])
    return rows
