"""A labelled query set made from any watchlist by applying the phenomena seen on real manifests, so the
matcher can be measured on names it was not tuned on: manifest upper case, truncation at 35 characters,
abbreviations, run-together words, misspellings, word order, place spellings, and negatives made by swapping
the distinctive word of a listed name for another brand (same frame, another company)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from laborlens.match.calibrate import Labelled
from laborlens.model import WatchEntry
from laborlens.names.chinese import has_han
from laborlens.names.normalize import analyze

_BRANDS = ["Hengda", "Xinhua", "Jinyuan", "Ruifeng", "Huatai", "Tianyuan", "Longsheng", "Baixin", "Yuhua", "Kangtai", "Shunda", "Fuxing", "Guangyu", "Weilong", "Zhenghe"]
_PLACES = [("Hetian", "Hotan"), ("Kashgar", "Kashi"), ("Aksu", "Akesu"), ("Turpan", "Tulufan"),
           ("Karamay", "Kelamayi"), ("Urumqi", "Wulumuqi"), ("Shache", "Yarkant")]


def _manifest(n: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9 ]", " ", n.upper())).strip()


# Abbreviations as customs brokers and carriers write them, kept apart from the matcher's own table so that
# this set does not just replay it.
_MANIFEST_ABBREVIATIONS = {
    "technology": "TECH", "group": "GRP", "industrial": "INDL", "industry": "IND", "international": "INTL",
    "manufacturing": "MFG", "materials": "MATLS", "material": "MATL", "energy": "ENGY", "chemical": "CHEM",
    "development": "DEVT", "products": "PRODS", "holdings": "HLDGS", "holding": "HLDG", "logistics": "LOGIS",
    "textile": "TEXT", "engineering": "ENGG", "construction": "CONSTR", "trading": "TRDG",
    "corporation": "CORP", "company": "CO", "limited": "LTD", "equipment": "EQPT", "science": "SCI",
    "machinery": "MACHY", "electric": "ELEC", "garment": "GARMT", "investment": "INVT",
    "management": "MGMT", "biotechnology": "BIOTECH", "international trade": "INTL TRD",
    "accessories": "ACCS", "warehousing": "WHSG", "nonferrous": "NON FERR", "import and export": "I/E",
}


def _abbrev(n: str) -> str:
    text = " " + _manifest(n).lower() + " "
    for full, short in sorted(_MANIFEST_ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<= ){re.escape(full)}(?= )", short.lower(), text)
    return text.strip().upper()


def _run_together(n: str, rng: random.Random) -> str:
    ws = _manifest(n).split()
    if len(ws) < 2:
        return ""
    i = rng.randrange(len(ws) - 1)
    return " ".join(ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2 :])


def _typo(n: str, rng: random.Random) -> str:
    ws = n.split()
    idx = [i for i, w in enumerate(ws) if len(w) > 4]
    if not idx:
        return ""
    i = rng.choice(idx)
    w, j = ws[i], rng.randrange(1, len(ws[i]) - 1)
    op = rng.choice("dsit")
    if op == "d":
        w = w[:j] + w[j + 1 :]
    elif op == "s":
        w = w[:j] + rng.choice("aeioun") + w[j + 1 :]
    elif op == "i":
        w = w[:j] + rng.choice("aeiou") + w[j:]
    else:
        w = w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    return " ".join(ws[:i] + [w] + ws[i + 1 :])


def _reorder(n: str, rng: random.Random) -> str:
    ws = [w for w in re.split(r"[\s,()]+", n) if w and w.lower().strip(".") not in ("co", "ltd")]
    rng.shuffle(ws)
    return " ".join(ws) + " Co Ltd"


def _places(n: str) -> str:
    for a, b in _PLACES:
        n = re.sub(rf"\b{a}\b", b, n)
    return n


def _swap_brand(n: str, rng: random.Random) -> str:
    d = [t.raw for t in analyze(n)[0].tokens if t.kind == "distinct" and len(t.raw) >= 4]
    if not d:
        return ""
    out = re.sub(re.escape(d[0]), rng.choice(_BRANDS), n, count=1, flags=re.I)
    return out if out != n else ""


def phenomena_set(entries: Sequence[WatchEntry], seed: int = 5) -> list[Labelled]:
    rng = random.Random(seed)
    rows: list[Labelled] = []
    for e in entries:
        if e.kind != "entity":
            continue
        for n in e.all_names:
            if has_han(n):
                continue
            variants = {
                "manifest": _manifest(n), "truncated": _manifest(n)[:35], "abbrev": _abbrev(n),
                "run_together": _run_together(n, rng), "typo": _typo(n, rng), "reorder": _reorder(n, rng),
                "place_spelling": _places(n),
            }
            for kind, q in variants.items():
                if q and (q != n or kind == "manifest") and not (kind == "place_spelling" and q == n):
                    rows.append(Labelled(f"p{len(rows)}", q, "CN", e.entity_id, kind))
            neg = _swap_brand(n, rng)
            if neg:
                rows.append(Labelled(f"p{len(rows)}", neg, "CN", "", "neg_swapped_brand"))
    return rows
