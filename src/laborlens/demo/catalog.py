"""Static material for the demo supply chain: sectors and their stages, places, name parts, and the
tainted and decoy parties that the screening must (and must not) catch.

All companies are fictional except the listed entities, whose names come from the bundled partial UFLPA
Entity List (ids ``uflpa-NNN``) and are written the way they turn up in real supplier files: manifest
upper case, Chinese, abbreviations, former names and aliases.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    material: str
    hts: str
    unit: str
    description: str


@dataclass(frozen=True)
class Stage:
    """One production step. ``factor`` converts a unit of the previous stage's output into this stage's
    output (e.g. 0.85 kg yarn per kg cotton); raw stages have none. A trader stage resells its inputs."""

    key: str
    products: tuple[Product, ...]
    count: int
    countries: tuple[tuple[str, float], ...]
    industries: tuple[tuple[str, str], ...]  # (Chinese, English) words for company names
    factor: float | None = None
    traders: int = 0  # traders reselling this stage's output (0 = none)
    trader_countries: tuple[tuple[str, float], ...] = (("CN", 1.0),)
    raw_range: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Sector:
    key: str
    label: str
    stages: tuple[Stage, ...]
    streams: int
    importers: tuple[str, ...]
    exporter_traders: int = 0  # e.g. Hong Kong sourcing agents shipping finished goods
    direct_exports: str = ""  # an upstream stage some of whose parties also ship to the US (e.g. paste)


P = Product
SECTORS: tuple[Sector, ...] = (
    Sector("apparel", "apparel / cotton", streams=5, importers=("IMP-001", "IMP-002"), exporter_traders=5, stages=(
        Stage("cotton", (P("raw cotton", "5201.00", "kg", "ginned cotton lint"),), 18,
              (("CN", 0.6), ("US", 0.25), ("BR", 0.15)), (("棉业", "Cotton"), ("棉花", "Cotton Ginning")),
              traders=4, raw_range=(200_000, 800_000)),
        Stage("yarn", (P("cotton yarn", "5205.12", "kg", "combed cotton yarn Ne 30/1"),), 26,
              (("CN", 0.75), ("VN", 0.25)), (("棉纺", "Cotton Spinning"), ("纺织", "Textile")), factor=0.85),
        Stage("fabric", (P("cotton knit fabric", "6006.21", "kg", "cotton single jersey fabric"),), 32,
              (("CN", 0.8), ("VN", 0.12), ("KH", 0.08)),
              (("针织", "Knitting"), ("织造", "Weaving"), ("印染", "Dyeing and Finishing")), factor=0.92),
        Stage("garment", (P("cotton T-shirts", "6109.10.00", "pcs", "men's 100% cotton knit T-shirts"),
                          P("cotton sweatshirts", "6110.20.20", "pcs", "cotton knit pullover sweatshirts"),
                          P("cotton polo shirts", "6105.10.00", "pcs", "men's cotton knit polo shirts")), 26,
              (("CN", 0.45), ("VN", 0.3), ("KH", 0.25)), (("服饰", "Garment"), ("制衣", "Apparel")), factor=4.5),
    )),
    Sector("solar", "solar (polysilicon)", streams=5, importers=("IMP-003",), stages=(
        Stage("quartzite", (P("quartzite", "2506.20", "t", "quartzite lump"),), 8, (("CN", 1.0),),
              (("矿业", "Mining"), ("石英", "Quartz")), raw_range=(8_000, 30_000)),
        Stage("mg_silicon", (P("metallurgical-grade silicon", "2804.69", "t", "silicon metal 553"),), 12,
              (("CN", 1.0),), (("硅业", "Silicon Industry"), ("冶金", "Metallurgy")), factor=0.35),
        Stage("polysilicon", (P("polysilicon", "2804.61", "kg", "solar-grade polysilicon chunks"),), 8,
              (("CN", 0.85), ("MY", 0.15)), (("新材料", "New Materials"), ("硅材料", "Silicon Materials")),
              factor=800.0, traders=3, trader_countries=(("HK", 0.5), ("CN", 0.5))),
        Stage("wafer", (P("silicon wafers", "3818.00", "pcs", "monocrystalline silicon wafers M10"),), 14,
              (("CN", 0.8), ("MY", 0.1), ("VN", 0.1)), (("半导体", "Semiconductor"), ("光伏科技", "PV Technology")),
              factor=55.0),
        Stage("cell", (P("solar cells", "8541.42", "pcs", "monocrystalline PERC solar cells"),), 16,
              (("CN", 0.4), ("VN", 0.3), ("MY", 0.3)), (("新能源", "New Energy"), ("太阳能", "Solar Energy")),
              factor=0.97),
        Stage("module", (P("solar modules", "8541.43.00", "pcs", "crystalline silicon PV modules 550 W"),), 14,
              (("VN", 0.35), ("MY", 0.35), ("KH", 0.1), ("CN", 0.2)),
              (("光伏", "Photovoltaic"), ("能源科技", "Energy Technology")), factor=1 / 144),
    )),
    Sector("aluminum", "aluminum", streams=3, importers=("IMP-004",), stages=(
        Stage("bauxite", (P("bauxite", "2606.00", "t", "metallurgical bauxite"),), 8,
              (("CN", 0.5), ("GN", 0.3), ("AU", 0.2)), (("矿业", "Mining"),), raw_range=(40_000, 160_000)),
        Stage("alumina", (P("alumina", "2818.20", "t", "smelter-grade alumina"),), 9, (("CN", 1.0),),
              (("氧化铝", "Alumina"), ("化工", "Chemical")), factor=0.4),
        Stage("aluminum", (P("primary aluminum", "7601.10", "t", "primary aluminum ingot 99.7%"),), 12,
              (("CN", 0.85), ("MY", 0.15)), (("铝业", "Aluminum"), ("有色金属", "Nonferrous Metals")),
              factor=0.52, traders=3, trader_countries=(("MY", 0.4), ("VN", 0.3), ("HK", 0.3))),
        Stage("aluminum_products", (P("aluminum extrusions", "7604.29", "kg", "aluminum alloy profiles"),
                                    P("aluminum cookware", "7615.10", "kg", "aluminum cooking pots and pans")), 16,
              (("CN", 0.5), ("VN", 0.3), ("MY", 0.2)), (("铝材", "Aluminum Products"), ("金属制品", "Metal Products")),
              factor=920.0),
    )),
    Sector("tomato", "tomato", streams=3, importers=("IMP-005", "IMP-002"), direct_exports="tomato_paste", stages=(
        Stage("tomatoes", (P("fresh tomatoes", "0702.00", "t", "processing tomatoes"),), 12, (("CN", 1.0),),
              (("农业", "Agriculture"), ("果蔬", "Fruit and Vegetable")), raw_range=(6_000, 30_000)),
        Stage("tomato_paste", (P("tomato paste", "2002.90", "t", "tomato paste 28-30 Brix, aseptic drums"),), 9,
              (("CN", 1.0),), (("番茄制品", "Tomato Products"), ("食品", "Food")), factor=0.16, traders=3,
              trader_countries=(("CN", 0.6), ("HK", 0.4))),
        Stage("sauce", (P("tomato ketchup", "2103.20", "kg", "tomato ketchup in retail bottles"),
                        P("tomato sauce", "2103.20", "kg", "tomato pasta sauce in jars")), 12,
              (("CN", 0.5), ("VN", 0.2), ("MY", 0.3)), (("食品", "Foods"), ("调味品", "Condiments")), factor=3000.0),
    )),
)

FRAMES = Product("aluminum frames", "7604.29", "kg", "anodised aluminum frames for PV modules")

IMPORTERS: tuple[tuple[str, str, str], ...] = (
    ("IMP-001", "Example Outdoor Apparel Inc.", "1200 Example Parkway, Portland, OR 97209"),
    ("IMP-002", "Example Family Retail Corp.", "400 Sample Street, Columbus, OH 43215"),
    ("IMP-003", "Example Solar Power LLC", "77 Demo Drive, Phoenix, AZ 85004"),
    ("IMP-004", "Example Home Goods Inc.", "9 Illustration Avenue, Chicago, IL 60607"),
    ("IMP-005", "Example Pantry Foods Inc.", "55 Placeholder Road, Minneapolis, MN 55401"),
)

# (province zh, city zh, district zh, province en, city en, district en) by sector; none in the XUAR.
CN_PLACES: dict[str, tuple[tuple[str, str, str, str, str, str], ...]] = {
    "apparel": (("江苏省", "无锡市", "新吴区", "Jiangsu", "Wuxi", "Xinwu District"),
                ("江苏省", "南通市", "通州区", "Jiangsu", "Nantong", "Tongzhou District"),
                ("浙江省", "绍兴市", "柯桥区", "Zhejiang", "Shaoxing", "Keqiao District"),
                ("浙江省", "宁波市", "鄞州区", "Zhejiang", "Ningbo", "Yinzhou District"),
                ("山东省", "滨州市", "滨城区", "Shandong", "Binzhou", "Bincheng District"),
                ("山东省", "德州市", "夏津县", "Shandong", "Dezhou", "Xiajin County"),
                ("广东省", "佛山市", "南海区", "Guangdong", "Foshan", "Nanhai District"),
                ("福建省", "泉州市", "晋江市", "Fujian", "Quanzhou", "Jinjiang"),
                ("河北省", "邢台市", "威县", "Hebei", "Xingtai", "Wei County")),
    "solar": (("四川省", "乐山市", "五通桥区", "Sichuan", "Leshan", "Wutongqiao District"),
              ("内蒙古自治区", "包头市", "九原区", "Inner Mongolia", "Baotou", "Jiuyuan District"),
              ("云南省", "曲靖市", "麒麟区", "Yunnan", "Qujing", "Qilin District"),
              ("江苏省", "常州市", "武进区", "Jiangsu", "Changzhou", "Wujin District"),
              ("浙江省", "嘉兴市", "海宁市", "Zhejiang", "Jiaxing", "Haining"),
              ("宁夏回族自治区", "银川市", "兴庆区", "Ningxia", "Yinchuan", "Xingqing District"),
              ("安徽省", "滁州市", "凤阳县", "Anhui", "Chuzhou", "Fengyang County")),
    "aluminum": (("广西壮族自治区", "百色市", "平果市", "Guangxi", "Baise", "Pingguo"),
                 ("河南省", "三门峡市", "渑池县", "Henan", "Sanmenxia", "Mianchi County"),
                 ("山东省", "滨州市", "邹平市", "Shandong", "Binzhou", "Zouping"),
                 ("内蒙古自治区", "包头市", "东河区", "Inner Mongolia", "Baotou", "Donghe District"),
                 ("云南省", "文山壮族苗族自治州", "砚山县", "Yunnan", "Wenshan", "Yanshan County"),
                 ("广东省", "佛山市", "南海区", "Guangdong", "Foshan", "Nanhai District")),
    "tomato": (("内蒙古自治区", "巴彦淖尔市", "临河区", "Inner Mongolia", "Bayannur", "Linhe District"),
               ("甘肃省", "酒泉市", "肃州区", "Gansu", "Jiuquan", "Suzhou District"),
               ("河北省", "张家口市", "宣化区", "Hebei", "Zhangjiakou", "Xuanhua District"),
               ("天津市", "天津市", "滨海新区", "Tianjin", "Tianjin", "Binhai New Area"),
               ("山东省", "烟台市", "莱阳市", "Shandong", "Yantai", "Laiyang")),
}

ROADS: tuple[tuple[str, str], ...] = (
    ("人民路", "Renmin Road"), ("解放路", "Jiefang Road"), ("建设路", "Jianshe Road"), ("工业大道", "Gongye Avenue"),
    ("长江路", "Changjiang Road"), ("黄河路", "Huanghe Road"), ("中山路", "Zhongshan Road"),
    ("兴业路", "Xingye Road"), ("科技大道", "Keji Avenue"), ("开发区大道", "Kaifaqu Avenue"),
    ("创业路", "Chuangye Road"), ("滨江路", "Binjiang Road"),
)

# country -> (address templates with {n}, company-name suffix, name styles)
ABROAD: dict[str, tuple[tuple[str, ...], str]] = {
    "VN": (("Lot A{n}, Tan Uyen Industrial Park, Binh Duong Province, Vietnam",
            "Lô B{n}, KCN Quang Châu, Việt Yên, Bắc Giang, Việt Nam",
            "Lot CN{n}, Deep C Industrial Zone, Hai An District, Hai Phong, Vietnam",
            "{n} Tan Thuan Export Processing Zone, District 7, Ho Chi Minh City, Vietnam"), "(Vietnam) Co., Ltd."),
    "MY": (("Lot {n}, Kulim Hi-Tech Park, 09000 Kulim, Kedah, Malaysia",
            "Plot {n}, Bayan Lepas Free Industrial Zone, 11900 Penang, Malaysia",
            "No. {n}, Jalan Persiaran Teknologi, Senai Industrial Park, 81400 Johor, Malaysia",
            "Lot {n}, Samalaju Industrial Park, 97000 Bintulu, Sarawak, Malaysia"), "(Malaysia) Sdn. Bhd."),
    "KH": (("Plot {n}, Phnom Penh Special Economic Zone, National Road 4, Phnom Penh, Cambodia",
            "Lot {n}, Sihanoukville Special Economic Zone, Preah Sihanouk, Cambodia"), "(Cambodia) Co., Ltd."),
    "HK": (("Room {n}, 12/F, Harbour Commercial Building, Tsim Sha Tsui, Kowloon, Hong Kong",
            "Unit {n}, 8/F, Kwai Chung Industrial Centre, Kwai Chung, New Territories, Hong Kong"), "Limited"),
    "US": (("{n} County Road 1400, Lubbock, TX 79403, USA", "{n} Front Street, Memphis, TN 38103, USA"), "LLC"),
    "BR": (("Rodovia BR-163, km {n}, Rondonópolis, Mato Grosso, Brasil",), "Ltda."),
    "AU": (("{n} Iluka Street, Weipa QLD 4874, Australia",), "Pty Ltd"),
    "GN": (("Route de Kamsar, Km {n}, Boké, Guinée",), "SA"),
}

VIETNAMESE_WORDS = ("An Phát", "Minh Long", "Thành Công", "Hưng Thịnh", "Phú Quý", "Việt Tiến", "Bình Minh")

NAME_WORDS: tuple[tuple[str, str], ...] = (
    ("恒达", "Hengda"), ("瑞丰", "Ruifeng"), ("金泰", "Jintai"), ("永盛", "Yongsheng"), ("嘉禾", "Jiahe"),
    ("德隆", "Delong"), ("富源", "Fuyuan"), ("华联", "Hualian"), ("长青", "Changqing"), ("锦程", "Jincheng"),
    ("天润", "Tianrun"), ("宝丰", "Baofeng"), ("海通", "Haitong"), ("盛达", "Shengda"), ("博远", "Boyuan"),
    ("立信", "Lixin"), ("明辉", "Minghui"), ("安和", "Anhe"), ("泰和", "Taihe"), ("东升", "Dongsheng"),
    ("万利", "Wanli"), ("联创", "Lianchuang"), ("康达", "Kangda"), ("汇通", "Huitong"), ("光耀", "Guangyao"),
    ("中鼎", "Zhongding"), ("华美", "Huamei"), ("正阳", "Zhengyang"), ("丰华", "Fenghua"), ("佳宏", "Jiahong"),
    ("旭日", "Xuri"), ("顺发", "Shunfa"), ("鸿运", "Hongyun"), ("卓越", "Zhuoyue"), ("信达", "Xinda"),
    ("远航", "Yuanhang"), ("金桥", "Jinqiao"), ("润华", "Runhua"), ("和美", "Hemei"), ("百川", "Baichuan"),
)
ENGLISH_WORDS = ("Pacific", "Golden Bridge", "Evergreen", "Sunrise", "Harbour", "Lotus", "Orient Star", "Summit")
