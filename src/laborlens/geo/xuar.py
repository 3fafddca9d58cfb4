"""Detect whether an address or a company name places a party in the Xinjiang Uyghur Autonomous Region.

``detect_xuar(text, country="")`` returns an :class:`XuarResult` with the matched place, its gazetteer code,
level, the method that found it, a confidence and a one-sentence explanation, or ``None``.

The work is split in three: the gazetteer index (:mod:`laborlens.geo.gazetteer`, built once, picklable),
scanners that each read one script or code family and return :class:`~laborlens.geo.model.Evidence`
(:mod:`~laborlens.geo.scan_chinese`, :mod:`~laborlens.geo.scan_latin` for pinyin, English, Uyghur-Latin and
postal spellings, :mod:`~laborlens.geo.scan_other` for Uyghur Arabic script and Cyrillic,
:mod:`~laborlens.geo.scan_codes` for credit codes, division codes and postcodes), and the decision
(:mod:`laborlens.geo.decide`). This module prepares the text, runs the scanners and reads the country.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from laborlens.countries import iso2
from laborlens.geo import xuar_tables as T
from laborlens.geo.decide import decide
from laborlens.geo.gazetteer import Gazetteer, get_gazetteer
from laborlens.geo.model import Evidence, Prepared, Scanner, XuarResult
from laborlens.geo.scan_chinese import CJK_RE, SIMPLIFIER, ChineseScanner
from laborlens.geo.scan_codes import DIGIT6_RE, NumberCodeScanner, PostcodeScanner, UsccScanner
from laborlens.geo.scan_latin import LatinScanner, LatinXpccScanner
from laborlens.geo.scan_other import NONLATIN_RE, ArabicCyrillicScanner
from laborlens.geo.text import fold_latin

__all__ = ["XuarResult", "XuarDetector", "detect_xuar", "detect_many", "get_detector"]

_JAPANESE_RE = re.compile(r"[\u3040-\u30ff]|株式会社|有限会社|合同会社|県")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_CHINA_PREFIXES = ("cn", "chn", "china", "中国", "中國", "prc", "mainland", "xuar", "xinjiang", "新疆")


def _country(country: str) -> str:
    """'foreign', 'china' or '' (not given or not known) for the ``country`` argument."""
    c = (country or "").strip()
    if c.casefold() in T.UNKNOWN_COUNTRY:
        return ""
    code = iso2(c)
    if code:
        return "china" if code == "CN" else "foreign"
    key = re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", c.casefold())
    return "china" if key.startswith(_CHINA_PREFIXES) else ""


class XuarDetector:
    """The gazetteer and the scanners; ``detect`` takes tens of microseconds once built."""

    def __init__(self, data_dir: Path | str | None = None, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or (get_gazetteer() if data_dir is None else Gazetteer(data_dir))
        g = self.gazetteer
        self.scanners: tuple[Scanner, ...] = (
            ChineseScanner(g), ArabicCyrillicScanner(g), LatinScanner(g), LatinXpccScanner(g), UsccScanner(g),
            NumberCodeScanner(g), PostcodeScanner(g))

    @staticmethod
    def prepare(text: str) -> Prepared:
        t = text if text.isascii() else unicodedata.normalize("NFKC", text)
        p = Prepared(t)
        if not t.isascii():
            if CJK_RE.search(t):
                p.zh = SIMPLIFIER.convert(t)
                if _JAPANESE_RE.search(t):  # kana or 株式会社: a Japanese address (和田 is also a surname)
                    p.flags["foreign"] = "Japanese text"
            if _HANGUL_RE.search(t):
                p.flags["foreign"] = "Korean text"
            p.nonlatin = bool(NONLATIN_RE.search(t))
        p.latin, p.latin_map = fold_latin(t)
        p.digits6 = bool(DIGIT6_RE.search(t))
        return p

    def evidence(self, text: str) -> tuple[Prepared, list[Evidence]]:
        """Everything the scanners find in ``text`` (for inspection; :meth:`detect` decides)."""
        p = self.prepare(text)
        found: list[Evidence] = []
        for scanner in self.scanners:
            if scanner.wants(p):
                found.extend(scanner.scan(p))
        return p, found

    def detect(self, text: str, country: str = "") -> XuarResult | None:
        """The XUAR place ``text`` (an address or a company name) puts a party in, or None."""
        if not text:
            return None
        p, found = self.evidence(text)
        if not any(e.kind == "xuar" for e in found):
            return None
        given = _country(country)
        foreign, foreign_why = given == "foreign", f"the country given is {country.strip()!r}"
        if not given:
            named = p.flags.get("foreign") or next((e.label for e in found if e.kind == "foreign"), "")
            if named and not any(e.kind == "china" for e in found):
                foreign, foreign_why = True, f"the text names {named}"
        return decide(found, foreign, foreign_why, self.gazetteer.xpcc_org)

    def detect_many(self, texts: Iterable[str], country: str | Sequence[str] = "") -> list[XuarResult | None]:
        """``detect`` over many texts; ``country`` is one value for all or one per text.

        Repeated (text, country) pairs are detected once."""
        texts = list(texts)
        countries = [country] * len(texts) if isinstance(country, str) else list(country)
        if len(countries) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(countries)} countries")
        seen: dict[tuple[str, str], XuarResult | None] = {}
        out: list[XuarResult | None] = []
        for text, c in zip(texts, countries, strict=True):
            k = (text or "", c or "")
            if k not in seen:
                seen[k] = self.detect(*k)
            out.append(seen[k])
        return out


@lru_cache(maxsize=1)
def get_detector() -> XuarDetector:
    """The shared detector, built from the packaged gazetteer on first use."""
    return XuarDetector()


def detect_xuar(text: str, country: str = "") -> XuarResult | None:
    """Whether ``text`` (an address or company name, any script) places a party in the XUAR.

    See the module documentation; the detector is built on first use and shared."""
    return get_detector().detect(text, country)


def detect_many(texts: Iterable[str], country: str | Sequence[str] = "") -> list[XuarResult | None]:
    """``detect_xuar`` over many texts with the shared detector."""
    return get_detector().detect_many(texts, country)
