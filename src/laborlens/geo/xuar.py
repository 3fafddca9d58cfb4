"""Detect whether an address or a company name places a party in the Xinjiang Uyghur Autonomous Region.

``detect_xuar(text, country="")`` returns an :class:`XuarResult` with the matched place, its gazetteer code,
level, the method that found it, a confidence and a one-sentence explanation, or ``None``.

How it works (one :class:`XuarDetector` is built from the packaged gazetteer and cached):

* **Chinese characters** (simplified or traditional: OpenCC ``t2s`` first): one trie-shaped regular
  expression holds every XUAR name (province, prefectures, counties, XPCC cities, townships, with and
  without their suffix) together with the names of every other province and prefecture of China
  (``china_prefectures.csv``) and a few foreign countries. Leftmost-longest matching reads 昌吉林业 as
  昌吉 + 林业, not 吉林.
* **Latin script** (pinyin, English, Uyghur-Latin and postal spellings): the text is folded (accents,
  case) and cut into tokens (also at camelCase joins); every run of up to 10 tokens is looked up,
  concatenated, in one dictionary, so "Wu-lu-mu-qi", "WULUMUQI" and "Wulumuqi" are the same key, and a key
  must start and end on a token boundary ("Hami" is not found in "Hamilton").
* **Uyghur Arabic script and Cyrillic**: a short curated list (``xuar_tables.NON_LATIN``).
* **Codes**: 18-character Unified Social Credit Codes whose region part starts with 65, 6/9/12-digit
  administrative codes found in the gazetteer, XUAR postcodes 830000-849999, old 15-digit registration
  numbers and resident ID numbers with a 65 region code.
* **XPCC (Bingtuan)**: the corps by name, its divisions (第一师, 农一师, "1st Division"), cities and
  regiments (一五零团, 150团, "Regiment 150").

Deciding: a XUAR name right before a street or building word (新疆路, 乌鲁木齐中路, "Xinjiang Rd",
新疆大厦) is only a street; when the text also names another province or prefecture of China,
street-only evidence gives ``None`` and other evidence drops to ``medium``. Names that are also common
words, brands or places elsewhere (``xuar_tables.WEAK_LATIN`` / ``WEAK_ZH``) count only beside other
XUAR evidence. When ``country`` (or a country named in the text) is not China, only explicit evidence
counts (the region's or the XPCC's name, a Chinese name with its administrative suffix, a credit code),
at ``medium`` confidence.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from laborlens.geo import xuar_tables as T

__all__ = ["XuarResult", "XuarDetector", "detect_xuar", "detect_many", "get_detector"]

# ------------------------------------------------------------------------------------------------ result type


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


# ------------------------------------------------------------------------------------------------ internals

_LEVELS = {"province": "province", "prefecture-level": "prefecture", "county-level": "county"}
_SPECIFIC = {"province": 1, "prefecture": 2, "xpcc": 3, "county": 4, "township": 5}
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_JAPANESE_RE = re.compile(r"[\u3040-\u30ff]|株式会社|有限会社|合同会社|県")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_NONLATIN_RE = re.compile(r"[\u0600-\u06ff\u0400-\u04ff]")
_NONLATIN_TOKEN_RE = re.compile(r"[\u0600-\u06ff]+|[\u0400-\u04ff]+")
_TOKEN_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_DIGIT6_RE = re.compile(r"\d{6}")
_KEYCHARS_RE = re.compile(r"[^a-z0-9]+")
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_ETHNIC = sorted(
    ["柯尔克孜", "哈萨克", "蒙古族", "蒙古", "回族", "锡伯", "塔吉克", "藏族", "羌族", "彝族", "朝鲜族", "土家族", "苗族", "布依族", "侗族", "壮族", "傣族", "景颇族", "傈僳族", "哈尼族", "白族"],
    key=len,
    reverse=True,
)
_TOWNSHIP_SUFFIX_RE = re.compile(
    r"(街道|民族乡|镇|乡|农场|牧场|林场|片区|园区|分部|生活区|管理区|开发区|区|场)$"
)
_ZH_STREET_RE = re.compile(T.ZH_STREET_RE)
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "零〇一二三四五六七八九十百"
_ZH_DIVISION_RE = re.compile(
    r"(?P<bt>兵团)?(?P<p>第|农业|农)?(?P<n>[一二三四五六七八九十]{1,3})师(?!范|傅|兄|弟|姐|妹|生|资|大|长)"
)
_ZH_REGIMENT_RE = re.compile(
    r"(?P<div>(?:兵团)?(?:第|农业|农)?[一二三四五六七八九十]{1,3}师)?第?"
    r"(?<![\d"
    + _CN_NUM
    + r"])(?P<n>["
    + _CN_NUM
    + r"]{1,6}|\d{1,3})团(?!结|体|队|购|员|委|伙|聚|圆|长|拜|建|年)"
)
_ORD = "|".join(sorted(T.ORDINALS, key=len, reverse=True))
_PNUM = "|".join(sorted(T.PINYIN_NUMBERS, key=len, reverse=True))
_LATIN_DIVISION_RE = re.compile(
    r"\b(?:agricultural[\s-]+)?(?:no\.?\s*)?(?:(?P<n1>\d{1,2})(?:st|nd|rd|th)?|(?P<w1>" + _ORD + r"))[\s-]+"
    r"(?:agricultural[\s-]+)?division\b"
    r"|\bdivision[\s-]+(?:no\.?\s*)?(?P<n2>\d{1,2}|" + _ORD + r")\b"
    r"|\bnong[\s-]?(?P<p>" + _PNUM + r"|\d{1,2})[\s-]?shi\b"
)
_LATIN_REGIMENT_RE = re.compile(
    r"\b(?:regiment|tuan)[\s-]*(?:no\.?\s*)?(?P<n1>\d{1,3})\b"
    r"|\b(?:no\.?\s*)?(?P<n2>\d{1,3})(?:st|nd|rd|th)?[\s-]*(?:regiment|tuan(?:chang)?)\b"
)
# registration authority (1-9, A, N, Y) + organisation type + region code 65xxxx + 10 characters
_USCC_RE = re.compile(r"(?<![0-9A-Z])[1-9ANY][1-9]65\d{4}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Z])", re.I)
_DIGITS_RE = re.compile(r"(?<!\d)\d{6,18}[Xx]?(?![0-9A-Za-z])")
_ADMIN_LABEL_RE = re.compile(
    r"(区划代码|行政区划|区划|admin(?:istrative)?[\s-]*(?:division)?[\s-]*code|adcode|division code)"
)
_POSTAL_LABEL_RE = re.compile(r"(邮编|邮政编码|post\s*code|postal|zip|p\.?\s?c\.?\s*[:：]?\s*$)")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PREFIX_RE = re.compile(r"(xinjiang|wulumuqi|urumqi|bingtuan)(..+)")
_LATIN_ETHNIC = frozenset(
    {"hui", "kazakh", "kazak", "mongol", "mongolian", "kirghiz", "kyrgyz", "xibe", "sibe", "tajik"}
)
_OTHER_TYPE_WORDS = frozenset({"city", "shi", "prefecture", "province", "sheng", "municipality"})


def _build_fold() -> dict[int, str]:
    """A length-preserving translation: Latin letters with accents -> base letter (Ü -> U, ş -> s, ø -> o)."""
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[cp] = base
    for src, dst in {
        "ß": "s",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "æ": "a",
        "Æ": "A",
        "œ": "o",
        "Œ": "O",
        "ə": "e",
        "Ə": "E",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
    }.items():
        table[ord(src)] = dst
    return table


_FOLD = _build_fold()


def _latin_key(s: str) -> str:
    return _KEYCHARS_RE.sub("", s.translate(_FOLD).lower())


def _cn_number(s: str) -> int | None:
    """一五零 -> 150, 一百五十 -> 150, 十二 -> 12, 150 -> 150."""
    if s.isdigit():
        return int(s)
    if "十" not in s and "百" not in s:
        try:
            return int("".join(str(_CN_DIGITS[c]) for c in s))
        except KeyError:
            return None
    total, cur = 0, 0
    for c in s:
        if c in _CN_DIGITS:
            cur = _CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def _cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return "".join(digits[int(c)] for c in str(n))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _uscc_check_ok(code: str) -> bool:
    code = code.upper()
    try:
        total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    except ValueError:
        return False
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def _trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``words``, leftmost-longest, shaped as a trie so that it stays fast."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return ("(?:" + body + ")?") if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return re.compile(emit(trie))


class _Unit:
    """A place (or XPCC unit) a match can resolve to."""

    __slots__ = ("code", "level", "name_zh", "english", "xpcc", "ptype", "note", "rank")

    def __init__(
        self,
        code: str,
        level: str,
        name_zh: str,
        english: str,
        *,
        xpcc: bool = False,
        ptype: str = "",
        note: str = "",
        specificity: int = 0,
    ) -> None:
        self.code, self.level, self.name_zh, self.english = code, level, name_zh, english
        self.xpcc, self.ptype, self.note = xpcc, ptype, note
        self.rank = (specificity or _SPECIFIC.get(level, 3), code)


_NO_UNIT = _Unit("", "", "", "")  # the unit of entries that are not XUAR places


class _Entry:
    """One dictionary key's meaning: a XUAR unit, another province ('other'), a foreign country or China."""

    __slots__ = ("kind", "unit", "label", "method", "weak", "strong", "min_tokens", "needs_type", "not_after")

    def __init__(
        self,
        kind: str,
        unit: _Unit | None = None,
        label: str = "",
        method: str = "",
        *,
        weak: bool = False,
        strong: bool = False,
        min_tokens: int = 1,
        needs_type: bool = False,
    ) -> None:
        self.kind, self.label, self.method = kind, label, method
        self.unit: _Unit = unit if unit is not None else _NO_UNIT
        self.weak, self.strong, self.min_tokens, self.needs_type = weak, strong, min_tokens, needs_type
        self.not_after: tuple[str, ...] = ()


