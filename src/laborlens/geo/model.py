"""The types every part of XUAR detection shares: gazetteer units and dictionary entries (built by
:mod:`laborlens.geo.gazetteer`), the prepared text and the :class:`Evidence` the scanners return (one
:class:`Scanner` protocol), and the :class:`XuarResult` the decision (:mod:`laborlens.geo.decide`) gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

SPECIFIC = {"province": 1, "prefecture": 2, "xpcc": 3, "county": 4, "township": 5}


@dataclass(frozen=True, slots=True)
class XuarResult:
    """A XUAR location found in a text, with the evidence for it."""

    place: str  # the matched text, as written (after Unicode NFKC normalisation)
    name_zh: str  # the gazetteer's Chinese name (新疆维吾尔自治区, 和田地区, 第一师, 一五零团 ...)
    code: str  # gazetteer code, starts with 65 (65 = the region as a whole)
    level: str  # province | prefecture | county | township | xpcc
    # chinese | pinyin | uyghur-latin/postal | uyghur-arabic | cyrillic | admin-code | postal-code | xpcc
    method: str
    confidence: str  # high | medium
    explanation: str  # one readable sentence
    evidence: tuple[str, ...] = ()  # every XUAR place found in the text, best first


class Unit:
    """A place (or XPCC unit) a match can resolve to."""

    __slots__ = ("code", "level", "name_zh", "english", "xpcc", "ptype", "note", "rank")

    def __init__(self, code: str, level: str, name_zh: str, english: str, *, xpcc: bool = False,
                 ptype: str = "", note: str = "", specificity: int = 0) -> None:
        self.code, self.level, self.name_zh, self.english = code, level, name_zh, english
        self.xpcc, self.ptype, self.note = xpcc, ptype, note
        self.rank = (specificity or SPECIFIC.get(level, 3), code)

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for k, v in zip(self.__slots__, state, strict=True):
            setattr(self, k, v)


NO_UNIT = Unit("", "", "", "")  # the unit of entries that are not XUAR places


class Entry:
    """One dictionary key's meaning: a XUAR unit, another province ('other'), a foreign country or China.

    ``note`` explains a key that is not the unit's current name (a former name, a development zone)."""

    __slots__ = ("kind", "unit", "label", "method", "weak", "strong", "min_tokens", "needs_type",
                 "not_after", "note")

    def __init__(self, kind: str, unit: Unit | None = None, label: str = "", method: str = "", *,
                 weak: bool = False, strong: bool = False, min_tokens: int = 1, needs_type: bool = False,
                 note: str = "") -> None:
        self.kind, self.label, self.method = kind, label, method
        self.unit: Unit = unit if unit is not None else NO_UNIT
        self.weak, self.strong, self.min_tokens, self.needs_type = weak, strong, min_tokens, needs_type
        self.not_after: tuple[str, ...] = ()
        self.note = note

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for k, v in zip(self.__slots__, state, strict=True):
            setattr(self, k, v)


@dataclass(eq=False, slots=True)
class Evidence:
    """One thing a scanner found in the text.

    ``kind`` is ``xuar`` (a XUAR place: ``unit`` says which), ``other`` (another province or prefecture of
    China: ``label``), ``foreign`` (another country: ``label``) or ``china`` (China named). ``park`` marks an
    ``other`` name that only names an industrial park (上海工业园, "Guangdong Industrial Park": the parks of
    the pairing-assistance programme carry their donor's name), ``alt_of`` the weak XUAR reading an
    ``other`` name competes with (Baicheng: 拜城 or 白城)."""

    kind: str
    unit: Unit = NO_UNIT
    place: str = ""
    start: int = 0
    end: int = 0
    method: str = ""
    conf: str = "high"
    weak: bool = False
    strong: bool = False
    street: bool = False
    note: str = ""
    script: str = ""
    caveat: str = ""  # why this evidence alone is only medium
    label: str = ""
    park: bool = False
    alt_of: Evidence | None = None


@dataclass(slots=True)
class Prepared:
    """The text once, in the forms the scanners read: ``text`` (NFKC), ``zh`` (simplified by OpenCC, or
    ``None`` without Han characters), ``latin`` (accents folded) with ``latin_map`` mapping its positions
    back to ``text`` when folding changed the length (ß → ss)."""

    text: str
    zh: str | None = None
    latin: str = ""
    latin_map: list[int] | None = None
    flags: dict[str, str] = field(default_factory=dict)
    digits6: bool = False  # holds a run of 6 digits (a code or postcode may be there)
    nonlatin: bool = False  # holds Arabic-script or Cyrillic letters

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``latin`` as a span of ``text``."""
        if self.latin_map is None:
            return start, end
        return self.latin_map[start], self.latin_map[end - 1] + 1 if end > start else self.latin_map[start]


class Scanner(Protocol):
    """Finds evidence of one kind (a script or a code family) in a prepared text."""

    name: str

    def wants(self, p: Prepared) -> bool:
        """Cheap test whether the text can hold anything for this scanner."""
        ...

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        ...
