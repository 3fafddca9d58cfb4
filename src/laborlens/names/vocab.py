"""Word lists for company names: legal forms, abbreviations, generic industry words, place spellings.

Each list says *why* a word is treated the way it is: legal forms are recognised and discounted (never
silently deleted, so an explanation can say what was discounted); generic industry words and place names
carry little weight, so that "Xinjiang ... New Energy Co., Ltd." alone never makes a match.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from laborlens.refdata.catalog import DATA

HERE = Path(__file__).parent / "data"

# Legal forms (single tokens after tokenisation). Weight ~0: they say what kind of body, not which one.
LEGAL = frozenset(
    """co company companies corp corporation inc incorporated llc ltd limited plc gmbh ag sa sarl bv nv
    bhd berhad sdn pte pvt jsc ojsc pjsc llp lp kg oy ab as srl spa tbk pt cv sro kk tnhh ooo oao zao pao tov""".split()
)
# Organisational words: part of the name, weakly distinctive.
ORG = frozenset("""group holding branch general subsidiary subsidiaries affiliate affiliates affiliated subordinate
    enterprise enterprises entity entities""".split())
# Stop words, and number words (list annotations such as "and eight Zhuhai-based subsidiaries").
STOP = frozenset("""and of the for de del la le des und et its their one two three four five six seven eight nine
    ten eleven twelve""".split())

# Abbreviations seen on manifests and bills of lading, expanded to the listed spelling.
ABBREVIATIONS: dict[str, str] = {
    "tech": "technology", "techn": "technology", "technol": "technology", "grp": "group", "gp": "group",
    "ind": "industry", "inds": "industry", "indus": "industry", "indl": "industrial", "indust": "industrial",
    "intl": "international", "intrl": "international", "int'l": "international", "mfg": "manufacturing",
    "mfr": "manufacturer", "mfrs": "manufacturer", "manuf": "manufacturing", "matl": "material",
    "matls": "material", "mat": "material", "mtl": "material", "mtls": "material", "engy": "energy",
    "enrg": "energy", "chem": "chemical", "chems": "chemical", "comm": "commercial", "coml": "commercial",
    "logis": "logistics", "log": "logistics", "text": "textile", "tex": "textile", "txt": "textile",
    "engg": "engineering", "eng": "engineering", "engr": "engineering", "constr": "construction",
    "const": "construction", "dev": "development", "devt": "development", "hldg": "holding",
    "hldgs": "holding", "hold": "holding", "prods": "product", "prod": "product", "pdts": "product",
    "elec": "electricity", "elect": "electric", "elecl": "electrical", "equip": "equipment",
    "svc": "service", "svcs": "service", "serv": "service", "mach": "machinery", "mchy": "machinery",
    "agri": "agriculture", "agric": "agriculture", "biotech": "biotechnology", "bio": "biotechnology",
    "nat": "national", "natl": "national", "assn": "association", "ent": "enterprise",
    "imp": "import", "exp": "export", "i/e": "import export", "pharm": "pharmaceutical",
    "pharma": "pharmaceutical", "semicond": "semiconductor", "petrochem": "petrochemical",
    "mgmt": "management", "mgt": "management", "res": "resource", "acc": "accessories",
    "accs": "accessories", "apprl": "apparel", "garm": "garment", "wh": "warehouse", "whse": "warehouse",
    "sci": "science", "scien": "science", "min": "mining", "mng": "mining", "metall": "metallurgy",
    "nonferr": "nonferrous", "dept": "department", "bros": "brother", "mgf": "manufacturing",
    "trd": "trade", "trdg": "trading", "whsg": "warehousing", "ferr": "ferrous", "eqpt": "equipment",
    "machy": "machinery", "garmt": "garment", "invt": "investment", "corpn": "corporation", "cor": "corporation", "comp": "company", "cie": "company", "lt": "ltd",
    "limted": "limited",
}

# Generic industry vocabulary: lowers a token's weight. English forms, singular.
GENERIC = frozenset(
    """industry industrial technology new energy material trade trading international development import
    export science scientific product manufacturing manufacturer chemical textile logistic logistics
    construction engineering investment holding resource resources service equipment electric electricity
    electrical power metal nonferrous mining mine food agriculture agricultural commercial economic
    business park warehouse warehousing ferrous management supply chain garment apparel fashion clothing shoe
    shoes solar silicon photovoltaic cotton linen yarn spinning color colour wool fabric knitting dyeing
    printing steel iron copper zinc aluminum aluminium magnesium gold coal oil gas petroleum petrochemical
    paper plastic rubber machinery electronic electronics appliance automation cnc battery automotive
    accessory accessories hair real estate property sugar tomato canned biotechnology biological
    biotech medicine medical pharmaceutical health green east west western north south central eastern
    northern southern great golden union united universal global world modern national rare earth
    state public consolidated associated first second third import-export reserve transfer storage
    distribution grinding machine precision product products ingredient ingredients fruit vegetable
    operation enterprise enterprises investment venture home household light heavy special chinese
    medicinal herbal herb county city district province prefecture township village town zone base based
    lithium polysilicon graphite cobalt nickel titanium cement glass ceramic fiber fibre leather furniture
    packaging tea seafood dairy
    """.split()
)

_ROMAN = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Map every known spelling of a Chinese place (pinyin, postal, Uyghur-Latin) to one canonical key.

    Built from the packaged gazetteers, so Hotan/Khotan → hetian, Kashgar → kashi, Urumqi → wulumuqi.
    """
    canon: dict[str, str] = {}

    def add(spelling: str, key: str) -> None:
        s = _ROMAN.sub("", spelling.lower())
        if len(s) >= 3 and s not in canon:
            canon[s] = key

    with (DATA / "xuar_admin_divisions.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            base = row["pinyin"].split(" ")[0] if row["pinyin"] else ""
            key = _ROMAN.sub("", base.lower())
            if not key:
                continue
            add(base, key)
            for other in (row.get("other_names") or "").split("|"):
                other = re.sub(r"\(.*?\)", "", other).strip()
                if other and len(other.split()) == 1:
                    add(other, key)
    with (DATA / "china_prefectures.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add(row["pinyin_short"], _ROMAN.sub("", row["pinyin_short"].lower()))
    for extra in (HERE / "place_spellings.csv").open(encoding="utf-8").read().splitlines()[1:]:
        if extra.strip() and not extra.startswith("#"):
            spelling, key = extra.split(",")[:2]
            canon[_ROMAN.sub("", spelling.lower())] = _ROMAN.sub("", key.lower())
    return canon


@lru_cache(maxsize=1)
def provinces() -> frozenset[str]:
    return frozenset(
        """anhui beijing chongqing fujian gansu guangdong guangxi guizhou hainan hebei heilongjiang henan
        hubei hunan jiangsu jiangxi jilin liaoning neimenggu ningxia qinghai shaanxi shandong shanghai
        shanxi sichuan tianjin xizang xinjiang yunnan zhejiang hongkong macau macao taiwan china tibet
        mongolia inner""".split()
    )


def singular(token: str) -> str:
    """Cheap English singular for industry words ("materials" → "material"); leaves short words alone."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# Legal forms share one spelling each, so "Co., Ltd." and "Company Limited" agree; so do a few industry
# words that listings and manifests use interchangeably (IND may stand for industry or industrial).
LEGAL_CANON = {"industrial": "industry", "industries": "industry", "technological": "technology",
               "trading": "trade", "warehousing": "warehouse",
               "technologies": "technology", "company": "co", "companies": "co", "corp": "co",
               "corporation": "co", "limited": "ltd", "incorporated": "inc", "berhad": "bhd"}


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    lines = (HERE / "pinyin_syllables.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x for x in lines if x and not x.startswith("#"))


@lru_cache(maxsize=100_000)
def pinyin_syllable_count(word: str) -> int:
    """Fewest pinyin syllables ``word`` can be read as (0 when it is not pinyin): "tianmei" → 2.

    Two different brands written in pinyin with the same number of syllables (Tianwei, Tianmei) are two
    names; a typo usually breaks the pinyin or adds a stray vowel syllable (Huaofu, Haoolin).
    """
    syl = pinyin_syllables()
    n = len(word)
    inf = n + 1
    best = [0] + [inf] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            if best[start] < inf and word[start:end] in syl:
                best[end] = min(best[end], best[start] + 1)
    return best[n] if n >= 2 and best[n] < inf else 0


@lru_cache(maxsize=1)
def common_english() -> frozenset[str]:
    """Ordinary English words (a reference corpus of word frequencies): as distinctive words of a company
    name they say less than an invented brand or a pinyin name, so they weigh less."""
    lines = (HERE / "english_common.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x for x in lines if x and not x.startswith("#"))


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z",
             "c", "s", "y", "w")


@lru_cache(maxsize=100_000)
def pinyin_split(word: str) -> tuple[str, ...]:
    """``word`` as its fewest pinyin syllables, preferring longer first syllables ("haolin" → hao, lin;
    "xian" → xian); () when it is not pinyin."""
    syl = pinyin_syllables()
    n = len(word)
    if n < 2:
        return ()
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for start in range(n - 1, -1, -1):
        for end in range(min(n, start + 6), start, -1):  # longest syllable first
            rest = best[end]
            if rest is not None and word[start:end] in syl:
                cand = (word[start:end], *rest)
                cur = best[start]
                if cur is None or len(cand) < len(cur):
                    best[start] = cand
    return best[0] or ()


def initial_final(syllable: str) -> tuple[str, str]:
    """Split a pinyin syllable into its initial and final ("zhong" → zh, ong; "ai" → "", ai)."""
    for ini in _INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return ini, syllable[len(ini):]
    return "", syllable