class _Ev:
    """One piece of XUAR evidence found in the text."""

    __slots__ = (
        "unit",
        "place",
        "start",
        "end",
        "method",
        "conf",
        "weak",
        "strong",
        "street",
        "note",
        "script",
        "caveat",
    )

    def __init__(
        self,
        unit: _Unit,
        place: str,
        start: int,
        end: int,
        method: str,
        conf: str = "high",
        *,
        weak: bool = False,
        strong: bool = False,
        street: bool = False,
        note: str = "",
        script: str = "",
    ) -> None:
        self.unit, self.place, self.start, self.end, self.method = unit, place, start, end, method
        self.conf, self.weak, self.strong, self.street, self.note = conf, weak, strong, street, note
        self.script = script
        self.caveat = ""  # why this evidence alone is only medium


def _consistent(a: _Unit, b: _Unit) -> bool:
    if a.xpcc and b.xpcc:
        return True
    if a.code == "65" or b.code == "65":
        return True
    return a.code.startswith(b.code) or b.code.startswith(a.code)


# ------------------------------------------------------------------------------------------------- detector


class XuarDetector:
    """Built once from the gazetteer (a few hundred ms); ``detect`` then takes tens of microseconds."""

    def __init__(self, data_dir: Path | str | None = None) -> None:
        if data_dir is None:
            from laborlens.refdata.catalog import DATA

            data_dir = DATA
        self.data_dir = Path(data_dir)
        self._cc = None
        self._cc_lock = threading.Lock()
        self._units: dict[str, _Unit] = {}
        self._zh: dict[str, list[_Entry]] = {}
        self._latin: dict[str, list[_Entry]] = {}
        self._nonlatin: dict[str, _Entry] = {}
        self._nonlatin_phrases: list[tuple[str, _Entry]] = []
        self._regiments: dict[int, _Unit] = {}
        self._divisions: dict[int, _Unit] = {}
        self._township_codes: dict[str, _Unit] = {}
        self._pinyin_keys: set[str] = set()
        self._build()

    # ---- building ------------------------------------------------------------------------------------------

    def _read(self, name: str) -> list[dict[str, str]]:
        with (self.data_dir / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def _add_zh(self, key: str, entry: _Entry) -> None:
        lst = self._zh.setdefault(key, [])
        if entry.kind == "xuar":
            # a XUAR meaning wins over another province's use of the same characters
            lst[:] = [e for e in lst if e.kind == "xuar"]
        elif any(e.kind == "xuar" for e in lst):
            return
        lst.append(entry)

    def _add_latin(self, name: str, entry: _Entry) -> None:
        key = _latin_key(name)
        if not key:
            return
        lst = self._latin.setdefault(key, [])
        if entry.kind == "xuar":
            if any(e.unit is entry.unit for e in lst):
                return
        elif any(e.kind == "xuar" and not e.weak for e in lst):
            return  # a XUAR meaning wins; a weak one (Baicheng 拜城 / 白城) keeps the other meaning beside it
        lst.append(entry)

    def _build(self) -> None:
        admin = self._read("xuar_admin_divisions.csv")
        townships = self._read("xuar_townships.csv")
        prefectures = self._read("china_prefectures.csv")
        xpcc_org = _Unit(
            "65",
            "xpcc",
            "新疆生产建设兵团",
            "the Xinjiang Production and Construction Corps (XPCC, Bingtuan)",
            xpcc=True,
            specificity=1,
        )
        self._xpcc_org = xpcc_org

        # --- admin units: province, prefectures, counties, XPCC cities
        division_city: dict[int, str] = {}
        for r in admin:
            code, level = r["code"], _LEVELS.get(r["level"], "")
            if not level:
                continue  # the 6590 grouping
            xpcc = r["xpcc_city"] == "true"
            pinyin = r["pinyin"].strip()
            others = [_PAREN_RE.sub("", o).strip() for o in r["other_names"].split("|") if o.strip()]
            words = pinyin.split()
            ptype = words[-1] if words and words[-1] in ("City", "County", "District", "Prefecture") else ""
            alias = next(
                (
                    o
                    for o in others
                    if _latin_key(o) != _latin_key(words[0] if words else "")
                    and _latin_key(o) not in T.WEAK_LATIN
                    and len(_latin_key(o)) > 3
                ),
                "",
            )
            english = pinyin + (f" / {alias}" if alias else "")
            note = ""
            if xpcc and r["xpcc_division"]:
                m = re.match(r"(\d+)", r["xpcc_division"])
                if m:
                    division_city[int(m.group(1))] = code
                    note = f"an XPCC city run by the {r['xpcc_division']}"
            unit = _Unit(code, level, r["name_zh"], english, xpcc=xpcc, ptype=ptype, note=note)
            self._units[code] = unit
            method_cjk = "xpcc" if xpcc else "chinese"
            # Chinese keys
            name = r["name_zh"]
            for key, weak in self._zh_keys(name, level):
                self._add_zh(
                    key,
                    _Entry(
                        "xuar",
                        unit,
                        method=method_cjk,
                        weak=weak,
                        strong=(key == name or level == "province"),
                    ),
                )
            # Latin keys
            core = self._strip_type(pinyin)
            py_keys = {_latin_key(core), _latin_key(core.split()[0])} if core else set()
            names = [
                core,
                *(core.split()[:1] if level != "province" else []),
                *others,
                *T.EXTRA_LATIN.get(code, ()),
            ]
            if level == "province":
                names.append("Xinjiang")
            for nm in dict.fromkeys(x for n in names for x in (n, self._strip_type(n))):
                key = _latin_key(nm)
                if not key:
                    continue
                method = "xpcc" if xpcc else ("pinyin" if key in py_keys else "uyghur-latin/postal")
                weak = key in T.WEAK_LATIN or len(key) <= 3
                self._add_latin(
                    nm, _Entry("xuar", unit, method=method, weak=weak, strong=level == "province")
                )
            self._pinyin_keys |= py_keys

        # --- XPCC: the corps, divisions, regiments
        for key in ("新疆生产建设兵团", "生产建设兵团", "新疆兵团", "兵团", "团场"):
            self._add_zh(key, _Entry("xuar", xpcc_org, method="xpcc", strong=key != "团场"))
        for nm in (
            "XPCC",
            "XJPCC",
            "Bingtuan",
            "Xinjiang Bingtuan",
            "Xinjiang Production and Construction Corps",
            "Production and Construction Corps",
            "Xinjiang Production Construction Corps",
            "Xinjiang Production & Construction Corps",
            "Xinjiang Construction Corps",
        ):
            self._add_latin(nm, _Entry("xuar", xpcc_org, method="xpcc", strong=True))
        for n in range(1, 15):
            city = division_city.get(n) or T.XPCC_DIVISION_EXTRA.get(n, "65")
            seat = self._units.get(city)
            seat_txt = f", seated in {seat.name_zh}" if seat and seat.code != "65" else ""
            self._divisions[n] = _Unit(
                city,
                "xpcc",
                f"第{_cn_numeral(n)}师",
                f"the XPCC {_ordinal(n)} Division{seat_txt}",
                xpcc=True,
                specificity=3,
            )
        for r in townships:
            m = re.search(r"([" + _CN_NUM + r"]+)团", r["name_zh"])
            num = _cn_number(m.group(1)) if m else None
            if num and num not in self._regiments:
                self._regiments[num] = _Unit(
                    r["code"],
                    "xpcc",
                    r["name_zh"],
                    f"XPCC Regiment {num} ({r['name_zh']}, under {r['county_name_zh']})",
                    xpcc=True,
                    specificity=5,
                )

        # --- townships (Chinese only: the gazetteer's township pinyin is machine-made and unreviewed)
        for r in townships:
            name = r["name_zh"]
            self._township_codes[r["code"]] = unit = _Unit(
                r["code"],
                "township",
                name,
                f"{r['pinyin']}, {r['county_name_zh']}, {r['prefecture_name_zh']}",
                xpcc=r["county_code"].startswith("6590"),
            )
            if name.startswith("兵团") or "团" in name[-3:] or re.search(r"[" + _CN_NUM + r"]团", name):
                continue  # XPCC regiments are found by the regiment pattern
            m = _TOWNSHIP_SUFFIX_RE.search(name)
            core = name[: m.start()] if m else name
            weak = len(core) <= 2 or "路" in core or "街" in core or core in T.WEAK_ZH
            if all(e.unit.level == "township" for e in self._zh.get(name, ())):  # not a county's key
                self._add_zh(name, _Entry("xuar", unit, method="xpcc" if unit.xpcc else "chinese", weak=weak))

        # --- other provinces and prefectures of China
        for r in prefectures:
            if r["province_code"] == "65":
                continue
            label = f"{r['name_zh']} ({r['province_zh']})"
            entry = _Entry("other", label=label)
            name = r["name_zh"]
            self._add_zh(name, entry)
            short = self._zh_core(name)
            if len(short) >= 2 and short not in T.OTHER_ZH_SHORT_SKIP:
                self._add_zh(short, entry)
            py = r["pinyin_short"]
            for e in self._latin.get(_latin_key(py), ()):
                e.weak = True  # a XUAR name that is also another prefecture's pinyin (拜城/白城 Baicheng)
            # everyday pinyin (Datong, Ankang ...) names a prefecture only as "Datong City", "Datong Shi"
            self._add_latin(
                py,
                _Entry(
                    "other",
                    label=f"{py} ({r['province_zh']})",
                    needs_type=_latin_key(py) in T.OTHER_LATIN_SKIP,
                ),
            )
            for fix in T.PREFECTURE_LATIN_FIX.get(name, ()):
                multi = 2 if "'" in fix else 1
                self._add_latin(fix, _Entry("other", label=f"{fix} ({r['province_zh']})", min_tokens=multi))
        for zh_names, latin_names in T.OTHER_PROVINCES.values():
            label = zh_names[0]
            for nm in zh_names:
                self._add_zh(nm, _Entry("other", label=label))
            for nm in latin_names:
                self._add_latin(nm, _Entry("other", label=f"{nm} ({label})"))
        for nm in T.FOREIGN_COUNTRIES_ZH:
            self._add_zh(nm, _Entry("foreign", label=nm))
        for nm in T.FOREIGN_COUNTRIES_LATIN:
            self._add_latin(nm, _Entry("foreign", label=nm))
        for nm in ("中国", "中华人民共和国"):
            self._add_zh(nm, _Entry("china"))
        for nm in ("China", "PRC", "P.R.C", "People's Republic of China", "P.R. China"):
            self._add_latin(nm, _Entry("china"))

        # --- Uyghur Arabic script and Cyrillic
        for code, spellings in T.NON_LATIN.items():
            for nm in spellings:
                script = "uyghur-arabic" if re.search(r"[\u0600-\u06ff]", nm) else "cyrillic"
                entry = _Entry("xuar", self._units[code], method=script, strong=code == "65")
                if " " in nm or "-" in nm:
                    self._nonlatin_phrases.append((nm.casefold(), entry))
                else:
                    self._nonlatin[nm.casefold()] = entry
        for nm in T.NON_LATIN_XPCC:
            script = "uyghur-arabic" if re.search(r"[\u0600-\u06ff]", nm) else "cyrillic"
            entry = _Entry("xuar", xpcc_org, method="xpcc", strong=True)
            if " " in nm or "-" in nm:
                self._nonlatin_phrases.append((nm.casefold(), entry))
            else:
                self._nonlatin[nm.casefold()] = entry

        # --- best meaning first: province, prefecture, county (by code), township, other provinces
        order = {"province": 0, "prefecture": 1, "county": 2, "xpcc": 3, "township": 4}
        for table in (self._zh, self._latin):
            for lst in table.values():
                lst.sort(key=lambda e: (e.kind != "xuar", order.get(e.unit.level, 9), e.unit.code))

        for key, lst in self._zh.items():
            for e in lst:
                e.not_after = T.ZH_NOT_PLACE_AFTER.get(self._zh_core(key), ())

        # --- compiled matchers
        self._zh_re = _trie_regex(self._zh)
        self._latin_prefixes = {k[:i] for k in self._latin for i in range(1, len(k) + 1)}
        self._max_tokens = 10

    @staticmethod
    def _strip_type(name: str) -> str:
        words = name.replace("Autonomous Prefecture", "").replace("Autonomous County", "").split()
        while words and words[-1] in (
            "City",
            "County",
            "District",
            "Prefecture",
            "Zizhiqu",
            "Mongol",
            "Hui",
            "Kazakh",
            "Kirghiz",
            "Xibe",
            "Tajik",
        ):
            if len(words) == 1:
                break
            words.pop()
        return " ".join(words)

    @staticmethod
    def _zh_core(name: str) -> str:
        for suffix in (
            "特别行政区",
            "自治区",
            "自治州",
            "自治县",
            "地区",
            "省",
            "市",
            "县",
            "区",
            "盟",
            "州",
        ):
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix)]
                break
        changed = True
        while changed:
            changed = False
            for eth in _ETHNIC:
                if name.endswith(eth) and len(name) > len(eth) + 1:
                    name, changed = name[: -len(eth)], True
                    break
        return name

    def _zh_keys(self, name: str, level: str) -> list[tuple[str, bool]]:
        """Chinese keys for one admin unit, each with its 'weak' flag (needs other XUAR evidence)."""
        keys: list[tuple[str, bool]] = [(name, name in T.WEAK_ZH)]
        if level == "province":
            return keys + [
                ("新疆", False),
                ("新疆自治区", False),
                ("新疆省", False),
                ("新疆维吾尔族自治区", False),
            ]
        core = self._zh_core(name)
        if core != name:
            keys.append((core, core in T.WEAK_ZH))
            if name.endswith("自治州"):
                keys += [(core + "州", False), (core + "自治州", False)]
            if name.endswith("自治县"):
                keys.append((core + "县", False))
        if name == "巴音郭楞蒙古自治州":
            keys.append(("巴州", True))
        elif name == "博尔塔拉蒙古自治州":
            keys.append(("博州", True))
        elif name == "克孜勒苏柯尔克孜自治州":
            keys.append(("克州", True))
        elif name == "和田地区":
            keys.append(("和阗", False))  # old name, still in traditional-script texts (和闐)
        return keys

    # ---- detection -----------------------------------------------------------------------------------------

    def _converter(self):
        if self._cc is None:
            with self._cc_lock:
                if self._cc is None:
                    import opencc

                    self._cc = opencc.OpenCC("t2s")
        return self._cc

    def __getstate__(self) -> dict:
        state = {k: getattr(self, k) for k in self.__dict__}
        state["_cc"] = None
        state.pop("_cc_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cc_lock = threading.Lock()

    @staticmethod
    def _country_is_foreign(country: str) -> bool:
        c = (country or "").strip().casefold()
        if c in T.UNKNOWN_COUNTRY:
            return False
        key = re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", c)
        if not key or key in T.UNKNOWN_COUNTRY or key in T.CHINA_COUNTRY:
            return False
        return not key.startswith(("cn", "chn", "china", "中国", "中國", "prc"))

    def detect(self, text: str, country: str = "") -> XuarResult | None:
        """The XUAR place ``text`` (an address or a company name) puts a party in, or None."""
        if not text:
            return None
        t = text if text.isascii() else unicodedata.normalize("NFKC", text)
        evs: list[_Ev] = []
        others: list[tuple[str, _Ev | None]] = []
        flags: dict[str, str] = {}
        if not t.isascii():
            if _CJK_RE.search(t):
                self._scan_zh(t, evs, others, flags)
                if _JAPANESE_RE.search(t):  # kana or 株式会社: a Japanese address (和田 is also a surname)
                    flags["foreign"] = "Japanese text"
            if _HANGUL_RE.search(t):
                flags["foreign"] = "Korean text"
            if _NONLATIN_RE.search(t):
                self._scan_nonlatin(t, evs)
            latin = t.translate(_FOLD)
        else:
            latin = t
        self._scan_latin(t, latin, evs, others, flags)
        lower = latin.lower()
        if "division" in lower or "regiment" in lower or "tuan" in lower or "nong" in lower:
            self._scan_latin_xpcc(t, lower, evs)
        if _DIGIT6_RE.search(t):
            self._scan_codes(t, evs)
        if not evs:
            return None
        foreign = self._country_is_foreign(country)
        foreign_why = f"the country given is {country.strip()!r}" if foreign else ""
        china_given = (
            bool(country) and not foreign and (country or "").strip().casefold() not in T.UNKNOWN_COUNTRY
        )
        if not foreign and not china_given and flags.get("foreign") and not flags.get("china"):
            foreign, foreign_why = True, f"the text names {flags['foreign']}"
        return self._decide(evs, others, foreign, foreign_why)

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

    # ---- scanners ------------------------------------------------------------------------------------------

    def _scan_zh(
        self, t: str, evs: list[_Ev], others: list[tuple[str, _Ev | None]], flags: dict[str, str]
    ) -> None:
        zt = self._converter().convert(t)
        src = t if len(zt) == len(t) else zt
        last_other_end = -1
        for m in self._zh_re.finditer(zt):
            key, s, e = m.group(), m.start(), m.end()
            entries = self._zh[key]
            if key.endswith("市") and zt.startswith("场", e):  # 和田市场 = a Hotan market, not Hotan City
                key, e = key[:-1], e - 1
                entries = self._zh.get(key, [])
                if not entries:
                    continue
            entry = entries[0]
            street = bool(_ZH_STREET_RE.match(zt, e))
            if entry.kind == "other":
                if not street:
                    others.append((entry.label, None))
                    last_other_end = e
                continue
            if entry.kind == "foreign":
                if not street and not zt.startswith("际", e):  # 中泰国际 = Zhongtai International, not 泰国
                    flags["foreign"] = entry.label
                continue
            if entry.kind == "china":
                flags["china"] = "yes"
                continue
            if entry.not_after and any(zt.startswith(x, e) for x in entry.not_after):
                continue
            unit = entry.unit
            if unit is self._xpcc_org and s == last_other_end:
                continue  # 黑龙江生产建设兵团: a (historical) corps of another province
            if unit.level == "township" and len(entries) > 1:
                unit = self._pick_township(entries, zt)
            evs.append(
                _Ev(
                    unit,
                    src[s:e],
                    s,
                    e,
                    entry.method,
                    "medium" if unit.level == "township" else "high",
                    weak=entry.weak,
                    strong=entry.strong,
                    street=street,
                    script="Chinese",
                )
            )
        if "师" in zt:
            for m in _ZH_DIVISION_RE.finditer(zt):
                n = _cn_number(m.group("n"))
                if not n or n > 14 or not (m.group("bt") or m.group("p")):
                    continue
                explicit = bool(m.group("bt")) or (m.group("p") or "").startswith("农")
                evs.append(
                    _Ev(
                        self._divisions[n],
                        src[m.start() : m.end()],
                        m.start(),
                        m.end(),
                        "xpcc",
                        "high" if explicit else "medium",
                        strong=explicit,
                        script="Chinese",
                    )
                )
        if "团" in zt:
            for m in _ZH_REGIMENT_RE.finditer(zt):
                raw = m.group("n")
                n = _cn_number(raw)
                if not n or n > 230:
                    continue
                with_div = bool(m.group("div")) and bool(re.search(r"兵团|第|农", m.group("div")))
                distinctive = (len(raw) >= 3 and ("十" not in raw and "百" not in raw)) or (
                    raw.isdigit() and n >= 100
                )
                ctx = zt[max(0, m.start() - 4) : m.start()]
                conf = "high" if with_div or distinctive or "兵团" in ctx else "medium"
                unit = self._regiment_unit(n, m.group("div"))
                evs.append(
                    _Ev(unit, src[m.start() : m.end()], m.start(), m.end(), "xpcc", conf, script="Chinese")
                )

    def _pick_township(self, entries: list[_Entry], zt: str) -> _Unit:
        """Of several townships with one name, the one whose county or prefecture the text also names."""
        units = [e.unit for e in entries]
        for u in units:
            for code in (u.code[:6], u.code[:4]):
                parent = self._units.get(code)
                if parent and (parent.name_zh in zt or self._zh_core(parent.name_zh) in zt):
                    return u
        return units[0]

    def _regiment_unit(self, n: int, div_text: str | None) -> _Unit:
        unit = self._regiments.get(n)
        if unit:
            return unit
        div_n = None
        if div_text:
            dm = re.search(r"([一二三四五六七八九十]{1,3})师", div_text)
            div_n = _cn_number(dm.group(1)) if dm else None
        div = self._divisions.get(div_n or 0)
        code = div.code if div else "65"
        where = f" of the {div.english.removeprefix('the ')}" if div else ""
        return _Unit(
            code, "xpcc", f"{_cn_numeral(n)}团", f"XPCC Regiment {n}{where}", xpcc=True, specificity=5
        )

    def _scan_nonlatin(self, t: str, evs: list[_Ev]) -> None:
        low = t.casefold()
        for phrase, phrase_entry in self._nonlatin_phrases:
            i = low.find(phrase)
            if i >= 0:
                evs.append(
                    _Ev(
                        phrase_entry.unit,
                        t[i : i + len(phrase)],
                        i,
                        i + len(phrase),
                        phrase_entry.method,
                        strong=phrase_entry.strong,
                        script="Cyrillic",
                    )
                )
        for m in _NONLATIN_TOKEN_RE.finditer(low):
            tok = m.group()
            entry = self._nonlatin.get(tok)
            if entry is None:
                for k in (tok[:n] for n in range(len(tok) - 1, 4, -1)):
                    if k in self._nonlatin and len(tok) - len(k) <= 6:
                        entry = self._nonlatin[k]
                        break
            if entry is not None:
                script = "Uyghur (Arabic script)" if "\u0600" <= tok[0] <= "\u06ff" else "Cyrillic"
                evs.append(
                    _Ev(
                        entry.unit,
                        t[m.start() : m.end()],
                        m.start(),
                        m.end(),
                        entry.method,
                        strong=entry.strong,
                        script=script,
                    )
                )

    def _scan_latin(
        self,
        t: str,
        latin: str,
        evs: list[_Ev],
        others: list[tuple[str, _Ev | None]],
        flags: dict[str, str],
    ) -> None:
        """``latin`` is ``t`` folded (same length), so spans found in it cut the place out of ``t``."""
        raw = _TOKEN_RE.findall(latin)
        if not raw:
            return
        toks = "\x00".join(raw).lower().split("\x00")
        n = len(toks)
        keys, prefixes, maxt = self._latin, self._latin_prefixes, self._max_tokens
        spans: list[tuple[int, int]] | None = None
        i = 0
        while i < n:
            tok = toks[i]
            if tok not in prefixes:
                if len(tok) > 7 and tok[0] in "xuwb" and (m := _PREFIX_RE.match(tok)):
                    # run-together: "XinjiangLu", "Urumqistrasse", "xinjianghuafu"
                    rest = m.group(2)
                    street = rest in T.STREET_AFTER or any(
                        rest.startswith(d) and rest[len(d) :] in T.STREET_AFTER for d in T.STREET_DIRECTIONS
                    )
                    entry = keys[m.group(1)][0]
                    spans = spans or [x.span() for x in _TOKEN_RE.finditer(latin)]
                    st, en = spans[i]
                    evs.append(
                        _Ev(
                            entry.unit,
                            t[st:en],
                            st,
                            en,
                            entry.method,
                            strong=entry.strong,
                            street=street,
                            script="Latin",
                        )
                    )
                i += 1
                continue
            best_j, best_key, s = -1, "", ""
            for j in range(i, min(n, i + maxt)):
                s += toks[j]
                if s not in prefixes:
                    break
                if s in keys:
                    best_j, best_key = j, s
            if best_j < 0:
                i += 1
                continue
            nxt = toks[best_j + 1] if best_j + 1 < n else ""
            entries = [
                e
                for e in keys[best_key]
                if e.min_tokens <= best_j - i + 1 and (not e.needs_type or nxt in _OTHER_TYPE_WORDS)
            ]
            if not entries:
                i += 1
                continue
            nxt2 = toks[best_j + 2] if best_j + 2 < n else ""
            prev = toks[i - 1] if i > 0 else ""
            street = (
                nxt in T.STREET_AFTER
                or (nxt in T.STREET_DIRECTIONS and nxt2 in T.STREET_AFTER)
                or prev in T.STREET_BEFORE
            )
            entry = entries[0]
            if entry.kind == "other":
                if not street:
                    others.append((entry.label, None))
            elif entry.kind == "foreign":
                if not street:
                    flags["foreign"] = entry.label
            elif entry.kind == "china":
                flags["china"] = "yes"
            elif nxt in T.LATIN_NOT_PLACE_AFTER.get(best_key, ()):
                pass  # "Hami melon", "Hotan jade": a product
            else:
                end_tok = best_j
                ptype = T.TYPE_WORDS.get(nxt, "")
                if (
                    not ptype and nxt in _LATIN_ETHNIC and nxt2 == "autonomous"
                ):  # Mulei Kazakh Autonomous County
                    ptype, nxt = "Prefecture", nxt2
                    nxt2 = toks[best_j + 3] if best_j + 3 < n else ""
                    best_j_type = best_j + 1
                else:
                    best_j_type = best_j
                if ptype:
                    end_tok = best_j_type + 1
                    if nxt == "autonomous" and nxt2 in T.TYPE_WORDS:
                        end_tok, ptype = best_j_type + 2, T.TYPE_WORDS[nxt2]
                    if ptype == "Prefecture":
                        entry = next((e for e in entries if e.unit.level == "prefecture"), entry)
                    elif ptype != "Region":
                        entry = next((e for e in entries if e.unit.ptype == ptype), entry)
                weak, conf, caveat = entry.weak, "high", ""
                spans = spans or [x.span() for x in _TOKEN_RE.finditer(latin)]
                st, en = spans[i][0], spans[end_tok][1]
                typed = f"{best_key} {ptype.lower()}" if ptype else ""
                if (
                    weak
                    and ptype
                    and entry.unit.ptype == ptype
                    and (best_key in self._pinyin_keys or typed in T.TYPED_OK)
                    and typed not in T.WEAK_TYPED
                ):
                    # "Moyu County", "Lop County": an everyday word, but with its type it names this unit
                    weak, conf = False, "medium"
                    caveat = (
                        "this name alone is also a common word, a name or a place elsewhere and no other "
                        "XUAR place confirms it"
                    )
                elif weak and t[:st].rstrip().endswith("(") and t[en:].lstrip().startswith(")"):
                    # "Hoshine Silicon Industry (Shanshan) Co., Ltd.": the place of a company, in brackets
                    weak, conf = False, "medium"
                    caveat = (
                        "the name, also an everyday word or a place elsewhere, stands in brackets where a "
                        "company name gives its location"
                    )
                ev = _Ev(
                    entry.unit,
                    t[st:en],
                    st,
                    en,
                    entry.method,
                    conf,
                    weak=weak,
                    strong=entry.strong,
                    street=street,
                    script="Latin",
                )
                ev.caveat = caveat
                evs.append(ev)
                if entry.weak and not street:
                    alt = next((e for e in entries if e.kind == "other"), None)
                    if alt is not None:  # Baicheng: 拜城 (XUAR) unless confirmed, else 白城 (Jilin)
                        others.append((alt.label, ev))
            i = best_j + 1

    def _scan_latin_xpcc(self, t: str, lower: str, evs: list[_Ev]) -> None:
        for m in _LATIN_DIVISION_RE.finditer(lower):
            raw = m.group("n1") or m.group("w1") or m.group("n2") or m.group("p") or ""
            n = int(raw) if raw.isdigit() else T.ORDINALS.get(raw) or T.PINYIN_NUMBERS.get(raw)
            if not n or n > 14:
                continue
            explicit = bool(m.group("p")) or "agricultural" in m.group()
            evs.append(
                _Ev(
                    self._divisions[n],
                    t[m.start() : m.end()],
                    m.start(),
                    m.end(),
                    "xpcc",
                    "high" if explicit else "medium",
                    strong=explicit,
                    script="Latin",
                )
            )
        for m in _LATIN_REGIMENT_RE.finditer(lower):
            n = int(m.group("n1") or m.group("n2"))
            if not 1 <= n <= 230:
                continue
            evs.append(
                _Ev(
                    self._regiment_unit(n, None),
                    t[m.start() : m.end()],
                    m.start(),
                    m.end(),
                    "xpcc",
                    "medium",
                    script="Latin",
                )
            )

    def _scan_codes(self, t: str, evs: list[_Ev]) -> None:
        taken: list[tuple[int, int]] = []
        for m in _USCC_RE.finditer(t):
            code = m.group().upper()
            unit = self._resolve_code(code[2:8])
            if unit is None:
                continue
            ok = _uscc_check_ok(code)
            note = (
                f"the Unified Social Credit Code {code} carries the XUAR region code {code[2:8]}"
                f" (check digit {'valid' if ok else 'NOT valid: a typo or a made-up code?'})"
            )
            evs.append(_Ev(unit, m.group(), m.start(), m.end(), "admin-code", "high", strong=True, note=note))
            taken.append(m.span())
        for m in _DIGITS_RE.finditer(t):
            if any(a <= m.start() < b for a, b in taken):
                continue
            d = m.group()
            before = t[max(0, m.start() - 16) : m.start()].lower()
            admin_label = bool(_ADMIN_LABEL_RE.search(before))
            postal_label = bool(_POSTAL_LABEL_RE.search(before))
            ev = None
            if len(d) == 6 and d.startswith("65") and not postal_label:
                unit = self._resolve_code(d, exact=True)
                if unit is not None:
                    note = f"{d} is the administrative code of {unit.name_zh}" + (
                        "" if admin_label else " (but 650xxx is also the postcode range of Kunming, Yunnan)"
                    )
                    ev = _Ev(
                        unit,
                        d,
                        m.start(),
                        m.end(),
                        "admin-code",
                        "high" if admin_label else "medium",
                        note=note,
                    )
            elif len(d) == 6 and 830000 <= int(d) <= 849999 and not admin_label:
                note = f"{d} is in the XUAR postcode range 830000-849999"
                ev = _Ev(self._units["65"], d, m.start(), m.end(), "postal-code", "medium", note=note)
            elif len(d) in (9, 12) and d.startswith("65"):
                unit = self._township_codes.get(d[:9]) or self._resolve_code(d[:6], exact=True)
                if unit is not None:
                    note = f"{d} is a statistical division code under {unit.name_zh}"
                    ev = _Ev(unit, d, m.start(), m.end(), "admin-code", "high", note=note)
            elif len(d) == 15 and d.startswith("65"):
                unit = self._resolve_code(d[:6], exact=True)
                if unit is not None:
                    note = f"{d} looks like an old 15-digit business registration number from {unit.name_zh}"
                    ev = _Ev(unit, d, m.start(), m.end(), "admin-code", "medium", note=note)
            elif len(d) == 18 and d.startswith("65") and re.match(r"65\d{4}(19|20)\d{2}(0[1-9]|1[0-2])", d):
                unit = self._resolve_code(d[:6], exact=True)
                if unit is not None:
                    note = f"{d} looks like a resident ID number registered in {unit.name_zh}"
                    ev = _Ev(unit, d, m.start(), m.end(), "admin-code", "medium", note=note)
            if ev is not None:
                evs.append(ev)

    def _resolve_code(self, code6: str, exact: bool = False) -> _Unit | None:
        """650102 -> 天山区, 650100 -> 乌鲁木齐市, 650000 -> the region; None if not a XUAR code."""
        if not code6.startswith("65"):
            return None
        if code6 in self._units:
            return self._units[code6]
        if code6[4:] == "00" and code6[:4] in self._units:
            return self._units[code6[:4]]
        if code6 == "650000":
            return self._units["65"]
        if not exact and code6[:4] in self._units:
            return self._units[code6[:4]]
        return None

    # ---- decision ------------------------------------------------------------------------------------------

    def _decide(
        self, evs: list[_Ev], others_found: list[tuple[str, _Ev | None]], foreign: bool, foreign_why: str
    ) -> XuarResult | None:
        places = [e for e in evs if not e.street]
        streets = [e for e in evs if e.street]
        highs = [e for e in places if e.conf == "high" and not e.weak]
        for e in places:
            if e.weak or e.conf == "medium":
                for h in highs:
                    if h is not e and (h.end <= e.start or e.end <= h.start) and _consistent(h.unit, e.unit):
                        e.weak, e.conf = False, "high"
                        break
        # two weak names of which one lies inside the other (新市区 + 二工街道) support each other
        weaks = [e for e in places if e.weak]
        nested = [
            e
            for e in weaks
            if any(
                w is not e
                and (w.end <= e.start or e.end <= w.start)
                and w.unit.code != e.unit.code
                and "65" not in (w.unit.code, e.unit.code)
                and (w.unit.code.startswith(e.unit.code) or e.unit.code.startswith(w.unit.code))
                for w in weaks
            )
        ]
        for e in nested:
            e.weak, e.conf = False, "medium"
        places = [e for e in places if not e.weak]
        # another province's name that is also a (weak) XUAR name counts unless the XUAR reading was confirmed
        others = [label for label, ev in others_found if ev is None or ev.weak]
        caveat = ""
        if foreign:
            places = [e for e in places if e.strong]
            for e in places:
                e.conf = "medium"
            caveat = f"{foreign_why}, so only this explicit name counts"
        elif others:
            places = [e for e in places if e.strong or e.conf == "high"]
            for e in places:
                e.conf = "medium"
            named = ", ".join(dict.fromkeys(others))
            caveat = f"the text also names {named} elsewhere in China, so the party may not be in the XUAR"
        if not places:
            streets = [e for e in streets if not e.weak]
            if streets and not others and not foreign:
                best = max(streets, key=lambda e: (not e.weak, e.unit.rank, len(e.place)))
                caveat = (
                    f"'{best.place}' is used as a street or building name and no province is named, so the "
                    "party may be elsewhere in China"
                )
                return self._result(best, "medium", caveat, [best])
            return None
        best = max(
            places,
            key=lambda e: (
                e.conf == "high",
                e.unit.rank[0],
                e.method not in ("postal-code",),
                len(e.place),
                -e.start,
            ),
        )
        ordered = sorted(places, key=lambda e: e.start)
        return self._result(best, best.conf, caveat, ordered)

    def _result(self, best: _Ev, conf: str, caveat: str, ordered: list[_Ev]) -> XuarResult:
        u = best.unit
        level_txt = {
            "province": "the Xinjiang Uyghur Autonomous Region itself",
            "prefecture": "a prefecture-level division of the XUAR",
            "county": "a county-level division of the XUAR",
            "township": "a township-level division of the XUAR",
            "xpcc": "a unit of the Xinjiang Production and Construction Corps, which holds land in the XUAR",
        }[u.level]
        if u.level == "province":
            what = f"names the Xinjiang Uyghur Autonomous Region ({u.name_zh}, code {u.code})"
        elif u is self._xpcc_org:
            what = f"names {u.english} ({u.name_zh}, code {u.code}), whose units all lie in the XUAR"
        else:
            what = f"is {u.name_zh} ({u.english}, code {u.code}), {level_txt}"
            if u.note:
                what += f" and {u.note}"
        how = {
            "chinese": "in Chinese characters",
            "pinyin": "by its pinyin",
            "uyghur-latin/postal": "by a Uyghur-Latin, English or postal spelling",
            "uyghur-arabic": "in Uyghur Arabic script",
            "cyrillic": "in Cyrillic",
            "xpcc": f"as an XPCC (Bingtuan) name ({best.script or 'text'})",
            "admin-code": "by its code",
            "postal-code": "by its postcode",
        }.get(best.method, best.method)
        sentence = f"'{best.place}' {what}, found {how}"
        if best.note:
            sentence += f": {best.note}"
        if conf == "medium" and not caveat:
            caveat = best.caveat
        if conf == "medium" and not caveat:
            caveat = {
                "township": "a township name alone is weaker evidence",
                "postal-code": "a postcode alone is weaker evidence",
                "admin-code": "a number alone is weaker evidence",
            }.get(
                u.level if u.level == "township" else best.method,
                "this name alone is weaker evidence; confirm the location",
            )
        others = [e.place for e in ordered if e is not best]
        if others:
            sentence += "; also found: " + ", ".join(dict.fromkeys(others))
        if caveat:
            sentence += f"; medium confidence because {caveat}"
        evidence = tuple(dict.fromkeys([best.place, *(e.place for e in ordered)]))
        return XuarResult(best.place, u.name_zh, u.code, u.level, best.method, conf, sentence + ".", evidence)


# ---------------------------------------------------------------------------------------------- module API


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
