"""Chinese characters (simplified or traditional): gazetteer names by one trie regex, then the XPCC's
divisions (第一师, 农一师) and regiments (一五零团, 150团), which no dictionary can list."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from laborlens.geo import xuar_tables as T
from laborlens.geo.gazetteer import Gazetteer
from laborlens.geo.model import Evidence, Prepared
from laborlens.geo.text import CN_NUM, cn_number

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_STREET_RE = re.compile(T.ZH_STREET_RE)
_PARK_RE = re.compile(T.ZH_PARK_AFTER_RE)
_DIVISION_RE = re.compile(
    r"(?P<bt>兵团)?(?P<p>第|农业|农)?(?P<n>[一二三四五六七八九十]{1,3})师(?!范|傅|兄|弟|姐|妹|生|资|大|长)"
)
_REGIMENT_RE = re.compile(
    r"(?P<div>(?:兵团)?(?:第|农业|农)?[一二三四五六七八九十]{1,3}师)?第?"
    r"(?<![\d" + CN_NUM + r"])(?P<n>[" + CN_NUM + r"]{1,6}|\d{1,3})团"
    r"(?!结|体|队|购|员|委|伙|聚|圆|长|拜|建|年)"
)


class _Converter:
    """OpenCC's traditional -> simplified converter, made on first use (it cannot be pickled)."""

    def __init__(self) -> None:
        self._cc: Any = None
        self._lock = threading.Lock()

    def convert(self, text: str) -> str:
        if self._cc is None:
            with self._lock:
                if self._cc is None:
                    import opencc

                    self._cc = opencc.OpenCC("t2s")
        return self._cc.convert(text)

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()  # type: ignore[misc]


SIMPLIFIER = _Converter()


class ChineseScanner:
    """Gazetteer names in Chinese characters, and the names of other provinces and countries beside them."""

    name = "chinese"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return p.zh is not None

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        gaz, zt = self.gaz, p.zh or ""
        src = p.text if len(zt) == len(p.text) else zt
        last_other_end = -1
        for m in gaz.zh_re.finditer(zt):
            key, s, e = m.group(), m.start(), m.end()
            entries = gaz.zh[key]
            if key.endswith("市") and zt.startswith("场", e):  # 和田市场 = a Hotan market, not Hotan City
                key, e = key[:-1], e - 1
                entries = gaz.zh.get(key, [])
                if not entries:
                    continue
            entry = entries[0]
            street = bool(_STREET_RE.match(zt, e))
            if entry.kind == "other":
                if not street:
                    yield Evidence("other", label=entry.label, place=src[s:e], start=s, end=e,
                                   park=bool(_PARK_RE.match(zt, e)))
                    last_other_end = e
                continue
            if entry.kind == "foreign":
                if not street and not zt.startswith("际", e):  # 中泰国际 = Zhongtai International, not 泰国
                    yield Evidence("foreign", label=entry.label, place=src[s:e], start=s, end=e)
                continue
            if entry.kind == "china":
                yield Evidence("china", place=src[s:e], start=s, end=e)
                continue
            if entry.not_after and any(zt.startswith(x, e) for x in entry.not_after):
                continue
            unit = entry.unit
            if unit is gaz.xpcc_org and s == last_other_end:
                continue  # 黑龙江生产建设兵团: a (historical) corps of another province
            if unit.level == "township" and len(entries) > 1:
                unit = gaz.pick_township(entries, zt)
            yield Evidence("xuar", unit, src[s:e], s, e, entry.method,
                           "medium" if unit.level == "township" else "high", weak=entry.weak,
                           strong=entry.strong, street=street, script="Chinese", note=entry.note)
        if "师" in zt:
            yield from self._divisions(zt, src)
        if "团" in zt:
            yield from self._regiments(zt, src)

    def _divisions(self, zt: str, src: str) -> Iterable[Evidence]:
        for m in _DIVISION_RE.finditer(zt):
            n = cn_number(m.group("n"))
            if not n or n > 14 or not (m.group("bt") or m.group("p")):
                continue
            explicit = bool(m.group("bt")) or (m.group("p") or "").startswith("农")
            yield Evidence("xuar", self.gaz.divisions[n], src[m.start():m.end()], m.start(), m.end(), "xpcc",
                           "high" if explicit else "medium", strong=explicit, script="Chinese")

    def _regiments(self, zt: str, src: str) -> Iterable[Evidence]:
        for m in _REGIMENT_RE.finditer(zt):
            raw = m.group("n")
            n = cn_number(raw)
            if not n or n > 230:
                continue
            with_div = bool(m.group("div")) and bool(re.search(r"兵团|第|农", m.group("div")))
            distinctive = ((len(raw) >= 3 and "十" not in raw and "百" not in raw)
                           or (raw.isdigit() and n >= 100))
            ctx = zt[max(0, m.start() - 4):m.start()]
            conf = "high" if with_div or distinctive or "兵团" in ctx else "medium"
            unit = self.gaz.regiment_unit(n, m.group("div"))
            yield Evidence("xuar", unit, src[m.start():m.end()], m.start(), m.end(), "xpcc", conf,
                           script="Chinese")
