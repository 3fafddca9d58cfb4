"""The gazetteer index: every name of every XUAR unit (in Chinese, Latin spellings, Uyghur Arabic script and
Cyrillic), the names of China's other provinces and prefectures and of other countries, as dictionaries the
scanners look keys up in. Built once from the packaged CSV files (a few hundred ms); plain data, so it
pickles (worker processes receive it instead of rebuilding it).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from laborlens.geo import xuar_tables as T
from laborlens.geo.model import Entry, Unit
from laborlens.geo.text import CN_NUM, cn_number, cn_numeral, latin_key, ordinal, trie_regex

_LEVELS = {"province": "province", "prefecture-level": "prefecture", "county-level": "county"}
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
ETHNIC = sorted(
    "柯尔克孜 哈萨克 蒙古族 蒙古 回族 锡伯 塔吉克 藏族 羌族 彝族 朝鲜族 "
    "土家族 苗族 布依族 侗族 壮族 傣族 景颇族 傈僳族 哈尼族 白族".split(),
    key=len,
    reverse=True,
)
_TOWNSHIP_SUFFIX_RE = re.compile(
    r"(街道|民族乡|镇|乡|农场|牧场|林场|片区|园区|分部|生活区|管理区|开发区|区|场)$"
)
_ZONE_WORDS_RE = re.compile("|".join(sorted(map(re.escape, T.ZH_ZONE_WORDS), key=len, reverse=True)))
_ZONE_PUNCT_RE = re.compile(r"[\s()（）、,，\-—]+")
_XPCC_LATIN = (
    "XPCC", "XJPCC", "Bingtuan", "Xinjiang Bingtuan", "Xinjiang Production and Construction Corps",
    "Production and Construction Corps", "Xinjiang Production Construction Corps",
    "Xinjiang Production & Construction Corps", "Xinjiang Construction Corps",
)
_ORDER = {"province": 0, "prefecture": 1, "county": 2, "xpcc": 3, "township": 4}


def zh_core(name: str) -> str:
    """新疆维吾尔自治区 -> 新疆维吾尔, 巴音郭楞蒙古自治州 -> 巴音郭楞, 和田地区 -> 和田: the name without its
    administrative suffix and ethnic designation."""
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "县", "区", "盟", "州"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    changed = True
    while changed:
        changed = False
        for eth in ETHNIC:
            if name.endswith(eth) and len(name) > len(eth) + 1:
                name, changed = name[: -len(eth)], True
                break
    return name


def is_generic_zone(name: str) -> bool:
    """True for a name made only of zone and park words (经济技术开发区, 工业园区管委会, 西工业园区)."""
    rest = _ZONE_PUNCT_RE.sub("", _ZONE_WORDS_RE.sub("", name))
    return len(rest) == 0


def _strip_type(name: str) -> str:
    words = name.replace("Autonomous Prefecture", "").replace("Autonomous County", "").split()
    while words and words[-1] in ("City", "County", "District", "Prefecture", "Zizhiqu", "Mongol", "Hui",
                                  "Kazakh", "Kirghiz", "Xibe", "Tajik"):
        if len(words) == 1:
            break
        words.pop()
    return " ".join(words)


def _foreign_names() -> tuple[list[str], list[str]]:
    """(Chinese, Latin) names of countries other than China: CLDR's (Babel) in English and Chinese, rigour's
    names and capitals, minus the ambiguous ones (``xuar_tables.FOREIGN_NAME_SKIP``), plus the curated extras.
    Hong Kong, Macau and Taiwan are handled as provinces of China (``xuar_tables.OTHER_PROVINCES``)."""
    from babel import Locale
    from rigour.territories import get_territory

    skip = T.FOREIGN_NAME_SKIP
    en, zh, zh_hant = (Locale.parse(x).territories for x in ("en", "zh", "zh_Hant"))
    zh_names: list[str] = list(T.FOREIGN_EXTRA_ZH)
    latin: list[str] = list(T.FOREIGN_EXTRA_LATIN)
    for code in sorted(en):
        if len(code) != 2 or not code.isalpha() or code in ("CN", "HK", "MO", "TW"):
            continue
        t = get_territory(code.lower())
        if t is None or not t.is_country:
            continue
        for nm in (zh.get(code), zh_hant.get(code)):
            if nm and nm not in skip and len(nm) >= 2:
                zh_names.append(nm)
        for nm in (en[code], t.name, t.full_name, *(p for p in t.places if "," not in p and len(p) >= 5)):
            if nm and latin_key(nm) not in skip and len(latin_key(nm)) >= 4:
                latin.append(nm)
    return list(dict.fromkeys(zh_names)), list(dict.fromkeys(latin))


class Gazetteer:
    """The dictionaries of names and codes; see the module documentation."""

    def __init__(self, data_dir: Path | str | None = None) -> None:
        if data_dir is None:
            from laborlens.refdata.catalog import DATA

            data_dir = DATA
        self.data_dir = Path(data_dir)
        self.units: dict[str, Unit] = {}
        self.zh: dict[str, list[Entry]] = {}
        self.latin: dict[str, list[Entry]] = {}
        self.nonlatin: dict[str, Entry] = {}
        self.nonlatin_phrases: list[tuple[str, Entry]] = []
        self.regiments: dict[int, Unit] = {}
        self.divisions: dict[int, Unit] = {}
        self.township_codes: dict[str, Unit] = {}
        self.pinyin_keys: set[str] = set()
        self.xpcc_org = Unit("65", "xpcc", "新疆生产建设兵团",
                             "the Xinjiang Production and Construction Corps (XPCC, Bingtuan)", xpcc=True,
                             specificity=1)
        self.max_tokens = 10
        self._build()

    # ---- adding keys ---------------------------------------------------------------------------------------

    def _read(self, name: str) -> list[dict[str, str]]:
        with (self.data_dir / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def add_zh(self, key: str, entry: Entry) -> None:
        lst = self.zh.setdefault(key, [])
        if entry.kind == "xuar":
            # a XUAR meaning wins over another province's use of the same characters
            lst[:] = [e for e in lst if e.kind == "xuar"]
        elif any(e.kind == "xuar" for e in lst):
            return
        lst.append(entry)

    def add_latin(self, name: str, entry: Entry) -> None:
        key = latin_key(name)
        if not key:
            return
        lst = self.latin.setdefault(key, [])
        if entry.kind == "xuar":
            if any(e.unit is entry.unit for e in lst):
                return
        elif any(e.kind == "xuar" and not e.weak for e in lst):
            return  # a XUAR meaning wins; a weak one (Baicheng 拜城 / 白城) keeps the other meaning beside it
        lst.append(entry)

    # ---- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        prefectures = self._read("china_prefectures.csv")
        other_zh = {r["name_zh"] for r in prefectures if r["province_code"] != "65"}
        other_zh |= {zh_core(n) for n in other_zh}
        other_zh |= {n for zh_names, _ in T.OTHER_PROVINCES.values() for n in zh_names}
        division_city = self._build_admin(self._read("xuar_admin_divisions.csv"))
        self._build_extra_names()
        townships = self._read("xuar_townships.csv")
        self._build_xpcc(townships, division_city)
        self._build_townships(townships, other_zh)
        self._build_others(prefectures)
        self._build_nonlatin()
        # best meaning first: province, prefecture, county (by code), township, other provinces
        for table in (self.zh, self.latin):
            for lst in table.values():
                lst.sort(key=lambda e: (e.kind != "xuar", _ORDER.get(e.unit.level, 9), e.unit.code))
        for key, lst in self.zh.items():
            for e in lst:
                e.not_after = T.ZH_NOT_PLACE_AFTER.get(zh_core(key), ())
        self.zh_re = trie_regex(self.zh)
        self.latin_prefixes = {k[:i] for k in self.latin for i in range(1, len(k) + 1)}

    def _build_admin(self, admin: list[dict[str, str]]) -> dict[int, str]:
        """Province, prefectures, counties and XPCC cities; returns XPCC division number -> city code."""
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
            alias = next((o for o in others if latin_key(o) != latin_key(words[0] if words else "")
                          and latin_key(o) not in T.WEAK_LATIN and len(latin_key(o)) > 3), "")
            english = pinyin + (f" / {alias}" if alias else "")
            note = ""
            if xpcc and r["xpcc_division"]:
                m = re.match(r"(\d+)", r["xpcc_division"])
                if m:
                    division_city[int(m.group(1))] = code
                    note = f"an XPCC city run by the {r['xpcc_division']}"
            unit = Unit(code, level, r["name_zh"], english, xpcc=xpcc, ptype=ptype, note=note)
            self.units[code] = unit
            method_cjk = "xpcc" if xpcc else "chinese"
            name = r["name_zh"]
            for key, weak in self._zh_keys(name, level):
                self.add_zh(key, Entry("xuar", unit, method=method_cjk, weak=weak,
                                       strong=(key == name or level == "province")))
            core = _strip_type(pinyin)
            py_keys = {latin_key(core), latin_key(core.split()[0])} if core else set()
            names = [core, *(core.split()[:1] if level != "province" else []), *others,
                     *T.EXTRA_LATIN.get(code, ())]
            if level == "province":
                names.append("Xinjiang")
            for nm in dict.fromkeys(x for n in names for x in (n, _strip_type(n))):
                key = latin_key(nm)
                if not key:
                    continue
                method = "xpcc" if xpcc else ("pinyin" if key in py_keys else "uyghur-latin/postal")
                weak = key in T.WEAK_LATIN or len(key) <= 3
                self.add_latin(nm, Entry("xuar", unit, method=method, weak=weak, strong=level == "province"))
            self.pinyin_keys |= py_keys
        return division_city

    def _build_extra_names(self) -> None:
        """Former names and the large development zones: keys of their (host) unit, with a note saying so."""
        for code, (zh_names, latin_names, what) in T.FORMER_NAMES.items():
            unit = self.units[code]
            note = f"a former name of {unit.name_zh} ({what})"
            method = "xpcc" if unit.xpcc else "chinese"
            for nm in zh_names:
                self.add_zh(nm, Entry("xuar", unit, method=method, strong=True, note=note))
            for nm in latin_names:
                entry = Entry("xuar", unit, method="uyghur-latin/postal", note=note, min_tokens=2)
                self.latin.setdefault(latin_key(nm), []).insert(0, entry)
        for code, (zh_names, latin_names) in T.DEV_ZONES.items():
            unit = self.units[code]
            method = "xpcc" if unit.xpcc else "chinese"
            for nm in zh_names:
                note = f"{nm} is a development zone in {unit.name_zh}"
                self.add_zh(nm, Entry("xuar", unit, method=method, strong=True, note=note))
            for nm in latin_names:
                note = f"{nm} is a development zone in {unit.name_zh} ({unit.english})"
                entry = Entry("xuar", unit, method="uyghur-latin/postal", note=note)
                self.latin.setdefault(latin_key(nm), []).insert(0, entry)

    def _build_xpcc(self, townships: list[dict[str, str]], division_city: dict[int, str]) -> None:
        xpcc_org = self.xpcc_org
        for key in ("新疆生产建设兵团", "生产建设兵团", "新疆兵团", "兵团", "团场"):
            self.add_zh(key, Entry("xuar", xpcc_org, method="xpcc", strong=key != "团场"))
        for nm in _XPCC_LATIN:
            self.add_latin(nm, Entry("xuar", xpcc_org, method="xpcc", strong=True))
        for n in range(1, 15):
            city = division_city.get(n) or T.XPCC_DIVISION_EXTRA.get(n, "65")
            seat = self.units.get(city)
            seat_txt = f", seated in {seat.name_zh}" if seat and seat.code != "65" else ""
            self.divisions[n] = Unit(city, "xpcc", f"第{cn_numeral(n)}师",
                                     f"the XPCC {ordinal(n)} Division{seat_txt}", xpcc=True, specificity=3)
        for r in townships:
            m = re.search(r"([" + CN_NUM + r"]+)团", r["name_zh"])
            num = cn_number(m.group(1)) if m else None
            if num and num not in self.regiments:
                self.regiments[num] = Unit(
                    r["code"], "xpcc", r["name_zh"],
                    f"XPCC Regiment {num} ({r['name_zh']}, under {r['county_name_zh']})", xpcc=True,
                    specificity=5)

    def _build_townships(self, townships: list[dict[str, str]], other_zh: set[str]) -> None:
        """Chinese only: the gazetteer's township pinyin is machine-made and unreviewed. A township made of
        zone words only (经济技术开发区) gets no key; one named after another province or city (北京工业园区
        in Hotan: a pairing-assistance park) is weak, since parks of that name exist elsewhere too."""
        for r in townships:
            name = r["name_zh"]
            self.township_codes[r["code"]] = unit = Unit(
                r["code"], "township", name,
                f"{r['pinyin']}, {r['county_name_zh']}, {r['prefecture_name_zh']}",
                xpcc=r["county_code"].startswith("6590"))
            if name.startswith("兵团") or "团" in name[-3:] or re.search(r"[" + CN_NUM + r"]团", name):
                continue  # XPCC regiments are found by the regiment pattern
            if is_generic_zone(name):
                continue
            m = _TOWNSHIP_SUFFIX_RE.search(name)
            core = name[: m.start()] if m else name
            donor_park = any(name[:k] in other_zh and is_generic_zone(name[k:]) for k in range(2, 6))
            weak = len(core) <= 2 or "路" in core or "街" in core or core in T.WEAK_ZH or donor_park
            if all(e.unit.level == "township" for e in self.zh.get(name, ())):  # not a county's key
                self.add_zh(name, Entry("xuar", unit, method="xpcc" if unit.xpcc else "chinese", weak=weak))

    def _build_others(self, prefectures: list[dict[str, str]]) -> None:
        """Other provinces and prefectures of China, other countries, China itself."""
        for r in prefectures:
            if r["province_code"] == "65":
                continue
            label = f"{r['name_zh']} ({r['province_zh']})"
            entry = Entry("other", label=label)
            name = r["name_zh"]
            self.add_zh(name, entry)
            short = zh_core(name)
            if len(short) >= 2 and short not in T.OTHER_ZH_SHORT_SKIP:
                self.add_zh(short, entry)
            py = r["pinyin_short"]
            for e in self.latin.get(latin_key(py), ()):
                e.weak = True  # a XUAR name that is also another prefecture's pinyin (拜城/白城 Baicheng)
            # everyday pinyin (Datong, Ankang ...) names a prefecture only as "Datong City", "Datong Shi"
            self.add_latin(py, Entry("other", label=f"{py} ({r['province_zh']})",
                                     needs_type=latin_key(py) in T.OTHER_LATIN_SKIP))
            for fix in T.PREFECTURE_LATIN_FIX.get(name, ()):
                multi = 2 if "'" in fix else 1
                self.add_latin(fix, Entry("other", label=f"{fix} ({r['province_zh']})", min_tokens=multi))
        for zh_names, latin_names in T.OTHER_PROVINCES.values():
            label = zh_names[0]
            for nm in zh_names:
                self.add_zh(nm, Entry("other", label=label))
            for nm in latin_names:
                self.add_latin(nm, Entry("other", label=f"{nm} ({label})"))
        zh_foreign, latin_foreign = _foreign_names()
        for nm in zh_foreign:
            self.add_zh(nm, Entry("foreign", label=nm))
        for nm in latin_foreign:
            self.add_latin(nm, Entry("foreign", label=nm))
        for nm in ("中国", "中华人民共和国"):
            self.add_zh(nm, Entry("china"))
        for nm in ("China", "PRC", "P.R.C", "People's Republic of China", "P.R. China"):
            self.add_latin(nm, Entry("china"))

    def _build_nonlatin(self) -> None:
        """Uyghur Arabic script and Cyrillic."""
        pairs = [(nm, self.units[code], code == "65") for code, names in T.NON_LATIN.items() for nm in names]
        pairs += [(nm, self.xpcc_org, True) for nm in T.NON_LATIN_XPCC]
        for nm, unit, strong in pairs:
            script = "uyghur-arabic" if re.search(r"[\u0600-\u06ff]", nm) else "cyrillic"
            entry = Entry("xuar", unit, method="xpcc" if unit is self.xpcc_org else script, strong=strong)
            if " " in nm or "-" in nm:
                self.nonlatin_phrases.append((nm.casefold(), entry))
            else:
                self.nonlatin[nm.casefold()] = entry

    def _zh_keys(self, name: str, level: str) -> list[tuple[str, bool]]:
        """Chinese keys for one admin unit, each with its 'weak' flag (needs other XUAR evidence)."""
        keys: list[tuple[str, bool]] = [(name, name in T.WEAK_ZH)]
        if level == "province":
            return keys + [(k, False) for k in ("新疆", "新疆自治区", "新疆省", "新疆维吾尔族自治区")]
        core = zh_core(name)
        if core != name:
            keys.append((core, core in T.WEAK_ZH))
            if name.endswith("自治州"):
                keys += [(core + "州", False), (core + "自治州", False)]
            if name.endswith("自治县"):
                keys.append((core + "县", False))
        extra = {"巴音郭楞蒙古自治州": ("巴州", True), "博尔塔拉蒙古自治州": ("博州", True),
                 "克孜勒苏柯尔克孜自治州": ("克州", True),
                 "和田地区": ("和阗", False)}  # 和阗: old name, still in traditional-script texts (和闐)
        if name in extra:
            keys.append(extra[name])
        return keys

    # ---- lookups -------------------------------------------------------------------------------------------

    def resolve_code(self, code6: str, exact: bool = False) -> Unit | None:
        """650102 -> 天山区, 650100 -> 乌鲁木齐市, 650000 -> the region; None if not a XUAR code."""
        if not code6.startswith("65"):
            return None
        if code6 in self.units:
            return self.units[code6]
        if code6[4:] == "00" and code6[:4] in self.units:
            return self.units[code6[:4]]
        if code6 == "650000":
            return self.units["65"]
        if not exact and code6[:4] in self.units:
            return self.units[code6[:4]]
        return None

    def pick_township(self, entries: list[Entry], zt: str) -> Unit:
        """Of several townships with one name, the one whose county or prefecture the text also names."""
        units = [e.unit for e in entries]
        for u in units:
            for code in (u.code[:6], u.code[:4]):
                parent = self.units.get(code)
                if parent and (parent.name_zh in zt or zh_core(parent.name_zh) in zt):
                    return u
        return units[0]

    def regiment_unit(self, n: int, div_text: str | None) -> Unit:
        unit = self.regiments.get(n)
        if unit:
            return unit
        div_n = None
        if div_text:
            dm = re.search(r"([一二三四五六七八九十]{1,3})师", div_text)
            div_n = cn_number(dm.group(1)) if dm else None
        div = self.divisions.get(div_n or 0)
        code = div.code if div else "65"
        where = f" of the {div.english.removeprefix('the ')}" if div else ""
        return Unit(code, "xpcc", f"{cn_numeral(n)}团", f"XPCC Regiment {n}{where}", xpcc=True, specificity=5)


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The gazetteer index of the packaged data, built on first use."""
    return Gazetteer()
