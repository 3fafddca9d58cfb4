"""Realistic company names that are not on any list: Chinese companies (real places from the gazetteer and
China's prefectures, brand characters drawn with a Zipf-like frequency, industries and legal forms from the
bilingual terms) written in English, pinyin, syllable-by-syllable pinyin, Chinese script and manifest style,
and general company names in other languages (German, French, Spanish, Italian, Dutch, Nordic, Polish,
Russian in Cyrillic, Japanese in kana, Turkish, Vietnamese, Indonesian).

Written from the phenomena, independently of the shared evaluation set."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from functools import lru_cache

from laborlens.names.chinese import terms
from laborlens.refdata.catalog import DATA

# Characters Chinese companies put in their brands, most frequent first (weights fall off as 1/rank).
BRAND_CHARS = ("华 新 达 泰 盛 兴 源 鑫 恒 天 宏 金 通 海 中 博 德 信 利 嘉 昌 隆 荣 丰 祥 瑞 凯 安 和 康 佳 美 宝 永 "
               "富 光 明 伟 亿 科 远 东 正 顺 晶 豪 力 大 联 合 越 威 龙 星 腾 飞 创 润 汇 立 诚 众 益 万 鹏 辉 锦 欣 "
               "广 晟 茂 浩 峰 旭 优 捷 迅 邦 禾 晨 阳 云 方 元 久 佰 嘉 汉 亚 洲 骏 驰 鼎 聚 泽 澳 沃 沛 耀 朗 "
               "锐 顶 弘 志 振 铭 勤 谷 竹 松 梅 兰 菊 玉 珠 琪 雅 舒 悦 怡 乐 福 寿 喜 吉 昊 睿 翔 宇 宙 恩 毅").split()
_PROVINCE_EN = {"11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
                "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
                "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong",
                "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi", "46": "Hainan",
                "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Tibet",
                "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang"}
LEGAL_ZH_EN = [("有限公司", "Co., Ltd."), ("有限公司", "Co. Ltd."), ("有限公司", "Company Limited"),
               ("股份有限公司", "Co., Ltd."), ("集团有限公司", "Group Co., Ltd."), ("有限责任公司", "Co., Ltd."),
               ("实业有限公司", "Industrial Co., Ltd."), ("公司", "Corporation"), ("集团", "Group")]


@dataclass(frozen=True, slots=True)
class Place:
    zh: str
    en: str
    province: str  # two-digit province code


@dataclass(frozen=True, slots=True)
class ChineseCompany:
    place: Place | None
    brand_zh: str
    brand_py: tuple[str, ...]  # pinyin syllables of the brand
    industry_zh: str
    industry_en: str
    legal_zh: str
    legal_en: str

    @property
    def brand(self) -> str:
        return "".join(self.brand_py).title()

    def english(self) -> str:
        place = f"{self.place.en} " if self.place else ""
        return f"{place}{self.brand} {self.industry_en.title()} {self.legal_en}"

    def chinese(self) -> str:
        return f"{self.place.zh if self.place else ''}{self.brand_zh}{self.industry_zh}{self.legal_zh}"

    def pinyin(self, syllables: bool = False) -> str:
        """All in pinyin, as a Chinese registrant writes it ("Xinjiang Haolin Shipin Youxian Gongsi"), or
        one syllable per word ("Xin Jiang Hao Lin Shi Pin You Xian Gong Si")."""
        from laborlens.names.vocab import pinyin_split

        parts = []
        if self.place:
            low = self.place.en.lower().replace(" ", "")
            parts.append(list(pinyin_split(low)) or [low])
        parts += [py(w) for w in (self.brand_zh, self.industry_zh) if w]
        legal = self.legal_zh
        while legal:  # legal words by two characters: You Xian Gong Si, Youxian Gongsi
            parts.append(py(legal[:2]))
            legal = legal[2:]
        if syllables:
            return " ".join(s.title() for p in parts for s in p)
        return " ".join("".join(p).title() for p in parts)


def py(zh: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return [s.lower() for s in lazy_pinyin(zh)]


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    out: list[Place] = []
    with (DATA / "china_prefectures.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            zh = re.sub(r"(市|地区|自治州|盟)$", "", r["name_zh"])
            if 2 <= len(zh) <= 3:
                out.append(Place(zh, r["pinyin_short"].title(), r["province_code"]))
    with (DATA / "xuar_admin_divisions.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["level"] in ("county", "county-level city", "prefecture-level", "prefecture"):
                zh = re.sub(r"(市|县|地区|自治县|自治州|区)$", "", r["name_zh"])
                base = (r["pinyin"] or "").split(" ")[0].replace("'", "")
                if 2 <= len(zh) <= 4 and base:
                    out.append(Place(zh, base.title(), "65"))
    for code, en in _PROVINCE_EN.items():
        zh_region = {"15": "内蒙古", "65": "新疆", "54": "西藏"}.get(code)
        if zh_region:
            out.append(Place(zh_region, en, code))
    return tuple(out)


@lru_cache(maxsize=1)
def industries() -> tuple[tuple[str, str], ...]:
    return tuple((t.zh, t.en) for t in terms().values() if t.kind == "industry" and len(t.zh) >= 2)


def brand(rng: random.Random, n: int | None = None) -> str:
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(BRAND_CHARS))]
    n = n or rng.choice((2, 2, 2, 2, 3))
    while True:
        chars = rng.choices(BRAND_CHARS, weights, k=n)
        if len(set(chars)) == n:
            return "".join(chars)


def chinese_company(rng: random.Random, brand_zh: str | None = None, place: Place | None = None,
                    industry: tuple[str, str] | None = None) -> ChineseCompany:
    b = brand_zh or brand(rng)
    pl = place if place is not None else (rng.choice(places()) if rng.random() < 0.85 else None)
    ind = industry or rng.choice(industries())
    lz, le = rng.choice(LEGAL_ZH_EN)
    return ChineseCompany(pl, b, tuple(py(b)), ind[0], ind[1], lz, le)


# -- other languages --------------------------------------------------------------------------------------
FOREIGN = {
    "de": (["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schäfer",
            "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Krüger", "Hartmann", "Lange"],
           ["Maschinenbau", "Textil", "Logistik", "Handel", "Elektrotechnik", "Kunststoffe", "Metallbau",
            "Autoteile", "Bekleidung"], ["GmbH", "AG", "KG", "GmbH & Co. KG", "SE"]),
    "fr": (["Dupont", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garnier", "Faure",
            "Rousseau", "Blanc", "Guerin", "Boyer", "Chevalier"],
           ["Textiles", "Transports", "Industries", "Emballages", "Confection", "Distribution"],
           ["SARL", "SA", "SAS", "SNC"]),
    "es": (["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Hernández",
            "Jiménez", "Moreno", "Álvarez", "Romero", "Navarro"],
           ["Textiles", "Distribuciones", "Industrias", "Comercial", "Logística", "Confecciones"],
           ["S.A.", "S.L.", "S.A. de C.V.", "S. de R.L. de C.V."]),
    "it": (["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
            "Greco", "Bruno", "Gallo", "Conti"], ["Tessile", "Meccanica", "Trasporti", "Abbigliamento"],
           ["S.p.A.", "S.r.l."]),
    "nl": (["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"],
           ["Logistiek", "Handel", "Textiel", "Techniek"], ["B.V.", "N.V."]),
    "se": (["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"],
           ["Textil", "Industri", "Handel", "Maskin"], ["AB"]),
    "fi": (["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen"],
           ["Tekstiili", "Kone", "Kauppa"], ["Oy", "Oyj"]),
    "pl": (["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski"],
           ["Tekstylia", "Handel", "Transport"], ["Sp. z o.o.", "S.A."]),
    "ru": (["Ромашка", "Восток", "Сибирь", "Уралмаш", "Северсталь", "Энергия", "Прогресс", "Заря", "Волга",
            "Кристалл", "Меридиан", "Альянс"], ["Текстиль", "Трейд", "Логистик", "Металл", "Строй"],
           ["ООО", "АО", "ПАО"]),
    "ja": (["トヨタ", "スズキ", "ヤマハ", "サクラ", "ミドリ", "アサヒ", "ヒカリ", "ツバメ", "カエデ", "ホシノ"],
           ["テキスタイル", "トレーディング", "ロジスティクス", "エンジニアリング"], ["Kabushiki Kaisha", "K.K.", "Co., Ltd."]),
    "tr": (["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"],
           ["Tekstil", "Lojistik", "Ticaret", "Makine"], ["A.Ş.", "Ltd. Şti."]),
    "vi": (["Hoàng Long", "Minh Phát", "Thành Công", "Việt Tiến", "Phú Thịnh", "An Khang"],
           ["Dệt May", "Thương Mại", "Sản Xuất"], ["Công ty TNHH", "Công ty Cổ phần"]),
    "id": (["Sinar Jaya", "Maju Bersama", "Indo Makmur", "Sumber Rejeki", "Mitra Abadi", "Karya Utama"],
           ["Tekstil", "Niaga", "Industri"], ["PT", "PT ... Tbk"]),
    "en": (["Atlas", "Summit", "Pioneer", "Meridian", "Harbor", "Keystone", "Liberty", "Crescent", "Sterling",
            "Northwind", "Bluewater", "Redwood", "Ironbridge", "Oakridge"],
           ["Apparel", "Logistics", "Industries", "Textiles", "Trading", "Components", "Foods", "Packaging"],
           ["Inc.", "LLC", "Ltd.", "Corp.", "PLC", "Limited"]),
}


def foreign_company(rng: random.Random, lang: str | None = None) -> tuple[str, str]:
    """(language, name) of an ordinary company elsewhere."""
    lang = lang or rng.choice(sorted(FOREIGN))
    names, inds, legals = FOREIGN[lang]
    head = rng.choice(names)
    if rng.random() < 0.3 and lang not in ("ru", "ja", "vi", "id"):
        head = f"{head} & {rng.choice([n for n in names if n != head])}"
    ind = rng.choice(inds)
    legal = rng.choice(legals)
    if lang == "ru":
        return lang, f'{legal} "{head}-{ind}"' if rng.random() < 0.5 else f"{legal} {head} {ind}"
    if lang in ("vi",):
        return lang, f"{legal} {ind} {head}"
    if legal.startswith("PT"):
        return lang, f"PT {head} {ind}" + (" Tbk" if "Tbk" in legal else "")
    return lang, f"{head} {ind} {legal}"
