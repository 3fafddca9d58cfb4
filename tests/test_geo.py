"""XUAR place detection (laborlens.geo): positives per script and category, decoys, properties."""

from __future__ import annotations

import csv
import pickle
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from laborlens.geo import XuarDetector, XuarResult, detect_many, detect_xuar, get_detector, xuar_tables
from laborlens.refdata.catalog import DATA


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


ADMIN = _rows("xuar_admin_divisions.csv")
PREFECTURES = _rows("china_prefectures.csv")
OTHER_PREFECTURES = [r for r in PREFECTURES if r["province_code"] != "65"]



def uscc(first17: str) -> str:
    """A Unified Social Credit Code with its GB 32100-2015 check character."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


# (text, country, code, level, method, confidence); level/method/confidence None = not checked
P = pytest.param
POSITIVES = [
    # --- Chinese characters, with and without suffixes
    P("新疆", "", "65", "province", "chinese", "high", id="zh-xinjiang"),
    P("新疆维吾尔自治区", "CN", "65", "province", "chinese", "high", id="zh-region-full"),
    P(
        "新疆维吾尔自治区乌鲁木齐市天山区解放南路",
        "",
        "650102",
        "county",
        "chinese",
        "high",
        id="zh-urumqi-district",
    ),
    P("乌鲁木齐市", "", "6501", "prefecture", "chinese", "high", id="zh-urumqi"),
    P("和田地区墨玉县", "", "653222", "county", "chinese", "high", id="zh-hotan-moyu"),
    P("墨玉县", "", "653222", "county", "chinese", "high", id="zh-moyu-suffix"),
    P("喀什地区莎车县", "", "653125", "county", "chinese", "high", id="zh-yarkand"),
    P("伊犁哈萨克自治州伊宁市", "", "654002", "county", "chinese", "high", id="zh-yining"),
    P("阿克苏", "", "6529", "prefecture", "chinese", "high", id="zh-aksu-short"),
    P("新和县", "", "652925", "county", "chinese", "high", id="zh-xinhe-with-suffix"),
    P("巴州库尔勒市", "", "652801", "county", "chinese", "high", id="zh-bazhou-korla"),
    P("昌吉州玛纳斯县", "", "652324", "county", "chinese", "high", id="zh-manas"),
    P("吐鲁番市高昌区", "", "650402", "county", "chinese", "high", id="zh-gaochang"),
    P("新疆維吾爾自治區烏魯木齊市", "", "6501", "prefecture", "chinese", "high", id="zh-traditional-urumqi"),
    P("和闐地區", "", "6532", "prefecture", "chinese", "high", id="zh-traditional-old-hotan"),
    P("喀什地區疏勒縣", "", "653122", "county", "chinese", "high", id="zh-traditional-county"),
    P("伽师县卧里托格拉克镇", "", "653129103", "township", "chinese", "high", id="zh-township-with-county"),
    P("卧里托格拉克镇", "", "653129103", "township", "chinese", "medium", id="zh-township-alone"),
    P("新疆东方希望有色金属有限公司", "", "65", "province", "chinese", "high", id="zh-company-name"),
    P(
        "新疆中泰国际供应链管理股份有限公司",
        "",
        "65",
        "province",
        "chinese",
        "high",
        id="zh-guoji-is-not-a-country",
    ),
    P("新疆金华纺织有限公司", "", "65", "province", "chinese", "high", id="zh-trade-name-like-a-city"),
    # --- pinyin, English, Uyghur-Latin and postal spellings
    P("Wulumuqi", "", "6501", "prefecture", "pinyin", "high", id="py-wulumuqi"),
    P("Urumqi", "", "6501", "prefecture", "uyghur-latin/postal", "high", id="ul-urumqi"),
    P("ÜRÜMQI", "", "6501", "prefecture", "uyghur-latin/postal", "high", id="ul-urumqi-caps-umlaut"),
    P("Wu-lu-mu-qi", "", "6501", "prefecture", "pinyin", "high", id="py-hyphenated"),
    P("Hetian", "", "6532", "prefecture", "pinyin", "high", id="py-hetian"),
    P("Hotan", "", "6532", "prefecture", "uyghur-latin/postal", "high", id="ul-hotan"),
    P("Khotan", "", "6532", "prefecture", "uyghur-latin/postal", "high", id="ul-khotan"),
    P("Hotan County", "", "653221", "county", None, "high", id="ul-hotan-county"),
    P("Kashi", "", "6531", "prefecture", "pinyin", "high", id="py-kashi"),
    P("Kashgar", "", "6531", "prefecture", "uyghur-latin/postal", "high", id="ul-kashgar"),
    P("Akesu", "", "6529", "prefecture", "pinyin", "high", id="py-akesu"),
    P("Aksu City", "", "652901", "county", None, "high", id="ul-aksu-city"),
    P("Tulufan", "", "6504", "prefecture", "pinyin", "high", id="py-tulufan"),
    P("Turpan", "", "6504", "prefecture", None, "high", id="ul-turpan"),
    P("Turfan", "", "6504", "prefecture", None, "high", id="ul-turfan"),
    P("Shache", "", "653125", "county", "pinyin", "high", id="py-shache"),
    P("Yarkant", "", "653125", "county", None, "high", id="ul-yarkant"),
    P("Yarkand", "", "653125", "county", None, "high", id="ul-yarkand"),
    P("Yining", "", "654002", "county", "pinyin", "high", id="py-yining"),
    P("Ghulja", "", "654002", "county", None, "high", id="ul-ghulja"),
    P("Changji", "", "6523", "prefecture", "pinyin", "high", id="py-changji"),
    P("Bayingolin", "", "6528", "prefecture", None, "high", id="ul-bayingolin"),
    P("Korla", "", "652801", "county", None, "high", id="ul-korla"),
    P("Ku'erle", "", "652801", "county", "pinyin", "high", id="py-kuerle-apostrophe"),
    P("Hami", "", "6505", "prefecture", "pinyin", "high", id="py-hami"),
    P("Kumul", "", "6505", "prefecture", None, "high", id="ul-kumul"),
    P("Altay", "", "6543", "prefecture", None, "high", id="ul-altay"),
    P("Aletai", "", "6543", "prefecture", "pinyin", "high", id="py-aletai"),
    P("Bole", "", "652701", "county", "pinyin", "high", id="py-bole"),
    P("Kuqa", "", "652902", "county", None, "high", id="ul-kuqa"),
    P("Wusu", "", "654202", "county", "pinyin", "high", id="py-wusu"),
    P("Sinkiang", "", "65", "province", "uyghur-latin/postal", "high", id="postal-sinkiang"),
    P("Xinjiang Uyghur Autonomous Region", "", "65", "province", None, "high", id="en-region"),
    P("XINJIANG HUAFU TEXTILE CO LTD", "", "65", "province", "pinyin", "high", id="en-company-caps"),
    P("XinjiangHoshine Silicon", "", "65", "province", None, "high", id="en-camelcase-company"),
    P(
        "Room 5, Jiefang Road, Kashgar, Xinjiang 844000, China",
        "CN",
        "6531",
        "prefecture",
        None,
        "high",
        id="en-address-kashgar",
    ),
    P("Moyu County", "", "653222", "county", "pinyin", "medium", id="py-weak-name-with-type"),
    P(
        "Xinhe County, Aksu Prefecture, Xinjiang",
        "",
        "652925",
        "county",
        "pinyin",
        "high",
        id="py-weak-confirmed",
    ),
    P(
        "Mulei Kazakh Autonomous County, Changji",
        "",
        "652328",
        "county",
        "pinyin",
        "high",
        id="py-autonomous",
    ),
    P(
        "Hoshine Silicon Industry (Shanshan) Co., Ltd.",
        "",
        "650421",
        "county",
        "pinyin",
        "medium",
        id="py-weak-name-in-company-brackets",
    ),
    P(
        "Lop County Meixin Hair Products Co., Ltd.",
        "",
        "653224",
        "county",
        None,
        "medium",
        id="ul-lop-county",
    ),
    P("Urumchi", "", "6501", "prefecture", "uyghur-latin/postal", "high", id="curated-urumchi"),
    P("Yarkend", "", "653125", "county", "uyghur-latin/postal", "high", id="curated-yarkend"),
    # --- Uyghur Arabic script and Cyrillic
    P("ئۈرۈمچى شەھىرى", "", "6501", "prefecture", "uyghur-arabic", "high", id="uyghur-urumqi"),
    P("قەشقەر", "", "6531", "prefecture", "uyghur-arabic", "high", id="uyghur-kashgar"),
    P(
        "Синьцзян-Уйгурский автономный район",
        "",
        "65",
        "province",
        "cyrillic",
        "high",
        id="cyrillic-xinjiang",
    ),
    P("г. Урумчи", "", "6501", "prefecture", "cyrillic", "high", id="cyrillic-urumqi"),
    # --- codes
    P("650102", "", "650102", "county", "admin-code", "medium", id="code-6-digit"),
    P("行政区划代码：650102", "", "650102", "county", "admin-code", "high", id="code-labelled"),
    P("91650100XXXXXXXXXX", "", "6501", "prefecture", "admin-code", "high", id="uscc-brief-example"),
    P(uscc("91653200MA78Q9K2X"), "", "6532", "prefecture", "admin-code", "high", id="uscc-valid-check-digit"),
    P("650102002000", "", "650102002", "township", "admin-code", "high", id="code-12-digit-stat"),
    P("830000", "", "65", "province", "postal-code", "medium", id="postcode-830000"),
    P("PO Box 12, 848000", "", "65", "province", "postal-code", "medium", id="postcode-hotan"),
    P("Urumqi 830002", "", "6501", "prefecture", None, "high", id="postcode-with-city"),
    # --- XPCC (Bingtuan)
    P("新疆生产建设兵团", "", "65", "xpcc", "xpcc", "high", id="xpcc-full"),
    P("兵团", "", "65", "xpcc", "xpcc", "high", id="xpcc-bingtuan-zh"),
    P("XPCC", "", "65", "xpcc", "xpcc", "high", id="xpcc-abbrev"),
    P("Bingtuan", "", "65", "xpcc", "xpcc", "high", id="xpcc-bingtuan"),
    P("Xinjiang Production and Construction Corps", "", "65", "xpcc", "xpcc", "high", id="xpcc-english"),
    P("第一师", "", "659002", "xpcc", "xpcc", "medium", id="xpcc-division-zh"),
    P("农一师", "", "659002", "xpcc", "xpcc", "high", id="xpcc-nong-division"),
    P("兵团第十四师", "", "659009", "xpcc", "xpcc", "high", id="xpcc-14th-division"),
    P("1st Division", "", "659002", "xpcc", "xpcc", "medium", id="xpcc-1st-division"),
    P("Division 8", "", "659001", "xpcc", "xpcc", "medium", id="xpcc-division-8"),
    P("XPCC 1st Division", "", "659002", "xpcc", "xpcc", "high", id="xpcc-division-confirmed"),
    P("新疆生产建设兵团第一师阿拉尔市", "", "659002", "county", "xpcc", "high", id="xpcc-alar-full"),
    P("阿拉尔市", "", "659002", "county", "xpcc", "high", id="xpcc-city-alar"),
    P("石河子", "", "659001", "county", "xpcc", "high", id="xpcc-city-shihezi"),
    P("图木舒克", "", "659003", "county", "xpcc", "high", id="xpcc-city-tumxuk"),
    P("五家渠市", "", "659004", "county", "xpcc", "high", id="xpcc-city-wujiaqu"),
    P("北屯市", "", "659005", "county", "xpcc", "high", id="xpcc-city-beitun"),
    P("铁门关", "", "659006", "county", "xpcc", "high", id="xpcc-city-tiemenguan"),
    P("双河市", "", "659007", "county", "xpcc", "high", id="xpcc-city-shuanghe"),
    P("可克达拉", "", "659008", "county", "xpcc", "high", id="xpcc-city-kokdala"),
    P("昆玉市", "", "659009", "county", "xpcc", "high", id="xpcc-city-kunyu"),
    P("胡杨河", "", "659010", "county", "xpcc", "high", id="xpcc-city-huyanghe"),
    P("新星市", "", "659011", "county", "xpcc", "high", id="xpcc-city-xinxing"),
    P("白杨市", "", "659012", "county", "xpcc", "high", id="xpcc-city-baiyang"),
    P("Shihezi", "", "659001", "county", "xpcc", "high", id="xpcc-city-latin"),
    P("一团", "", "65", "xpcc", "xpcc", "medium", id="xpcc-regiment-1"),
    P("第一师十团", "", "659002", "xpcc", "xpcc", "high", id="xpcc-division-regiment"),
    P("150团", "", "652324524", "xpcc", "xpcc", "high", id="xpcc-150-arabic"),
    P("一五零团", "", "652324524", "xpcc", "xpcc", "high", id="xpcc-150-digitwise"),
    P("一五〇团", "", "652324524", "xpcc", "xpcc", "high", id="xpcc-150-ling-circle"),
    P("兵团农八师一二一团", "", "654203503", "xpcc", "xpcc", "high", id="xpcc-regiment-121"),
    P("Regiment 150", "", "652324524", "xpcc", "xpcc", "medium", id="xpcc-regiment-en"),
    P("150th Regiment", "", "652324524", "xpcc", "xpcc", "medium", id="xpcc-regiment-ordinal"),
    P("XPCC 150th Regiment", "", "652324524", "xpcc", "xpcc", "high", id="xpcc-regiment-confirmed"),
    # --- a country that is not China: only explicit evidence, at medium
    P(
        "Xinjiang Tianshan Wool Textile (Vietnam branch)",
        "VN",
        "65",
        "province",
        "pinyin",
        "medium",
        id="foreign-country-explicit",
    ),
    P("新疆生产建设兵团 驻越南办事处", "Vietnam", "65", "xpcc", "xpcc", "medium", id="foreign-xpcc"),
]


@pytest.mark.parametrize("text,country,code,level,method,confidence", POSITIVES)
def test_positive(
    text: str, country: str, code: str, level: str | None, method: str | None, confidence: str | None
) -> None:
    r = detect_xuar(text, country)
    assert r is not None, text
    assert isinstance(r, XuarResult)
    assert r.code == code, (r.code, r.place, r.explanation)
    assert r.code.startswith("65")
    if level is not None:
        assert r.level == level, r
    if method is not None:
        assert r.method == method, r
    if confidence is not None:
        assert r.confidence == confidence, r
    assert r.place and r.place in unicodedata.normalize("NFKC", text)
    assert r.explanation.endswith(".")


NEGATIVES = [
    # --- a street or building named after a XUAR place, in another province
    P("新疆路, 上海市", "", id="zh-street-shanghai-after"),
    P("上海市新疆路100号", "", id="zh-street-shanghai-before"),
    P("新疆大厦 北京", "", id="zh-building-beijing"),
    P("四川省成都市新疆路", "", id="zh-street-chengdu"),
    P("乌鲁木齐中路 上海", "", id="zh-urumqi-middle-road-shanghai"),
    P("和田路, 上海市静安区", "", id="zh-hotan-road-shanghai"),
    P("山东省青岛市市北区新疆路8号", "CN", id="zh-xinjiang-road-qingdao"),
    P("Xinjiang Road, Qingdao, Shandong", "", id="en-street-qingdao"),
    P("Xinjiang Rd, Shanghai", "", id="en-street-shanghai"),
    P("Urumqi Middle Road, Shanghai", "", id="en-urumqi-road-shanghai"),
    P("Hotan Road, Shanghai", "", id="en-hotan-road"),
    P("XinjiangLu 88, Qingdao", "", id="en-run-together-street"),
    P("12 Kashgar Street, Datong City, China", "", id="en-street-everyday-pinyin-city"),
    P("浙江省杭州市新星路", "", id="zh-weak-name-street"),
    # --- another country
    P("Xinjiang Street, Hanoi", "", id="foreign-city-in-text"),
    P("Xinjiang Street, Ha Noi", "VN", id="foreign-country-vn"),
    P("Kashgar Street 5", "US", id="foreign-country-us"),
    P("Hotan Trading LLC", "US", id="foreign-only-explicit-counts"),
    P("Urumqi Avenue 5", "Vietnam", id="foreign-country-name"),
    P("Kashi, Uttar Pradesh, India", "", id="foreign-india-kashi"),
    P("Bole Road, Addis Ababa", "ET", id="foreign-ethiopia-bole"),
    P("Singapore 650123", "SG", id="foreign-postcode"),
    # --- company names and words that only look like XUAR places
    P("Hamilton Industries", "", id="hamilton"),
    P("New Energy Co., Ltd.", "", id="new-energy"),
    P("Boley Street Partners", "", id="boley"),
    P("Bay Area Trading", "", id="bay"),
    P("Emin Textile", "", id="emin"),
    P("Mori Building, Tokyo", "", id="mori"),
    P("Aral Sea Fisheries", "", id="aral"),
    P("Hami melon importers", "", id="hami-melon"),
    P("Wusuli River Logistics", "", id="wusuli"),
    P("Akzo Nobel Coatings", "", id="akzo"),
    P("Tianshan Wool", "", id="tianshan-alone"),
    P("Changjiang Industrial", "", id="changjiang-not-changji"),
    P("Xinyuan Technology", "", id="xinyuan"),
    P("Xinxing Ductile Iron Pipes", "", id="xinxing"),
    P("Shuanghe Industrial Park", "", id="shuanghe"),
    # --- pinyin of other Chinese places
    P("Yili Industrial Group, Hohhot, Inner Mongolia", "", id="yili-dairy"),
    P("Yiwu, Zhejiang", "", id="yiwu-zhejiang"),
    P("Yiwu International Trade Market", "", id="yiwu-market"),
    P("Baicheng, Jilin", "", id="baicheng-jilin"),
    P("Baicheng City", "", id="baicheng-city-jilin"),
    P("Xinhe County, Xingtai, Hebei", "", id="xinhe-hebei"),
    P("Yutian County, Tangshan, Hebei", "", id="yutian-hebei"),
    P("Qinghe County, Hebei", "", id="qinghe-hebei"),
    P("Ningbo Shanshan Co., Ltd.", "", id="shanshan-group-ningbo"),
    P("Bay County, Florida", "", id="bay-county-florida"),
    # --- Chinese decoys
    P("阿克苏诺贝尔涂料(上海)有限公司", "", id="zh-akzonobel"),
    P("哈密瓜批发 广州", "", id="zh-hami-melon"),
    P("和田玉器行", "", id="zh-hotan-jade"),
    P("仓库车间", "", id="zh-kuche-in-warehouse"),
    P("新和成股份有限公司", "", id="zh-nhu"),
    P("和硕联合科技股份有限公司", "", id="zh-pegatron"),
    P("台中市北屯區", "", id="zh-taichung-beitun"),
    P("第一师范学院", "", id="zh-normal-school"),
    P("集团有限公司", "", id="zh-group"),
    P("共青团", "", id="zh-youth-league"),
    P("团结路", "", id="zh-unity-road"),
    P("黑龙江生产建设兵团", "", id="zh-heilongjiang-corps"),
    P("天山纺织有限公司", "", id="zh-tianshan-alone"),
    P("温泉度假村", "", id="zh-hot-spring"),
    P("東京都港区和田1-2-3", "", id="ja-wada-tokyo"),
    P("和田工業株式会社", "", id="ja-wada-company"),
    # --- numbers that are not XUAR codes
    P("邮编 650102 昆明市", "", id="code-kunming-postcode"),
    P("云南省昆明市 650102", "", id="code-with-yunnan"),
    P("Kunming, Yunnan 650000", "", id="code-kunming-en"),
    P("123456", "", id="code-random"),
    P("Order 651234", "", id="code-not-in-gazetteer"),
    P("Shanghai 200000, 830000", "", id="postcode-with-other-province"),
    P("", "", id="empty"),
]


@pytest.mark.parametrize("text,country", NEGATIVES)
def test_negative(text: str, country: str) -> None:
    r = detect_xuar(text, country)
    assert r is None, r


# ---------------------------------------------------------------------------------------------- explanations


def test_explanation_names_place_code_and_other_evidence() -> None:
    r = detect_xuar("新疆维吾尔自治区和田地区墨玉县")
    assert r is not None and r.code == "653222"
    assert "墨玉县" in r.explanation and "653222" in r.explanation
    assert "Karakax" in r.explanation  # the Uyghur-Latin name from the gazetteer
    assert "also found" in r.explanation and "和田地区" in r.explanation
    assert r.evidence[0] == "墨玉县" and "新疆维吾尔自治区" in r.evidence


def test_explanation_other_province_gives_medium() -> None:
    r = detect_xuar("Hotan Trading Co., Shanghai")
    assert r is not None and r.confidence == "medium" and r.code == "6532"
    assert "Shanghai" in r.explanation and "may not be in the XUAR" in r.explanation


def test_explanation_foreign_country() -> None:
    r = detect_xuar("Xinjiang Zhongtai Chemical, Hai Phong office", "VN")
    assert r is not None and r.confidence == "medium"
    assert "'VN'" in r.explanation


def test_explanation_street_only() -> None:
    r = detect_xuar("Xinjiang Road 100")
    assert r is not None and r.confidence == "medium"
    assert "street" in r.explanation


@pytest.mark.parametrize(
    "text,words",
    [
        ("91650100XXXXXXXXXX", ["Unified Social Credit Code", "650100", "NOT valid"]),
        (uscc("91653200MA78Q9K2X"), ["Unified Social Credit Code", "check digit valid"]),
        ("830000", ["postcode", "830000-849999"]),
        ("650102", ["天山区", "Kunming"]),
        ("阿拉尔市", ["XPCC", "1st Division", "659002"]),
        ("兵团", ["Xinjiang Production and Construction Corps", "XPCC"]),
        ("Moyu County", ["common word"]),
        ("一团", ["weaker evidence"]),
    ],
)
def test_explanation_content(text: str, words: list[str]) -> None:
    r = detect_xuar(text)
    assert r is not None
    for w in words:
        assert w in r.explanation, (w, r.explanation)


# ------------------------------------------------------------------------------------- whole-gazetteer tables


@pytest.mark.parametrize("row", [r for r in ADMIN if r["code"] != "6590"], ids=lambda r: r["code"])
def test_every_unit_by_chinese_name(row: dict[str, str]) -> None:
    for text in (row["name_zh"], "新疆" + row["name_zh"]):
        r = detect_xuar(text)
        if row["code"] == "650104" and text == row["name_zh"]:
            assert r is None  # 新市区 ("new urban district") needs a XUAR context
            continue
        assert r is not None and r.code == row["code"], (text, r)


@pytest.mark.parametrize("row", [r for r in ADMIN if r["code"] != "6590"], ids=lambda r: r["code"])
def test_every_unit_by_pinyin_in_xinjiang(row: dict[str, str]) -> None:
    r = detect_xuar(f"{row['pinyin']}, Xinjiang, China")
    assert r is not None and r.code == row["code"], r
    assert r.confidence == "high"


def test_townships_with_their_county() -> None:
    rows = _rows("xuar_townships.csv")
    misses = [
        r["name_zh"]
        for r in rows
        if (res := detect_xuar(r["county_name_zh"] + r["name_zh"])) is None or not res.code.startswith("65")
    ]
    assert not misses


# ------------------------------------------------------------------------------------------------ properties

LATIN_PLACES = [
    ("Urumqi", "6501"),
    ("Wulumuqi", "6501"),
    ("Ürümqi", "6501"),
    ("Kashgar", "6531"),
    ("Hotan", "6532"),
    ("Hetian", "6532"),
    ("Aksu", "6529"),
    ("Turpan", "6504"),
    ("Korla", "652801"),
    ("Kuerle", "652801"),
    ("Shihezi", "659001"),
    ("Karamay", "6502"),
    ("Bayingolin", "6528"),
    ("Yarkand", "653125"),
    ("Ghulja", "654002"),
    ("Xinjiang", "65"),
    ("Tulufan", "6504"),
    ("Changji", "6523"),
    ("Altay", "6543"),
]
TEMPLATES = ["{p}", "No. 8 Jiefang Rd, {p}, China", "{p} Huafu Textile Co., Ltd.", "{p} City"]


@st.composite
def respelled(draw: st.DrawFn) -> tuple[str, str]:
    place, code = draw(st.sampled_from(LATIN_PLACES))
    chars = [c.upper() if draw(st.booleans()) else c.lower() for c in place]
    cuts = draw(st.lists(st.integers(1, len(place) - 1), max_size=3, unique=True))
    for cut in sorted(cuts, reverse=True):
        chars.insert(cut, draw(st.sampled_from([" ", "-", "'", "  ", "’"])))
    template = draw(st.sampled_from(TEMPLATES))
    return template.format(p="".join(chars)), code


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(respelled())
def test_spacing_and_case_do_not_matter(case: tuple[str, str]) -> None:
    text, code = case
    r = detect_xuar(text)
    assert r is not None, text
    assert r.code.startswith(code), (text, r)


STREETS_ZH = ["新疆路", "新疆南路", "乌鲁木齐路", "喀什路", "和田路", "伊犁路", "新疆大厦", "阿克苏路"]
STREETS_EN = [
    "Xinjiang Road",
    "Xinjiang Rd.",
    "Urumqi Road",
    "Kashgar Street",
    "Hotan Rd",
    "Xinjiang Building",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(OTHER_PREFECTURES),
    st.sampled_from(STREETS_ZH),
    st.sampled_from(STREETS_EN),
    st.integers(1, 9999),
    st.booleans(),
)
def test_xuar_street_in_another_prefecture_is_not_xuar(
    pref: dict[str, str], street_zh: str, street_en: str, number: int, province_first: bool
) -> None:
    zh = (
        f"{pref['province_zh']}{pref['name_zh']}{street_zh}{number}号"
        if province_first
        else f"{street_zh}{number}号, {pref['name_zh']}"
    )
    assert detect_xuar(zh) is None, zh
    en = f"No. {number} {street_en}, {pref['pinyin_short']} City, China"
    assert detect_xuar(en) is None, en


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["", "CN", "VN", "US", "China", "n/a"]))
def test_any_text_gives_none_or_a_well_formed_result(text: str, country: str) -> None:
    r = detect_xuar(text, country)
    if r is not None:
        assert r.code.startswith("65")
        assert r.level in {"province", "prefecture", "county", "township", "xpcc"}
        assert r.confidence in {"high", "medium"}
        assert r.method in {
            "chinese",
            "pinyin",
            "uyghur-latin/postal",
            "uyghur-arabic",
            "cyrillic",
            "admin-code",
            "postal-code",
            "xpcc",
        }
        assert r.place and r.explanation


# ------------------------------------------------------------------------------------------------ API, speed


def test_detect_many_matches_detect_and_takes_countries() -> None:
    texts = ["Urumqi", "Hamilton", "Xinjiang Rd, Shanghai", "Urumqi", "Hotan"]
    got = detect_many(texts)
    assert [r.code if r else None for r in got] == ["6501", None, None, "6501", "6532"]
    got = detect_many(["Hotan", "Hotan"], ["CN", "US"])
    assert got[0] is not None and got[1] is None
    with pytest.raises(ValueError):
        detect_many(["a", "b"], ["CN"])


def test_detector_is_cached_picklable_and_rebuildable() -> None:
    assert get_detector() is get_detector()
    clone = pickle.loads(pickle.dumps(get_detector()))
    r = clone.detect("新疆維吾爾自治區")
    assert r is not None and r.code == "65"
    fresh = XuarDetector(DATA)
    assert fresh.detect("Kashgar") == get_detector().detect("Kashgar")


def test_speed() -> None:
    det = get_detector()
    base = [
        "新疆维吾尔自治区和田地区墨玉县幸福路12号",
        "上海市浦东新区新疆路100号",
        "No. 12 Zhongshan Road, Shijiazhuang City, Hebei Province, China 050000",
        "Acme Trading Co., Ltd., 12 Main Street, Springfield, IL 62701, USA",
        "12 Jiefang Rd, Kashgar, Xinjiang, China",
        "Hamilton Industries",
    ]
    texts = [f"{t} {i}" for i in range(400) for t in base]
    det.detect_many(texts[:50])
    t0 = time.perf_counter()
    for t in texts:
        det.detect(t)
    per = (time.perf_counter() - t0) / len(texts)
    assert per < 1e-3, f"{per * 1e6:.0f} µs per address"  # ~20-40 µs here; loose for slow CI machines


# ------------------------------------------------------- pairing-assistance parks, former names, zones


NEW_USER_CASES = [
    # a XUAR place that also carries another province's or city's name is still the XUAR
    P("新疆喀什地区疏附县上海工业园", "653121", "high", id="zh-shanghai-park-in-shufu"),
    P("喀什地区疏勒县广东工业园区纺织厂", "653122", "high", id="zh-guangdong-park-in-shule"),
    P("喀什深圳产业园", "6531", "high", id="zh-shenzhen-park-kashgar"),
    P("新疆和田市北京工业园区", "653201401", "high", id="zh-beijing-park-hotan-township"),
    P("和田地区和田县北京产业园", "653221", "high", id="zh-beijing-park-hotan-county"),
    P("阿克苏地区阿瓦提县浙江援疆产业园", "652928", "high", id="zh-zhejiang-aid-park"),
    P("Guangdong Industrial Park, Kashgar", "6531", "high", id="en-guangdong-park-kashgar"),
    P("Shanghai Industrial Park, Shufu County, Kashgar, Xinjiang", "653121", "high", id="en-shanghai-park"),
    P("Shenzhen Industrial Park, Kashi", "6531", "high", id="en-shenzhen-park-kashi"),
    # former names of counties that became cities, and of prefectures that became cities
    P("库车县", "652902", "high", id="zh-kuqa-former-county"),
    P("新疆阿克苏地区库车县天山路", "652902", "high", id="zh-kuqa-former-county-address"),
    P("Kuqa County, Aksu", "652902", "high", id="en-kuqa-county"),
    P("沙湾县", "654203", "high", id="zh-shawan-former-county"),
    P("Shawan County, Tacheng, Xinjiang", "654203", "high", id="en-shawan-county"),
    P("哈密地区", "6505", "high", id="zh-hami-former-prefecture"),
    P("吐鲁番地区鄯善县", "650421", "high", id="zh-turpan-former-prefecture"),
    P("米泉市", "650109", "high", id="zh-miquan-merged"),
    # the large development zones
    P("乌鲁木齐经济技术开发区", "650106", "high", id="zh-urumqi-etdz"),
    P("Urumqi Economic and Technological Development Zone", "650106", "high", id="en-urumqi-etdz"),
    P("库尔勒经济技术开发区", "652801", "high", id="zh-korla-etdz"),
    P("Korla Economic and Technological Development Zone", "652801", "high", id="en-korla-etdz"),
    P("石河子经济技术开发区", "659001", "high", id="zh-shihezi-etdz"),
    P("Shihezi Economic and Technological Development Zone", "659001", "high", id="en-shihezi-etdz"),
    P("喀什经济开发区", "653101", "high", id="zh-kashgar-edz"),
    P("Kashgar Economic Development Zone", "653101", "high", id="en-kashgar-edz"),
    P("霍尔果斯经济开发区", "654004", "high", id="zh-khorgos-edz"),
    P("Khorgos Economic Development Zone", "654004", "high", id="en-khorgos-edz"),
    P("准东经济技术开发区", "6523", "high", id="zh-zhundong"),
    P("Zhundong Economic and Technological Development Zone", "6523", "high", id="en-zhundong"),
    P("甘泉堡经济技术开发区", "650109", "high", id="zh-ganquanpu"),
    P("Aksu Textile Industrial City", "652901", "high", id="en-aksu-textile-city"),
]


@pytest.mark.parametrize("text,code,confidence", NEW_USER_CASES)
def test_parks_former_names_and_zones(text: str, code: str, confidence: str) -> None:
    r = detect_xuar(text)
    assert r is not None, text
    assert (r.code, r.confidence) == (code, confidence), r.explanation


def test_former_name_and_zone_are_explained() -> None:
    r = detect_xuar("库车县")
    assert r is not None and "former name" in r.explanation and "2019" in r.explanation
    r = detect_xuar("准东经济技术开发区")
    assert r is not None and "development zone" in r.explanation


GENERIC = ["经济技术开发区", "工业园区", "工业园区管委会", "产业园区", "高新技术产业开发区", "开发区",
           "西工业园区", "特色产业园区", "Industrial Park", "industrial park",
           "Economic and Technological Development Zone", "High-tech Zone", "Industrial Zone", "Science Park"]


@pytest.mark.parametrize("text", GENERIC)
def test_generic_phrase_is_never_a_place(text: str) -> None:
    assert detect_xuar(text) is None


@pytest.mark.parametrize("text", ["上海工业园", "Shanghai Industrial Park", "北京工业园区", "广东产业园",
                                  "Xinjiang Road, Shanghai Industrial Park", "上海市新疆路1号上海工业园"])
def test_donor_park_alone_or_in_the_donor_province_is_not_xuar(text: str) -> None:
    assert detect_xuar(text) is None, detect_xuar(text)


def test_other_province_outside_a_park_still_counts() -> None:
    r = detect_xuar("喀什地区疏附县 上海市浦东新区")
    assert r is not None and r.confidence == "medium" and "上海" in r.explanation


COUNTIES = [r for r in ADMIN if r["level"] == "county-level" and r["xpcc_city"] != "true"
            and r["name_zh"] not in ("新市区",)]
DONORS_ZH = [zh_names[1] for zh_names, _ in xuar_tables.OTHER_PROVINCES.values()] + [
    "深圳", "无锡", "苏州", "天津", "杭州", "广州"]
PARKS_ZH = ["工业园", "工业园区", "产业园", "援疆产业园", "科技园"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COUNTIES), st.sampled_from(DONORS_ZH), st.sampled_from(PARKS_ZH), st.integers(1, 999))
def test_donor_named_park_inside_a_xuar_county_is_that_county(
    county: dict[str, str], donor: str, park: str, number: int
) -> None:
    text = f"新疆{county['parent_name_zh']}{county['name_zh']}{donor}{park}{number}号"
    r = detect_xuar(text)
    assert r is not None, text
    assert r.code == county["code"] and r.confidence == "high", (text, r.explanation)


GENERIC_WORDS = ["经济技术开发区", "工业园区", "管委会", "产业园", "高新区", "Industrial", "Park", "Zone",
                 "Economic", "Development", "Technological", "and", "No.", "Road"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(GENERIC_WORDS), min_size=1, max_size=5), st.integers(1, 9999))
def test_generic_words_alone_never_make_a_place(words: list[str], number: int) -> None:
    text = " ".join(words) + f" {number}"
    assert detect_xuar(text) is None, (text, detect_xuar(text))


def test_scanners_share_one_protocol_and_return_evidence() -> None:
    from laborlens.geo import Evidence, Scanner

    det = get_detector()
    assert {s.name for s in det.scanners} >= {"chinese", "latin", "uscc", "admin-code", "postcode"}
    for s in det.scanners:
        assert isinstance(s.name, str) and callable(s.wants) and callable(s.scan)
    scanner: Scanner = det.scanners[0]
    assert scanner.name == "chinese"
    _, found = det.evidence("新疆喀什地区上海工业园 " + uscc("91653100MA78Q9K2X"))
    assert all(isinstance(e, Evidence) for e in found)
    kinds = {(e.kind, e.method) for e in found}
    assert ("xuar", "chinese") in kinds and ("xuar", "admin-code") in kinds
    assert any(e.kind == "other" and e.park for e in found)


def test_gazetteer_index_pickles_on_its_own() -> None:
    from laborlens.geo import get_gazetteer

    gaz = pickle.loads(pickle.dumps(get_gazetteer()))
    det = XuarDetector(gazetteer=gaz)
    assert det.detect("Kashgar") == get_detector().detect("Kashgar")


def test_uscc_check_digit_comes_from_stdnum() -> None:
    good = uscc("91650100MA7ABCDE1")
    assert stdnum_uscc.is_valid(good)
    assert "check digit valid" in detect_xuar(good).explanation  # type: ignore[union-attr]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "NOT valid" in detect_xuar(bad).explanation  # type: ignore[union-attr]


@pytest.mark.parametrize("country", ["Xinjiang", "XUAR", "新疆", "CN-XJ", "China", "中國大陸", "Mainland China"])
def test_country_values_meaning_china_are_not_foreign(country: str) -> None:
    r = detect_xuar("Hotan Trading Co.", country)
    assert r is not None and r.confidence == "high", (country, r)


def test_country_names_from_babel_and_rigour_mark_a_foreign_address() -> None:
    for text in ("Kashgar Street 5, Almaty, Kazakhstan", "新疆路5号 越南", "Urumqi Road, Tashkent, Uzbekistan",
                 "Hotan Street, Bishkek, Kyrgyz Republic"):
        assert detect_xuar(text) is None, text
    from laborlens.countries import iso2

    assert (iso2("Xinjiang"), iso2("England"), iso2("Hong Kong"), iso2("Viet Nam")) == ("CN", "GB", "HK", "VN")
