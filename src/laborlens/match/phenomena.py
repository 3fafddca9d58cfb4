"""Labelled variants and hard negatives for any watchlist, made from the phenomena seen on manifests and in
registries (written independently of the shared evaluation set):

positives — the listed name itself, manifest case (also with the legal form written another way), truncation, abbreviations, run-together words, typos, one letter or syllable of
the brand changed, word order, place spellings, legal-form variants, Chinese script, pinyin, pinyin written
syllable by syllable, brands as pinyin initials, numbers as digits/words/ordinals/roman numerals, dotted
initials, inflection, Cantonese romanisation, Cyrillic script (Palladius transcription and Russian words, or
the English spelling letter by letter), bill-of-lading wording;

hard negatives — another brand in the same frame, the same or a near brand with a conflicting place and
industry, the frame without its brand, another number, another country qualifier, another legal form,
initials reordered.

Every row carries a ``group``: the listed entity's brand cluster (entities sharing a distinctive word share
a group), so folds split by entity *and* brand.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from laborlens.countries import iso2
from laborlens.match.corpus import ChineseCompany, brand, chinese_company, places, py
from laborlens.model import WatchEntry
from laborlens.names.chinese import has_han
from laborlens.names.normalize import analyze
from laborlens.names.vocab import pinyin_split

FOLDS = 5


def fold_of(key: str, folds: int = FOLDS) -> int:
    """Stable fold of a group key (a brand cluster or an unlisted brand)."""
    return zlib.crc32(key.encode("utf-8")) % folds


@dataclass(slots=True)
class Row:
    id: str
    name: str
    country: str
    expected: str  # entity id, "" for a name that is not listed
    kind: str  # phenomenon; negatives start with "neg_"
    group: str  # brand cluster for entity/brand-disjoint folds


def manifest(n: str) -> str:
    """Upper case, ASCII, no punctuation: the way carriers key names in."""
    from normality import ascii_text

    n = ascii_text(n) or n
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9 ]", " ", n.upper())).strip()


_ABBR = {"technology": "TECH", "group": "GRP", "industrial": "INDL", "industry": "IND", "international": "INTL",
         "manufacturing": "MFG", "materials": "MATLS", "energy": "ENGY", "chemical": "CHEM",
         "development": "DEV", "products": "PRODS", "holdings": "HLDGS", "logistics": "LOG",
         "textile": "TEX", "engineering": "ENG", "trading": "TRDG", "corporation": "CORP", "company": "CO",
         "limited": "LTD", "equipment": "EQUIP", "machinery": "MACH", "electric": "ELEC",
         "garment": "GARM", "investment": "INVT", "biotechnology": "BIOTECH", "import and export": "IMP EXP",
         "accessories": "ACC", "nonferrous": "NONFERR", "agriculture": "AGRI", "pharmaceutical": "PHARMA"}
_LEGAL_SWAP = [("Co., Ltd.", "Company Limited"), ("Co. Ltd.", "Co Ltd"), ("Corporation", "Corp."),
               ("Limited", "Ltd."), ("GmbH", "Gesellschaft mit beschränkter Haftung"),
               ("AG", "Aktiengesellschaft"), ("AB", "Aktiebolag"), ("Oy", "Osakeyhtiö"), ("S.A.", "SA")]
_LEGAL_CONFLICT = [("GmbH", "AG"), ("AG", "GmbH"), ("SARL", "SA"), ("SAS", "SARL"), ("S.L.", "S.A."),
                   ("S.A.", "S.L."), ("AB", "Oy"), ("Oy", "AB"), ("B.V.", "N.V."), ("N.V.", "B.V."),
                   ("S.r.l.", "S.p.A."), ("S.p.A.", "S.r.l."), ("KG", "GmbH"), ("SE", "GmbH"),
                   ("Sp. z o.o.", "S.A."), ("SNC", "SA"), ("Oyj", "AB")]
_INFLECT = [("Agriculture", "Agricultural"), ("Agricultural", "Agriculture"), ("Products", "Product"),
            ("Foods", "Food"), ("Food", "Foods"), ("Textile", "Textiles"), ("Textiles", "Textile"),
            ("Industry", "Industries"), ("Industrial", "Industries"), ("Metals", "Metal"),
            ("Material", "Materials"), ("Materials", "Material"), ("Shoes", "Shoe"), ("Chemical", "Chemicals")]
# Mandarin → Cantonese (Hong Kong) romanisation of syllables common in brands
_CANTONESE = {"hong": "hung", "huang": "wong", "wang": "wong", "zhang": "cheung", "chen": "chan", "li": "lee",
              "guang": "kwong", "hua": "wah", "xing": "hing", "jin": "kam", "tai": "tai", "da": "tat",
              "long": "lung", "fu": "fook", "hai": "hoi", "xin": "sun", "feng": "fung", "cheng": "shing",
              "zhong": "chung", "yuan": "yuen", "tian": "tin", "sheng": "sing", "he": "ho", "an": "on",
              "mei": "mei", "bao": "po", "heng": "hang", "de": "tak", "kang": "hong", "jia": "ka"}
_CYR = {"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "k": "к", "l": "л",
        "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "h": "х",
        "c": "ц", "y": "ы", "j": "дж", "q": "ц", "w": "в", "x": "кс"}
_CYR2 = {"zh": "ж", "ch": "ч", "sh": "ш", "ya": "я", "yu": "ю", "ts": "ц", "kh": "х"}
_NUM_FORMS = {1: ["1", "1st", "First", "One", "I"], 2: ["2", "2nd", "Second", "Two", "II"],
              3: ["3", "3rd", "Third", "Three", "III"], 4: ["4", "4th", "Fourth", "Four", "IV"],
              8: ["8", "8th", "Eighth", "Eight", "VIII"], 12: ["12", "12th", "Twelfth", "Twelve", "XII"],
              14: ["14", "14th", "Fourteen", "XIV"], 44: ["44", "Forty-four", "Forty Four", "44th"]}
_COUNTRIES = ["Schweiz", "Sweden", "Finland", "Deutschland", "Mexico", "Vietnam", "Malaysia", "Thailand",
              "Singapore", "India", "Brasil", "Polska", "France", "Italia", "Japan", "Korea", "Cambodia"]


def _letters_cyrillic(text: str) -> str:
    """English or other Latin words written letter by letter in Cyrillic (Century → Центуры)."""
    out = []
    low = text.lower()
    i = 0
    while i < len(low):
        two = low[i : i + 2]
        if two in _CYR2:
            out.append(_CYR2[two])
            i += 2
            continue
        out.append(_CYR.get(low[i], low[i]))
        i += 1
    return "".join(out).title()


# How Russian documents write the words of a Chinese company's English name: translated, or the English
# sounded out (the generator's own choices, written apart from the reader in names/romanisation.py).
_RU_RENDER = {"group": ("Группа", "Груп"), "technology": ("Технологии", "Текнолоджи"),
              "energy": ("Энергия", "Энерджи"), "new": ("Новая", "Нью"), "materials": ("Материалы",),
              "material": ("Материал", "Материалс"), "textile": ("Текстиль", "Текстайл"),
              "textiles": ("Текстиль",), "chemical": ("Химическая", "Кемикал"),
              "industry": ("Промышленность", "Индастри"), "industrial": ("Промышленная", "Индастриал"),
              "trading": ("Торговая", "Трейдинг"), "import": ("Импорт",), "export": ("Экспорт",),
              "holdings": ("Холдингс",), "mining": ("Горнодобывающая", "Майнинг"), "silicon": ("Кремний",),
              "cotton": ("Хлопок", "Коттон"), "food": ("Пищевая", "Фуд"), "gold": ("Золото", "Голд"),
              "coal": ("Угольная",), "and": ("и",), "development": ("Развития",), "products": ("Продукты",),
              "logistics": ("Логистика",), "investment": ("Инвестиционная",), "garment": ("Швейная",),
              "electric": ("Электрик",), "international": ("Интернешнл",), "spinning": ("Прядильная",),
              "color": ("Цветная",), "machinery": ("Машиностроительная",), "solar": ("Солнечная",),
              "co": ("Ко.", "Co."), "ltd": ("Лтд.", "Ltd."), "company": ("Компания",), "limited": ("Лимитед",),
              "corporation": ("Корпорация",)}


def cyrillic(text: str, rng: random.Random | None = None) -> str:
    """A name as a Russian document writes it: Chinese names (pinyin words, places) in the Palladius
    transcription (Xinjiang → Синьцзян), company words translated or sounded out, other words letter by
    letter."""
    from laborlens.names.romanisation import palladius
    from laborlens.names.vocab import common_english

    rng = rng or random.Random(0)
    out = []
    for w in re.sub(r"[,.()]", " ", text).split():
        low = w.lower()
        syl = pinyin_split(low)
        if low in _RU_RENDER:
            out.append(rng.choice(_RU_RENDER[low]))
        elif syl and all(palladius(x) for x in syl) and low not in common_english():
            out.append("".join(palladius(x) for x in syl).title())
        else:
            out.append(_letters_cyrillic(w))
    return " ".join(out)


def _brand_words(name: str) -> list[str]:
    # the words as written (analysis casefolds them)
    words = {w.lower(): w for w in re.findall(r"[^\W_]+", name)}
    return [words.get(t.raw, t.raw.title()) for t in analyze(name)[0].tokens
            if t.kind == "distinct" and len(t.raw) >= 3]


def _typo(w: str, rng: random.Random) -> str:
    j = rng.randrange(1, len(w) - 1)
    op = rng.choice("dsit")
    if op == "d":
        return w[:j] + w[j + 1 :]
    if op == "s":
        return w[:j] + rng.choice("aeiounrl") + w[j + 1 :]
    if op == "i":
        return w[:j] + rng.choice("aeiour") + w[j:]
    return w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]


def _syllable_edit(w: str, rng: random.Random) -> str:
    """One syllable of a pinyin brand changed in its vowel (Haolin → Haolan), or one letter elsewhere."""
    syl = pinyin_split(w.lower())
    if len(syl) >= 2:
        k = rng.randrange(len(syl))
        s = syl[k]
        for a, b in (("in", "an"), ("an", "in"), ("ong", "ing"), ("ing", "ong"), ("u", "ei"), ("ei", "u"),
                     ("ao", "ai"), ("ai", "ao"), ("ang", "eng"), ("eng", "ang"), ("ua", "uo"), ("i", "e")):
            if s.endswith(a):
                new = list(syl)
                new[k] = s[: -len(a)] + b
                out = "".join(new)
                return out.title() if w[:1].isupper() else out
    if len(w) >= 4:
        j = rng.randrange(1, len(w) - 1)
        return w[:j] + rng.choice([c for c in "aeiou" if c != w[j]]) + w[j + 1 :]
    return ""


def _replace_word(name: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", lambda _m: new, name, count=1, flags=re.I)


def variants(name: str, rng: random.Random, zh: str = "", company: ChineseCompany | None = None
             ) -> dict[str, str]:
    """Positive variants of one listed name, keyed by phenomenon (only those that apply)."""
    out: dict[str, str] = {}
    up = manifest(name)
    # the listed name itself, and as keyed on a manifest with its legal form written another way: a name
    # identical after normalisation is a match whatever its brand (an ordinary English word such as
    # "Camel" included — hard negatives alone taught the fit that such brands are weak)
    out["exact"] = name
    out["manifest"] = up
    if len(up) > 24:
        out["truncated"] = up[: rng.choice((20, 25, 30, 35))].rstrip()
    ab = " " + up.lower() + " "
    for full, short in _ABBR.items():
        ab = ab.replace(f" {full} ", f" {short.lower()} ")
    if ab.strip() != up.lower():
        out["abbreviation"] = ab.strip().upper()
    ws = up.split()
    if len(ws) >= 3:
        i = rng.randrange(len(ws) - 1)
        out["run_together"] = " ".join(ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2 :])
        body = [w for w in re.split(r"[\s,()]+", name) if w and w.lower().strip(".") not in ("co", "ltd")]
        rng.shuffle(body)
        out["word_order"] = " ".join(body) + " Co Ltd"
    brands = _brand_words(name)
    long_words = [w for w in name.split() if len(w.strip(".,()")) > 4]
    if long_words:
        w = rng.choice(long_words).strip(".,()")
        out["typo"] = _replace_word(name, w, _typo(w, rng))
    if brands:
        b = rng.choice(brands)
        e = _syllable_edit(b, rng)
        if e and e.lower() != b.lower():
            out["brand_edit"] = _replace_word(name, b, e)
        syl = pinyin_split(b.lower())
        if len(syl) >= 2:
            can = [_CANTONESE.get(s, s) for s in syl]
            if can != list(syl):
                out["cantonese"] = _replace_word(name, b, " ".join(c.title() for c in can))
        out["cyrillic"] = cyrillic(name, rng)
        # the English spelling keyed in Cyrillic letters, as a clerk without a transcription table writes it
        out["cyrillic_letters"] = " ".join(_letters_cyrillic(w) if w.lower() not in ("co", "ltd") else w
                                           for w in re.sub(r"[,.()]", " ", name).split())
    for a, b in _LEGAL_SWAP:
        if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", name):
            out["legal_form"] = _replace_word(name, a, b)
            break
    else:
        out["legal_form"] = name + " Co., Ltd."
    out["manifest_legal_form"] = manifest(out["legal_form"])
    for a, b in _INFLECT:
        if re.search(rf"\b{a}\b", name):
            out["inflection"] = _replace_word(name, a, b)
            break
    for p in analyze(name)[0].tokens:
        if p.kind == "place" and p.raw.lower() != p.text:
            out["place_spelling"] = _replace_word(name, p.raw.title(), p.text.title())
            break
        if p.kind == "place" and p.text in _PLACE_ALT:
            out["place_spelling"] = re.sub(rf"\b{p.raw}\b", _PLACE_ALT[p.text], name, count=1, flags=re.I)
            break
    acr = [w for w in re.findall(r"\b[A-Z]{2,5}\b", name)
           if w not in ("CO", "LTD", "AG", "AB", "SA", "GMBH", "II", "III", "IV", "VI", "VII", "VIII", "XII", "XIV")]
    if acr:
        a = acr[0]
        out["dotted_initials"] = _replace_word(name, a, ".".join(a) + ".")
    nums = [(k, f) for k, forms in _NUM_FORMS.items() for f in forms if re.search(rf"\b{re.escape(f)}\b", name)]
    if nums:
        k, f = nums[0]
        out["number_form"] = _replace_word(name, f, rng.choice([x for x in _NUM_FORMS[k] if x != f]))
    out["bill_of_lading"] = rng.choice(("TO THE ORDER OF {}", "{} C/O EXAMPLE FORWARDING LTD",
                                        "{} NO 18 INDUSTRIAL ROAD")).format(up)
    if zh:
        out["chinese_script"] = zh
    if company is not None:
        out["chinese_script"] = company.chinese()
        out["pinyin"] = company.pinyin()
        out["pinyin_syllables"] = company.pinyin(syllables=True)
        if len(company.brand_py) >= 2:
            initials = "".join(s[0] for s in company.brand_py).upper()
            out["pinyin_initials"] = _replace_word(name, company.brand, initials)
    elif zh:
        zh_syl = list(py(re.sub(r"[^\u4e00-\u9fff]", "", zh)))
        out["pinyin_syllables"] = " ".join(s.title() for s in zh_syl)
    return {k: v for k, v in out.items() if v and v.strip()}


_PLACE_ALT = {"hetian": "Hotan", "kashi": "Kashgar", "akesu": "Aksu", "tulufan": "Turpan",
              "kelamayi": "Karamay", "wulumuqi": "Urumqi", "hami": "Kumul", "yili": "Ili", "changji": "Changji"}


def negatives(name: str, rng: random.Random, brand_pool: Sequence[str], company: ChineseCompany | None = None,
              covers: bool = False) -> dict[str, str]:
    """Hard negatives of one listed name: what looks like it and is another company."""
    out: dict[str, str] = {}
    brands = _brand_words(name)
    toks = analyze(name)[0].tokens
    if brands:
        b = brands[0]
        other = rng.choice([x for x in brand_pool if x.lower() != b.lower()] or ["Zhenghe"])
        out["neg_brand_swap"] = _replace_word(name, b, other)
        out["neg_frame_only"] = re.sub(r"\s+", " ", _replace_word(name, b, "")).strip()
        if not covers:
            # the same brand, or one syllable off, with another place and another industry
            own = {t.text for t in toks if t.kind == "place"}
            pl = rng.choice([p for p in places() if p.en.lower() not in own])
            ind = rng.choice(["Cotton Mill", "Furniture Co., Ltd.", "Pharmaceutical Co., Ltd.",
                              "Auto Parts Co., Ltd.", "Printing Co., Ltd.", "Glass Products Co., Ltd."])
            out["neg_same_brand_other_place_industry"] = f"{pl.en} {b.title()} {ind}"
            e = _syllable_edit(b, rng)
            if e:
                out["neg_near_brand_other_place_industry"] = f"{pl.en} {e.title()} {ind}"
    nums = [(k, f) for k, forms in _NUM_FORMS.items() for f in forms if re.search(rf"\b{re.escape(f)}\b", name)]
    if nums:
        num, written = nums[0]
        for j, other_num in enumerate(rng.sample([x for x in _NUM_FORMS if x != num], 3)):
            out[f"neg_number#{j}"] = _replace_word(name, written, rng.choice(_NUM_FORMS[other_num]))
    cq = [c for c in _COUNTRIES if re.search(rf"\b{c}\b", name)]
    if cq:
        for n, c in enumerate(rng.sample([c for c in _COUNTRIES if c != cq[0]], 2)):
            out[f"neg_country_qualifier#{n}"] = _replace_word(name, cq[0], c)
        out["neg_country_qualifier#x"] = re.sub(r"\s+", " ", name.replace(f"({cq[0]})", "")).strip()
    elif not company and brands and not any(t.kind == "place" for t in toks):
        head = name.split()[0]
        out["neg_country_qualifier"] = name.replace(head, f"{head} ({rng.choice(_COUNTRIES)})", 1)
    n = 0
    for a, b in _LEGAL_CONFLICT if company is None else ():
        if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", name) and n < 2:
            out[f"neg_legal_form#{n}"] = _replace_word(name, a, b)
            n += 1
    acr = [w for w in re.findall(r"\b[A-Z]{3,5}\b", name) if w not in ("LTD", "GMBH")]
    if acr and len(set(acr[0])) == len(acr[0]):
        out["neg_initials_reordered"] = _replace_word(name, acr[0], ".".join(reversed(acr[0])) + ".")
    return {k: v for k, v in out.items() if v and v.strip() and v != name}


def _exact(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.casefold()))


def brand_groups(entries: Sequence[WatchEntry]) -> dict[str, str]:
    """Entity id → group: entities that share a distinctive word (Esquel, Zijin, Meike) are one group."""
    parent: dict[str, str] = {e.entity_id: e.entity_id for e in entries}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}
    for e in entries:
        for n in e.all_names:
            for t in analyze(n)[0].tokens:
                if t.kind == "distinct" and len(t.text) >= 3:
                    if t.text in owner:
                        parent[find(e.entity_id)] = find(owner[t.text])
                    else:
                        owner[t.text] = e.entity_id
    return {e.entity_id: find(e.entity_id) for e in entries}


def synthetic_entities(n: int, seed: int = 3, prefix: str = "syn", foreign_share: float = 0.3
                       ) -> tuple[list[WatchEntry], dict[str, ChineseCompany]]:
    """Generated companies to list beside the real ones (for fitting, and to grow a list to 200 entities):
    Chinese companies (some numbered: "Second Cotton Mill"), and companies elsewhere, some with a country
    qualifier ("Müller Textil (Schweiz) AG")."""
    from laborlens.match.corpus import foreign_company

    rng = random.Random(seed)
    entries: list[WatchEntry] = []
    comps: dict[str, ChineseCompany] = {}
    seen: set[str] = set()
    while len(entries) < n:
        eid = f"{prefix}-{len(entries):04d}"
        if rng.random() < foreign_share:
            lang, name = foreign_company(rng, rng.choice(["de", "fr", "es", "it", "nl", "se", "fi", "pl", "en"]))
            head = name.split()[0]
            country = {"en": "US", "se": "SE"}.get(lang, lang.upper())
            if rng.random() < 0.4:
                q = rng.choice(_COUNTRIES)
                name = name.replace(head, f"{head} ({q})", 1)
                country = iso2(q) or country
            elif rng.random() < 0.3:
                k = rng.choice(sorted(_NUM_FORMS))
                name = name.replace(head, f"{head} {rng.choice(_NUM_FORMS[k])}", 1)
            if name in seen:
                continue
            seen.add(name)
            entries.append(WatchEntry(eid, name, (), country, prefix))
            continue
        c = chinese_company(rng)
        if c.brand_zh in seen:
            continue
        seen.add(c.brand_zh)
        if rng.random() < 0.12 and c.place:
            k = rng.choice(sorted(_NUM_FORMS))
            name = f"{c.place.en} {c.brand} {rng.choice(_NUM_FORMS[k])} {c.industry_en.title()} Mill"
            entries.append(WatchEntry(eid, name, (), "CN", prefix))
            continue
        covers = rng.random() < 0.08
        entries.append(WatchEntry(eid, c.english() + (" and its subsidiaries" if covers else ""), (), "CN", prefix))
        comps[eid] = c
    return entries, comps


def phenomena_rows(entries: Sequence[WatchEntry], zh: Mapping[str, Sequence[str]] | None = None,
                   companies: dict[str, ChineseCompany] | None = None, seed: int = 5) -> list[Row]:
    """Labelled variants and hard negatives for every listed entity."""
    from laborlens.match.index import _COVERS

    rng = random.Random(seed)
    zh = zh or {}
    companies = companies or {}
    groups = brand_groups(entries)
    # brands swapped in come from fresh generated names, from the same fold as the entity, so that a
    # held-out brand is never seen in training
    brng = random.Random(seed + 1)
    pools: dict[int, list[str]] = {}
    for _ in range(3000):
        b = "".join(py(brand(brng))).title()
        pools.setdefault(fold_of("b:" + b), []).append(b)
    rows: list[Row] = []
    # a "negative" that happens to be some listed name is not a negative
    listed_keys = {_exact(n) for e in entries for n in e.all_names}
    for e in entries:
        if e.kind != "entity":
            continue
        covers = any(_COVERS.search(n) for n in e.all_names)
        g = groups[e.entity_id]
        comp = companies.get(e.entity_id)
        for k, n in enumerate(e.all_names):
            if has_han(n):
                continue
            z = (zh.get(e.entity_id) or [""])[0] if k == 0 else ""
            for kind, q in variants(n, rng, z, comp if k == 0 else None).items():
                rows.append(Row(f"p{len(rows)}", q, e.country or "CN", e.entity_id, kind, g))
            brands = _brand_words(n)
            if covers and k == 0 and brands:
                # a subsidiary of a listing that covers subsidiaries: the brand, another place and trade
                pl = rng.choice(places())
                q = f"{brands[0]} {rng.choice(['Silicon', 'Textile', 'Trading', 'Logistics'])} ({pl.en}) Co., Ltd."
                rows.append(Row(f"p{len(rows)}", q, "CN", e.entity_id, "subsidiary", g))
            for kind, q in negatives(n, rng, pools[fold_of(g)], comp if k == 0 else None, covers).items():
                if _exact(q) in listed_keys:
                    continue
                # a name qualified by another country is usually declared from there
                cq = [c for c in _COUNTRIES if re.search(rf"\b{c}\b", q) and not re.search(rf"\b{c}\b", n)]
                country = iso2(cq[0]) if cq and kind.startswith("neg_country") else (e.country or "CN")
                rows.append(Row(f"p{len(rows)}", q, country, "", kind.split("#")[0], g))
    return rows


_LEGAL_WORDS = frozenset("co ltd limited company corp corporation inc sa sas sarl snc sl gmbh kg ag se oy oyj ab "
                         "bv nv srl spa sp z o oo de cv".split())


def name_key(name: str) -> str:
    """A name's words without legal-form words: two names with one key are one company's name."""
    return " ".join(w for w in _exact(name.replace(".", "")).split() if w not in _LEGAL_WORDS)


def unlisted_rows(n_chinese: int, n_foreign: int, seed: int = 17, exclude: Sequence[ChineseCompany] = (),
                  listed: Sequence[str] = ()) -> list[Row]:
    """Companies that are on no list, in every rendering; ``group`` is their brand (for brand folds). A
    generated name that is a listed name (up to its legal form) is skipped: it is not unlisted."""
    from laborlens.match.corpus import foreign_company

    rng = random.Random(seed)
    taken = {c.brand_zh for c in exclude}
    listed_keys = {name_key(n) for n in listed}
    rows: list[Row] = []
    styles = ("english", "english", "manifest", "chinese", "pinyin", "syllables")
    while len(rows) < n_chinese:
        c = chinese_company(rng)
        if c.brand_zh in taken:
            continue
        style = rng.choice(styles)
        name = {"english": c.english, "manifest": lambda: manifest(c.english()), "chinese": c.chinese,
                "pinyin": c.pinyin, "syllables": lambda: c.pinyin(True)}[style]()
        rows.append(Row(f"u{len(rows)}", name, "CN", "", f"neg_unlisted_cn_{style}", "b:" + c.brand))
    for _ in range(n_foreign):
        lang, name = foreign_company(rng)
        if name_key(name) in listed_keys:
            continue
        rows.append(Row(f"u{len(rows)}", name, "", "", f"neg_unlisted_{lang}", "f:" + name.split()[0]))
    return rows
