"""Parties planted in the demo chain: taint sources the screening must find and decoys it must not flag.

Listed entities are written as they turn up in real files (manifest upper case, Chinese, abbreviations,
aliases, former names); XUAR addresses in Chinese (with and without the province), pinyin, Uyghur-Latin
and XPCC spellings, often without the word "Xinjiang". Decoys carry XUAR place names in a street name,
a cuisine, or share a distinctive word with a listed entity, but are neither listed nor in the XUAR.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    sector: str
    stage: str  # a stage key, or "<stage>_trader"
    name: str
    address: str
    kinds: tuple[str, ...]  # taint: listed_entity / xuar_address; decoy: why it looks risky
    variant: str
    name_local: str = ""
    country: str = "CN"
    entity_id: str = ""
    note: str = ""


L, X = "listed_entity", "xuar_address"

LISTED: tuple[Planted, ...] = (
    Planted("solar", "polysilicon", "XINJIANG DAQO NEW ENERGY CO LTD",
            "NO 66 WEIWU RD, SHIHEZI ECONOMIC AND TECHNOLOGICAL DEVELOPMENT ZONE, SHIHEZI 832000",
            (L, X), "manifest_upper", entity_id="uflpa-004"),
    Planted("solar", "polysilicon", "新疆协鑫新能源材料科技有限公司", "新疆维吾尔自治区昌吉回族自治州准东经济技术开发区",
            (L, X), "chinese", entity_id="uflpa-006"),
    Planted("solar", "mg_silicon", "Hoshine Silicon Industry (Shanshan)",
            "Shanshan Industrial Park, Shanshan County, Turpan", (L, X), "alias_without_legal_form",
            name_local="合盛硅业（鄯善）有限公司", entity_id="uflpa-001"),
    Planted("solar", "wafer", "Hoyuan Green Energy Co. Ltd.", "江苏省无锡市滨湖区雪浪街道南湖大道88号", (L,), "alias",
            name_local="弘元绿色能源股份有限公司", entity_id="uflpa-046"),
    Planted("solar", "polysilicon", "SHUANGLIANG SILICON MATERIAL (BAOTOU) CO LTD",
            "JIUYUAN DISTRICT, BAOTOU, INNER MONGOLIA", (L,), "manifest_upper_singular", entity_id="uflpa-049"),
    Planted("solar", "cell", "Donghai JA Solar Tech Co., Ltd.", "Donghai County, Lianyungang, Jiangsu", (L,),
            "abbreviation", entity_id="uflpa-045"),
    Planted("apparel", "yarn", "XINJIANG ZHONGTAI CHEM CO LTD", "NO 39 BEIJING SOUTH RD, URUMQI, XINJIANG", (L, X),
            "abbreviation", entity_id="uflpa-010"),
    Planted("apparel", "yarn", "Chaohu Youngor Color Spinning Technology Co.", "安徽省合肥市巢湖市经济开发区旗山路12号",
            (L,), "former_name", entity_id="uflpa-014"),
    Planted("apparel", "yarn", "Akesu Huafu Melange Yarn Co., Ltd.", "新疆维吾尔自治区阿克苏地区阿克苏市纺织工业城",
            (L, X), "alias", entity_id="uflpa-055"),
    Planted("apparel", "cotton_trader", "CHINA COTTON GROUP SHANDONG LOGISTICS PARK CO LTD",
            "JINAN, SHANDONG", (L,), "manifest_upper", entity_id="uflpa-018"),
    Planted("aluminum", "aluminum", "新疆东方希望有色金属有限公司", "新疆昌吉州准东经济技术开发区五彩湾工业园", (L, X),
            "chinese", entity_id="uflpa-005"),
    Planted("aluminum", "aluminum", "Xinjiang Joinworld Co., Ltd.", "Toutunhe District, Urumqi", (L, X), "alias",
            entity_id="uflpa-044"),
    Planted("tomato", "tomato_paste_trader", "Hebei Temeite International Trade Co., Ltd.",
            "No. 18 Huaian East Road, Shijiazhuang, Hebei", (L,), "alias", entity_id="uflpa-069"),
    Planted("tomato", "tomato_paste_trader", "GANSU YASHENG INTL TRADE GROUP CO LTD", "LANZHOU, GANSU", (L,),
            "abbreviation", entity_id="uflpa-066"),
)

XUAR: tuple[Planted, ...] = (
    Planted("apparel", "cotton", "Aksu Fengshou Cotton Ginning Co., Ltd.", "新疆维吾尔自治区阿克苏地区阿克苏市英阿瓦提路18号",
            (X,), "chinese_full", name_local="阿克苏丰收棉业有限公司"),
    Planted("apparel", "cotton", "第一师阿拉尔市十团棉花加工厂", "第一师阿拉尔市十团", (X,), "xpcc_regiment_chinese",
            note="XPCC 1st Division, 10th Regiment; no province named"),
    Planted("apparel", "yarn", "Tianfu Cotton Spinning Co., Ltd.", "Beiquan Town, Shihezi", (X,), "xpcc_city_pinyin"),
    Planted("apparel", "fabric", "Hetian Jinxiu Textile Co., Ltd.", "No. 9 Beijing West Road, Hotan City, Hotan Prefecture",
            (X,), "pinyin_and_uyghur_latin"),
    Planted("apparel", "fabric", "Urumqi Tianyi Knitting Co., Ltd.", "Midong District, Ürümqi, XUAR", (X,),
            "diacritics_and_abbreviation"),
    Planted("apparel", "garment", "Silk Road Star Garment Co., Ltd.", "Shenka Industrial Park, Kashgar", (X,),
            "uyghur_latin"),
    Planted("tomato", "tomato_paste", "Hongyan Tomato Products Co., Ltd.",
            "No. 2 Industrial Road, Manas County, Changji Hui Autonomous Prefecture 832200", (X,), "prefecture_english"),
    Planted("tomato", "tomatoes", "焉耆县红河番茄种植专业合作社", "巴音郭楞蒙古自治州焉耆回族自治县七个星镇", (X,),
            "chinese_without_province"),
    Planted("aluminum", "aluminum", "Kumul Yinhe Aluminium Co., Ltd.", "Kumul Industrial Park, Kumul", (X,),
            "uyghur_latin"),
    Planted("solar", "quartzite", "Toksun Jingshi Quartz Mining Co., Ltd.", "Toksun County, Turfan", (X,),
            "old_spelling"),
)

DECOYS: tuple[Planted, ...] = (
    Planted("apparel", "fabric", "Xinjiang Road Textile Trading (Shanghai) Co., Ltd.", "上海市静安区新疆路188号",
            ("xinjiang_street_name",), "chinese", name_local="上海新疆路纺织贸易有限公司",
            note="Xinjiang Road is a street in Shanghai"),
    Planted("apparel", "fabric", "Qingdao Hengxin Knitting Co., Ltd.",
            "No. 66 Xinjiang Road, Shibei District, Qingdao, Shandong 266011", ("xinjiang_street_name",), "english",
            note="Xinjiang Road is a street in Qingdao"),
    Planted("apparel", "garment", "Shanghai Yili Road Garment Co., Ltd.", "99 Yili Road, Changning District, Shanghai",
            ("xuar_prefecture_as_street",), "english", note="Yili (Ili) is an XUAR prefecture and a Shanghai street"),
    Planted("apparel", "yarn", "Zhongtai Home Textile (Ningbo) Co., Ltd.", "浙江省宁波市鄞州区首南街道天童南路588号",
            ("similar_name",), "english", name_local="宁波中泰家纺有限公司",
            note="shares 'Zhongtai' with listed Xinjiang Zhongtai Chemical; unrelated, in Ningbo"),
    Planted("solar", "cell", "Huamei Solar Trading (Shanghai) Co., Ltd.", "上海市徐汇区乌鲁木齐中路28号",
            ("urumqi_street_name",), "chinese", note="Urumqi Road is a street in Shanghai"),
    Planted("solar", "wafer", "Great Energy Silicon (Suzhou) Co., Ltd.", "Suzhou Industrial Park, Suzhou, Jiangsu",
            ("similar_name",), "english", note="resembles Daqo's alias 'Xinjiang Great New Energy'; unrelated"),
    Planted("tomato", "sauce", "Xinjiang Flavour Foods (Guangzhou) Co., Ltd.", "广东省广州市白云区太和镇永兴村工业区8号",
            ("xinjiang_in_name",), "english", name_local="广州新疆风味食品有限公司",
            note="'Xinjiang flavour' is a cuisine; the company is in Guangzhou"),
    Planted("aluminum", "aluminum_products", "Shanghai Tianshan Road Metal Products Co., Ltd.",
            "上海市长宁区天山路1800号", ("xuar_name_as_street",), "english",
            note="Tianshan Road is a Shanghai street (Tianshan is also an Urumqi district)"),
)
