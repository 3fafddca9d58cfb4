"""Chinese names written in other romanisations, read back to Hanyu Pinyin.

- **Hong Kong (Cantonese) romanisation** — the spellings of the Hong Kong government and of companies
  registered there ("Wah Fook" = 华福 huafu, "Kam Po" = 金宝 jinbao, "Cheung Kong" = 长江 changjiang): each
  Cantonese syllable maps to the Mandarin syllables of the characters usually written with it, most common
  first.
- **Wade–Giles and Taiwanese spellings** ("Hsin", "Chiang", "Kuo", "Hon Hai" = 鸿海 honghai).
- **Russian (Palladius) transcription** of Chinese names in Cyrillic ("Синьцзян" = Xinjiang, "Дацюань" =
  Daquan, "Чжунтай" = Zhongtai), generated from the system's initials and finals and read back by a
  fewest-syllables split.

A reading is only offered when a name has a run of at least two syllables of such a romanisation and at
least one of them is not pinyin, so ordinary English or pinyin names are left as they are.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from laborlens.names.vocab import pinyin_syllables

# Hong Kong / Cantonese romanisation → Mandarin syllables of the characters commonly written so (brand and
# surname characters), most frequent first.
_CANTONESE = """
ah:a|ya  on:an  ngon:an  ngai:ai|yi  bak:bai|bei  pak:bai|bei|bo  bo:bao|bo  po:bao|bo|pu  bun:ben  pun:pan|ben
bik:bi  bing:bing  bong:bang  chai:qi|zhai  chak:ze|zhai  cham:zhan|qin  chan:chen|zhen  chang:zeng|zheng
chau:zhou|qiu  cheng:zheng|qing|cheng  cheong:zhang|chang  cheuk:zhuo  cheung:zhang|chang|xiang  chi:zhi|chi|ci
chik:ji|qi  chin:qian|zhan  ching:zheng|jing|qing|cheng  chiu:zhao|chao  cho:cao|zu  choi:cai  chong:zhuang|chuang
chow:zhou  chue:zhu  chuen:chuan|quan  chui:xu|cui  chuk:zhu  chun:zhen|chun|jun  chung:zhong|song|chong
fai:hui  fan:fan  fat:fa  fok:huo  fong:fang|huang  fook:fu  foon:huan  fu:fu  fui:hui  fuk:fu  fung:feng
hau:hou  hei:xi  hing:xing|qing  hip:xie  hiu:xiao  ho:he|hao  hoi:hai|kai  hon:han|hong  hong:kang|hang|hong
hop:he  hung:hong|xiong  ka:jia  kai:qi|jie  kam:jin|gan  kan:jian  kar:jia  kau:jiu|qiu  kee:ji|qi  kei:ji|qi
keung:qiang|jiang  kin:jian  king:jing  kit:jie  kiu:qiao  ko:gao  kok:guo  kong:jiang|gang  koo:gu  kuen:quan
kui:ju  kung:gong  kwai:gui  kwan:jun|guan|kun  kwok:guo  kwong:guang|kuang  lai:li|lai  lam:lin  lau:liu
lee:li  leung:liang  lik:li  lim:lian  ling:ling  lo:lu|luo  lok:le|luo  loong:long  lui:lei|lü  luk:lu
lun:lun  lung:long  mak:mai  man:wen|min  mau:mao  mei:mei  ming:ming  mo:mao|wu  mok:mo  mui:mei  nam:nan
ng:wu  ngai:wei  ngan:yan  ngau:niu  nin:nian  ning:ning  pang:peng  pat:ba  pik:bi  ping:ping  poon:pan
pui:pei  sai:xi  sam:sen|shen|san  san:shan|xin  sang:sheng  sau:xiu|shou  se:she  sek:shi|xi  seng:sheng
seung:shang|xiang  shan:shan  shek:shi  sheung:shang  shing:cheng|sheng  shiu:shao|xiao  shu:shu  shui:shui
shun:shun|xin  sik:shi  sin:xian  sing:sheng|xing|cheng  siu:xiao|shao  so:su  suen:sun|xuan  sui:sui|rui
sum:shen|xin  sun:xin|shen|sun  sze:si|shi  tai:da|tai  tak:de  tam:tan  tang:deng  tat:da  tau:dou  tin:tian
ting:ding|ting  to:du|tao  tong:tang  tsang:zeng  tse:xie  tsim:jian  tso:zuo|cao  tsoi:cai  tsui:xu|cui
tsun:jun|zun  tsz:zi|ci  tung:dong|tong  wah:hua  wai:wei|hui  wan:yun|wen|huan  wing:rong|yong  wo:he|huo
wong:huang|wang  wu:hu|wu  yam:ren|lin  yan:ren|yin|xin  yat:yi  yau:you|qiu  yee:yi|er  yeung:yang  yi:yi|er
yik:yi  yim:yan  yin:xian|yan  ying:ying  yip:ye  yiu:yao  yu:yu|ru  yuen:yuan|ruan  yuk:yu  yung:rong|yong
"""
# Wade–Giles (apostrophes and umlauts already removed by analysis) and other Taiwanese spellings.
_WADE_GILES = """
hsi:xi  hsia:xia  hsiang:xiang  hsiao:xiao  hsieh:xie  hsien:xian  hsin:xin  hsing:xing  hsiu:xiu
hsiung:xiong  hsu:xu  hsuan:xuan  hsueh:xue  hsun:xun  chia:jia|qia  chiang:jiang|qiang  chiao:jiao|qiao
chieh:jie|qie  chien:jian|qian  chih:zhi|chi  chin:jin|qin  ching:jing|qing  chiu:jiu|qiu  chiung:jiong|qiong
chu:zhu|ju|chu|qu  chuan:zhuan|juan|chuan|quan  chuang:zhuang|chuang  chueh:jue|que  chun:zhun|jun|chun|qun
chung:zhong|chong  jen:ren  jih:ri  jung:rong  kuan:guan|kuan  kuang:guang|kuang  kuei:gui|kui  kung:gong|kong
kuo:guo|kuo  lieh:lie  szu:si  ssu:si  shih:shi  tsai:cai|zai  tsao:cao|zao  tse:ze|ce  tsen:cen|zen
tseng:zeng|ceng  tso:zuo|cuo  tsou:zou|cou  tsu:zu|cu  tsui:cui|zui  tsun:cun|zun  tsung:zong|cong  tzu:zi|ci
tung:dong|tong  yeh:ye  yung:yong  teh:de  jui:rui  kai:kai  hon:hong|han
"""


def _table(text: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for item in text.split():
        k, v = item.split(":")
        out[k] = tuple(x.replace("ü", "v") for x in v.split("|"))
    return out


@lru_cache(maxsize=1)
def syllable_table() -> dict[str, tuple[str, ...]]:
    """Every known non-pinyin romanised syllable → its Mandarin readings (Hong Kong spellings first)."""
    out = _table(_CANTONESE)
    for k, v in _table(_WADE_GILES).items():
        out[k] = tuple(dict.fromkeys((*out.get(k, ()), *v)))
    return out


def _foreign(word: str) -> bool:
    """A syllable of another romanisation that pinyin does not have (Wah, Fook, Hsin, Kwong)."""
    return word in syllable_table() and word not in pinyin_syllables()


MAX_READINGS = 6


def _readings_of_run(run: list[str]) -> list[str]:
    """Joined Mandarin readings of a run of romanised syllables, most likely first (at most MAX_READINGS). In
    a run that has non-pinyin syllables, a syllable that is also pinyin (Sun, Chang) is read as the
    romanisation first and as pinyin last."""
    table = syllable_table()
    options = [tuple(dict.fromkeys((*table.get(w, ()), w) if w in pinyin_syllables() else table[w])) for w in run]
    combos = sorted(itertools.product(*[list(enumerate(o)) for o in options]), key=lambda c: sum(i for i, _ in c))
    return ["".join(s for _, s in c) for c in combos[:MAX_READINGS]]


def romanised_runs(words: list[str]) -> list[tuple[int, int, list[str]]]:
    """Runs of Cantonese / Wade–Giles syllables in a tokenised Latin name, each with its pinyin readings
    ("sun hing textile" → [(0, 2, ["xinxing", ...])]). A run has at least two syllables, one of them not
    pinyin; a word that is not a syllable of either (an industry word, "" for a word not to touch) ends it."""
    table = syllable_table()
    runs: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] and (words[j] in table or words[j] in pinyin_syllables()):
            j += 1
        if j - i >= 2 and any(_foreign(w) for w in words[i:j]):
            runs.append((i, j, _readings_of_run(words[i:j])))
        i = max(j, i + 1)
    return runs


# -- Russian (Palladius) ---------------------------------------------------------------------------------
_INI_CYR = {"b": "б", "p": "п", "m": "м", "f": "ф", "d": "д", "t": "т", "n": "н", "l": "л", "g": "г", "k": "к",
            "h": "х", "j": "цз", "q": "ц", "x": "с", "zh": "чж", "ch": "ч", "sh": "ш", "r": "ж", "z": "цз",
            "c": "ц", "s": "с", "": ""}
_FIN_CYR = {"a": "а", "o": "о", "e": "э", "ai": "ай", "ei": "эй", "ao": "ао", "ou": "оу", "an": "ань", "en": "энь",
            "ang": "ан", "eng": "эн", "ong": "ун", "er": "эр", "i": "и", "ia": "я", "ie": "е", "iao": "яо",
            "iu": "ю", "ian": "янь", "in": "инь", "iang": "ян", "ing": "ин", "iong": "юн", "u": "у", "ua": "уа",
            "uo": "о", "uai": "уай", "ui": "уй", "uan": "уань", "un": "унь", "uang": "уан", "v": "юй",
            "ve": "юэ", "van": "юань", "vn": "юнь"}
_ZERO = {"yi": "и", "ya": "я", "ye": "е", "yao": "яо", "you": "ю", "yan": "янь", "yin": "инь", "yang": "ян",
         "ying": "ин", "yong": "юн", "yu": "юй", "yue": "юэ", "yuan": "юань", "yun": "юнь", "wu": "у", "wa": "ва",
         "wo": "во", "wai": "вай", "wei": "вэй", "wan": "вань", "wen": "вэнь", "wang": "ван", "weng": "вэн"}
_SPECIAL = {"zi": "цзы", "ci": "цы", "si": "сы", "zhi": "чжи", "chi": "чи", "shi": "ши", "ri": "жи",
            "hui": "хуэй", "lve": "люэ", "nve": "нюэ", "lv": "люй", "nv": "нюй"}
_PY_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z",
                "c", "s")


def palladius(syllable: str) -> str:
    """The Palladius (Russian) spelling of one pinyin syllable ("xin" → "синь"), "" when it has none."""
    if syllable in _SPECIAL:
        return _SPECIAL[syllable]
    if syllable in _ZERO:
        return _ZERO[syllable]
    ini = next((i for i in _PY_INITIALS if syllable.startswith(i) and len(syllable) > len(i)), "")
    fin = syllable[len(ini):]
    if ini in ("j", "q", "x") and fin.startswith("u"):
        fin = "v" + fin[1:]  # ju, xuan, qun: ü written u
    if fin not in _FIN_CYR:
        return ""
    return _INI_CYR[ini] + _FIN_CYR[fin]


@lru_cache(maxsize=1)
def palladius_table() -> dict[str, str]:
    """Cyrillic syllable → pinyin, with the common looser spellings (е for э, no soft sign) as fallbacks."""
    out: dict[str, str] = {}
    loose: dict[str, str] = {}
    for s in sorted(pinyin_syllables()):
        c = palladius(s)
        if not c:
            continue
        out.setdefault(c, s)
        for alt in {c.replace("э", "е"), c.replace("ь", ""), c.replace("э", "е").replace("ь", "")} - {c}:
            loose.setdefault(alt, s)
    for k, v in loose.items():
        out.setdefault(k, v)
    return out


@lru_cache(maxsize=50_000)
def palladius_word(word: str) -> str:
    """A Cyrillic word read as Palladius syllables ("синьцзян" → "xinjiang"); "" when it does not split
    entirely into them (an ordinary Russian word)."""
    table = palladius_table()
    w = word.casefold().replace("ё", "е")
    n = len(w)
    if n < 2:
        return ""
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[n] = ()
    for start in range(n - 1, -1, -1):
        for end in range(min(n, start + 5), start, -1):
            rest = best[end]
            piece = w[start:end]
            if rest is not None and piece in table:
                cand = (table[piece], *rest)
                cur = best[start]
                if cur is None or len(cand) < len(cur):
                    best[start] = cand
    return "".join(best[0]) if best[0] else ""


# Russian names of Chinese places that are not Palladius (older or Uyghur-based forms).
_RU_PLACES = {"аньхой": "anhui", "урумчи": "wulumuqi", "кашгар": "kashi", "хотан": "hetian", "аксу": "akesu",
              "турфан": "tulufan", "пекин": "beijing", "гонконг": "hongkong", "харбин": "haerbin",
              "тибет": "xizang", "кульджа": "yining", "корла": "kuerle", "карамай": "kelamayi", "хами": "hami",
              "шихэцзы": "shihezi", "синьцзян-уйгурский": "xinjiang", "китай": "china"}
# Russian words of company names (translated, or English written in Cyrillic) → the English word.
_RU_WORDS = {
    "group": "группа групп груп гроуп", "co": "компания ко корпорация", "ltd": "лтд лимитед",
    "technology": "технология технологии технологий технолоджи текнолоджи технолоджис",
    "energy": "энергия энергии энерджи энергетика энергетическая", "new": "новая новые новых нью",
    "material": "материалы материалов материал материалс", "textile": "текстиль текстильная текстайл",
    "chemical": "химическая химический химикал кемикал кемикл", "industry": "промышленность промышленная "
    "индустрия индустриальная индастри индастриз индастриал", "trade": "торговая торговля трейдинг",
    "import": "импорт импортная", "export": "экспорт экспортная", "holding": "холдинг холдингс",
    "international": "международная интернешнл интернэшнл", "mining": "горнодобывающая майнинг",
    "metal": "металл металлы металлов металлургическая", "silicon": "кремний кремниевая силикон",
    "cotton": "хлопок хлопковая хлопчатобумажная коттон", "agriculture": "сельскохозяйственная агро",
    "development": "развития развитие девелопмент", "electric": "электрическая электрик электрик",
    "product": "продукты продукция продактс", "food": "пищевая пищевые фуд фудс", "garment": "швейная гармент",
    "photovoltaic": "фотоэлектрическая", "solar": "солнечная солар", "manufacturing": "производственная",
    "machinery": "машиностроительная машинери", "logistics": "логистика логистическая логистикс",
    "investment": "инвестиционная инвестмент", "resource": "ресурсы ресурс", "construction": "строительная",
    "and": "и энд", "gold": "золото золотодобывающая голд", "coal": "уголь угольная", "steel": "сталь стальная",
    "spinning": "прядильная", "color": "цветная колор", "biotechnology": "биотехнологии биотехнология",
    "fashion": "фэшн мода", "paper": "бумажная", "aluminum": "алюминий алюминиевая", "plastic": "пластик",
    "zinc": "цинк цинковая", "copper": "медь медная", "electricity": "электроэнергия", "park": "парк",
    "shoes": "обувь", "sugar": "сахар сахарная", "tomato": "томат томатная", "products": "изделия",
    "rare": "редкоземельная", "earth": "земля", "china": "китай",
}


@lru_cache(maxsize=1)
def _russian_words() -> dict[str, str]:
    return {ru: en for en, rus in _RU_WORDS.items() for ru in rus.split()} | _RU_PLACES


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def russian_reading(text: str) -> tuple[str, tuple[str, ...]] | None:
    """A Cyrillic name read word by word: Russian company words translated (группа → group), Chinese
    names in Palladius transcription read back to pinyin (Синьцзян → xinjiang); other words left for the
    caller's transliteration. Returns (text, steps), None when nothing was read this way."""
    import re

    words = _russian_words()
    out: list[str] = []
    steps: list[str] = []
    for w in re.findall(r"[^\W_]+|\W+", text.casefold().replace("ё", "е")):
        if not has_cyrillic(w):
            out.append(w)
            continue
        en = words.get(w)
        py = "" if en or len(w) < 3 else palladius_word(w)
        if en or py:
            steps.append(f"{w}→{en or py}")
        out.append(en or py or w)
    return ("".join(out), tuple(steps)) if steps else None
