"""Curated tables for XUAR place detection (``laborlens.geo.xuar``).

Everything here supplements the packaged gazetteer (``refdata/data/xuar_*.csv``, ``china_prefectures.csv``).
Each table says why it exists. Latin keys are written as they appear; the detector folds them (lower case,
accents stripped, spaces/hyphens/apostrophes removed) before use.
"""

from __future__ import annotations

# ------------------------------------------------------------------------------------------------------------
# Extra Latin spellings of XUAR places that the gazetteer's ``other_names`` column lacks: older postal and
# Wade-Giles romanisations and common Uyghur-Latin (ULY, Uyghur Yéziqi) spellings. code -> names.
# Source: general reference knowledge (the encyclopaedia articles on each place list these spellings);
# not checked against an official romanisation table.
# ------------------------------------------------------------------------------------------------------------
EXTRA_LATIN: dict[str, tuple[str, ...]] = {
    "65": (
        "Xinjiang Uighur Autonomous Region",  # older English spelling of "Uyghur"
        "Xinjiang Uyghur",
        "Xinjiang Uighur",
        "Uyghur Autonomous Region",
        "Uighur Autonomous Region",
        "Uyghur Region",  # usage of human-rights reports (e.g. "Uyghur Region" in UN/ILO texts)
        "Uighur Region",
        "Sinkiang-Uighur",
        "Shinjang",  # Uyghur Latin (ULY) name of Xinjiang
        "East Turkestan",
        "Chinese Turkestan",  # historical English name
    ),
    "6501": ("Urumchi", "Urumtsi", "Tihwa", "Dihua"),  # Wade-Giles / postal; Tihwa = old Chinese name
    "6523": ("Changji Hui",),
    "6528": ("Bayangol", "Bayingholin", "Bayin Gol", "Bayin'gholin"),
    "6530": ("Kizilsu Kirghiz", "Kizilsu Kyrgyz", "Qizilsu"),
    "6531": ("Kashghar", "Qashqar", "Kashgaria"),  # Kashgaria: historical name of the southern Tarim basin
    "6532": ("Hotien", "Ho-t'ien", "Xoten"),  # Wade-Giles; Xoten = ULY
    "6540": ("Ili Kazakh", "Ili Kazak", "Yili Kazakh", "Yili Kazak"),
    "6542": ("Chuguchak", "Tarbaghatai"),  # Russian/postal name of Tacheng
    "6543": ("Altai",),  # also the Altai Republic / Krai in Russia: weak, see WEAK_LATIN
    "652801": ("Kurla",),
    "652902": ("Kuchar",),
    "653001": ("Artush",),
    "653125": ("Yarkend", "Yeken"),  # Yeken = ULY
    "653126": ("Karghalik", "Karghilik"),
    "653123": ("Yangi Hissar",),
    "653131": ("Tashqurghan", "Tashkorgan"),
    "653222": ("Karakash",),
    "654002": ("Kuldja", "Kuldzha"),  # Russian-derived postal spellings of Yining
    "654004": ("Khorgos", "Qorghas"),
    "659003": ("Tumshuq",),
}

# Uyghur Arabic script (UEY) and Cyrillic (Russian / Kazakh) spellings. code -> names. The detector accepts
# a name as a whole word or, when it has 5 letters or more, followed by a case suffix (both languages are
# inflected: ئۈرۈمچىدە "in Urumqi", Синьцзяне "in Xinjiang"). Left out on purpose: Или (Ili; Russian "or"),
# Куча (Kucha; Russian "heap"), Аксу, Хоргос and Іле (towns and a river in Kazakhstan), Баянгол (a district
# of Ulaanbaatar), Кызылсу (rivers in Kyrgyzstan and Tajikistan), قورغاس (Khorgos is also in Kazakhstan).
NON_LATIN: dict[str, tuple[str, ...]] = {
    "65": ("شىنجاڭ", "Синьцзян", "Шыңжаң"),
    "6501": ("ئۈرۈمچى", "Урумчи", "Үрімші"),
    "6502": ("قاراماي", "Карамай"),
    "6504": ("تۇرپان", "Турфан", "Турпан"),
    "6505": ("قۇمۇل", "Кумул", "Хами"),
    "6523": ("سانجى", "Чанцзи"),
    "6527": ("بۆرتالا", "Боро-Тала"),
    "6528": ("بايىنغولىن",),
    "6529": ("ئاقسۇ",),
    "6530": ("قىزىلسۇ",),
    "6531": ("قەشقەر", "Кашгар", "Қашқар"),
    "6532": ("خوتەن", "Хотан"),
    "6540": ("ئىلى",),
    "6542": ("چۆچەك", "Чугучак", "Шәуешек"),
    "6543": ("ئالتاي",),
    "652801": ("كورلا", "Корла"),
    "652902": ("كۇچا",),
    "653001": ("ئاتۇش", "Артуш"),
    "653125": ("يەكەن", "Яркенд"),
    "653222": ("قاراقاش",),
    "654002": ("غۇلجا", "Кульджа", "Құлжа", "Инин"),
    "659001": ("شىخەنزە", "Шихэцзы"),
}
# Uyghur / Cyrillic names of the XPCC (Bingtuan).
NON_LATIN_XPCC: tuple[str, ...] = (
    "بىڭتۈەن",
    "بىڭتۇەن",
    "Бинтуань",
    "производственно-строительн",  # stem: Синьцзянский производственно-строительный корпус (any case)
)

# Short or everyday Latin keys that name a XUAR place but also something else: an English word or a
# personal name ("Bay", "Emin", "Mori"), a town abroad ("Aral"), a company ("Markit", "Yili" dairy), or the
# pinyin of a different Chinese place (Yiwu 义乌, Yutian 玉田, Qinghe 清河, Xinhe 新河, Baicheng 白城,
# Yizhou 宜州, Xinxing 新兴 ...). They count only next to other XUAR evidence, or (pinyin only) with their
# type word ("Moyu County") at medium confidence. "Bole" (also a district of Addis Ababa) and "Kashi" (also
# Varanasi) stay strong: they are the usual names of the XUAR cities.
WEAK_LATIN: frozenset[str] = frozenset(
    ["bay", "lop", "ili", "usu", "mori", "emin", "toli", "kaba", "guma", "niya", "qira", "chira", "cele", "aral", "alar", "yuli", "altai", "sanji", "awat", "markit", "yili", "tianshan", "xinshi", "jinghe", "wenquan", "xinhe", "qinghe", "xinyuan", "fukang", "qitai", "gucheng", "luntai", "yumin", "fuhai", "fuyun", "minfeng", "yutian", "moyu", "luopu", "yecheng", "jiashi", "huocheng", "shawan", "shanshan", "gaochang", "yizhou", "yiwu", "baicheng", "wushi", "keping", "shaya", "yanqi", "hejing", "heshuo", "bohu", "mulei", "beitun", "shuanghe", "kunyu", "xinxing", "baiyang", "shufu", "shule", "orku", "tarbagatay", "tarbaghatai", "dihua"]
)

# Weak pinyin names that stay weak even with their type word, because another Chinese unit has the same
# pinyin and type: 玉田县 Yutian County (Hebei), 新河县 Xinhe County (Hebei), 清河县 Qinghe County (Hebei),
# 宜州区 Yizhou District (Guangxi), 新市区 (a former district of Baoding, Hebei), 义乌 (a county until 1988).
WEAK_TYPED: frozenset[str] = frozenset(
    {"yutian county", "xinhe county", "qinghe county", "yizhou district", "xinshi district", "yiwu county"}
)

# Weak Uyghur-Latin names that count (at medium) with their type word: no other place has that name and type.
TYPED_OK: frozenset[str] = frozenset(
    {"lop county", "qira county", "chira county", "guma county", "toli county", "usu city", "ili prefecture"}
)

# Chinese short names (suffix dropped) that are common words, company names or other places: they count only
# next to other XUAR evidence; with their suffix (新和县, 温泉县 ...) they count alone. 新和 (新和成 is a
# Zhejiang firm), 库车 (仓库车间), 和硕 (和硕联合 = Pegatron), 沙湾 (Leshan, Guangzhou), 北屯 (Taichung),
# 巴州 (Bazhong), 天山/新星/白杨/双河/新源/温泉 (everyday words and brand names).
WEAK_ZH: frozenset[str] = frozenset(
    ["天山", "新市", "新市区", "高昌", "伊州", "沙湾", "温泉", "精河", "新和", "库车", "和硕", "民丰", "墨玉", "洛浦", "福海", "青河", "裕民", "新源", "北屯", "双河", "新星", "白杨", "昆玉", "巴州", "博州", "克州", "水磨沟", "迪化"]
)

# Words after which a XUAR name is not a place of the party: it is then part of a product (哈密瓜 Hami
# melon, 和田玉 Hotan jade) or of a foreign firm's Chinese name (阿克苏诺贝尔 AkzoNobel, 和硕联合 Pegatron).
ZH_NOT_PLACE_AFTER: dict[str, tuple[str, ...]] = {
    "哈密": ("瓜",),
    "和田": ("玉",),
    "阿克苏": ("诺贝尔",),
    "和硕": ("联合",),
    "新疆": ("域",),
}

# The same for Latin keys (folded): the next word makes the name a product.
LATIN_NOT_PLACE_AFTER: dict[str, frozenset[str]] = {
    "hami": frozenset({"melon", "melons", "gua"}),
    "hetian": frozenset({"jade", "yu"}),
    "hotan": frozenset({"jade"}),
    "khotan": frozenset({"jade"}),
}

# Chinese words that, right after a place name, make it a street, road, building or venue name (新疆路,
# 乌鲁木齐中路, 新疆大厦, 新疆饭店). 路桥 (road & bridge) and 路政 are lines of business, not streets.
ZH_STREET_RE = (
    r"(?:[东西南北中]{1,2})?(?:[一二三四五六七八九十\d]{1,2}[横纵]?)?"
    r"(?:路(?!桥|政|面|灯)|街(?!道)|大街|大道|道(?!路|班)|巷|弄|胡同|里弄|大厦|大楼|饭店|酒店|宾馆|"
    r"餐厅|餐馆|菜馆|风味|特产|广场|市场|商城|商场|公寓|花园|小区)"
)

# Latin street / building words (after the name) and street words that precede it (Rue Xinjiang, Jalan ...).
STREET_AFTER: frozenset[str] = frozenset(
    ["road", "rd", "street", "st", "str", "avenue", "ave", "av", "boulevard", "blvd", "lane", "ln", "alley", "hutong", "lu", "jie", "dajie", "dadao", "dao", "xilu", "donglu", "nanlu", "beilu", "zhonglu", "building", "bldg", "tower", "mansion", "plaza", "square", "hotel", "restaurant", "cuisine", "market", "dasha", "fandian", "canting", "way", "drive", "dr", "strasse", "strase", "straat", "gasse", "ulitsa", "mall"]
)
STREET_BEFORE: frozenset[str] = frozenset(["rue", "calle", "avenida", "via", "jalan", "jl", "ulitsa", "ul", "duong", "pho", "phuong"])
STREET_DIRECTIONS: frozenset[str] = frozenset(
    ["east", "west", "south", "north", "middle", "central", "mid", "e", "w", "s", "n", "m", "dong", "xi", "nan", "bei", "zhong", "upper", "lower"]
)
# Latin words after a name that give the administrative type: they pick Hotan County over Hotan Prefecture.
TYPE_WORDS: dict[str, str] = {
    "city": "City",
    "shi": "City",
    "county": "County",
    "xian": "County",
    "district": "District",
    "qu": "District",
    "prefecture": "Prefecture",
    "diqu": "Prefecture",
    "zhou": "Prefecture",
    "autonomous": "Prefecture",
    "region": "Region",
    "zizhiqu": "Region",
}

# Chinese provinces and province-level units other than the XUAR (china_prefectures.csv lacks the four
# municipalities, Hong Kong, Macau and Taiwan): Chinese names (full and short) and Latin names.
OTHER_PROVINCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "11": (("北京市", "北京"), ("Beijing", "Peking")),
    "12": (("天津市", "天津"), ("Tianjin", "Tientsin")),
    "13": (("河北省", "河北"), ("Hebei",)),
    "14": (("山西省", "山西"), ("Shanxi",)),
    "15": (("内蒙古自治区", "内蒙古"), ("Inner Mongolia", "Nei Mongol", "Neimenggu")),
    "21": (("辽宁省", "辽宁"), ("Liaoning",)),
    "22": (("吉林省", "吉林"), ("Jilin",)),
    "23": (("黑龙江省", "黑龙江"), ("Heilongjiang",)),
    "31": (("上海市", "上海"), ("Shanghai",)),
    "32": (("江苏省", "江苏"), ("Jiangsu",)),
    "33": (("浙江省", "浙江"), ("Zhejiang",)),
    "34": (("安徽省", "安徽"), ("Anhui",)),
    "35": (("福建省", "福建"), ("Fujian",)),
    "36": (("江西省", "江西"), ("Jiangxi",)),
    "37": (("山东省", "山东"), ("Shandong",)),
    "41": (("河南省", "河南"), ("Henan",)),
    "42": (("湖北省", "湖北"), ("Hubei",)),
    "43": (("湖南省", "湖南"), ("Hunan",)),
    "44": (("广东省", "广东"), ("Guangdong", "Canton")),
    "45": (("广西壮族自治区", "广西"), ("Guangxi",)),
    "46": (("海南省", "海南"), ("Hainan",)),
    "50": (("重庆市", "重庆"), ("Chongqing", "Chungking")),
    "51": (("四川省", "四川"), ("Sichuan", "Szechuan")),
    "52": (("贵州省", "贵州"), ("Guizhou",)),
    "53": (("云南省", "云南"), ("Yunnan",)),
    "54": (("西藏自治区", "西藏"), ("Tibet", "Xizang")),
    "61": (("陕西省", "陕西"), ("Shaanxi",)),
    "62": (("甘肃省", "甘肃"), ("Gansu",)),
    "63": (("青海省", "青海"), ("Qinghai",)),
    "64": (("宁夏回族自治区", "宁夏"), ("Ningxia",)),
    "71": (
        ("台湾省", "台湾", "台北", "台中", "台南", "高雄", "新北", "桃园", "新竹", "基隆"),
        ("Taiwan", "Taipei", "Taichung", "Tainan", "Kaohsiung", "Taoyuan", "Hsinchu", "Keelung"),
    ),
    "81": (("香港特别行政区", "香港"), ("Hong Kong", "Hongkong", "Kowloon")),
    "82": (("澳门特别行政区", "澳门"), ("Macau", "Macao")),
}

# china_prefectures.csv pinyin is machine-made; these fix polyphones and add the usual English names.
PREFECTURE_LATIN_FIX: dict[str, tuple[str, ...]] = {
    "长治市": ("Changzhi",),
    "朝阳市": ("Chaoyang",),
    "漯河市": ("Luohe",),
    "吉安市": ("Ji'an",),
    "六安市": ("Lu'an",),
    "昌都市": ("Qamdo", "Changdu"),
    "日喀则市": ("Shigatse",),
    "拉萨市": ("Lhasa",),
    "呼和浩特市": ("Hohhot",),
    "鄂尔多斯市": ("Ordos",),
    "哈尔滨市": ("Harbin",),
    "西安市": ("Xi'an",),
    "呼伦贝尔市": ("Hulunbuir",),
    "巴彦淖尔市": ("Bayannur",),
    "乌兰察布市": ("Ulanqab",),
    "锡林郭勒盟": ("Xilingol",),
    "阿拉善盟": ("Alxa",),
    "林芝市": ("Nyingchi",),
    "齐齐哈尔市": ("Qiqihar",),
    "吕梁市": ("Luliang",),
}
# Chinese short prefecture names and pinyin that are everyday words, brands or street names everywhere
# (中山路, 大理石 marble, 白银 silver, 长治久安 ...): they name another province only with their suffix
# (中山市, "Datong City"). The pinyin list also holds machine pinyin that is wrong (Zhangzhi for 长治,
# Tahe for 漯河).
OTHER_ZH_SHORT_SKIP: frozenset[str] = frozenset(
    ["朝阳", "中山", "大同", "白山", "黄山", "吉安", "安康", "白银", "金昌", "长治", "大庆", "永州", "宜春", "三明", "红河", "文山", "大理", "丽水", "黄石", "十堰", "普洱", "海北", "海东", "海西", "黄南", "玉树", "中卫", "吴忠", "新余", "长春", "阳江", "通化", "六安", "兴安", "阿里", "阿坝", "德宏", "海南", "云浮", "常德", "东营", "信阳", "南平", "阳泉", "金华", "北海", "天水", "宁德", "江门", "龙岩"]
)
OTHER_LATIN_SKIP: frozenset[str] = frozenset(
    ["ali", "aba", "xian", "jian", "luan", "dali", "puer", "tahe", "zhangzhi", "zhaoyang", "changdou", "lasa", "baicheng", "zhongshan", "dongfang", "ankang", "honghe", "xingan", "wuwei", "yulin", "datong", "baiyin", "jinchang", "chaoyang", "huangshan", "baishan", "sanming", "daqing", "changde", "qitaihe", "hainan", "tongren", "jinhua", "beihai", "tianshui", "ningde", "jiangmen", "longyan"]
)

# Countries other than China, and a few big foreign cities, named inside an address: then only explicit
# evidence counts (unless the text also names China or the ``country`` argument says China).
FOREIGN_COUNTRIES_LATIN: tuple[str, ...] = (
    "Vietnam",
    "Viet Nam",
    "United States",
    "USA",
    "U.S.A",
    "America",
    "Canada",
    "Mexico",
    "India",
    "Singapore",
    "Malaysia",
    "Thailand",
    "Indonesia",
    "Philippines",
    "Japan",
    "Korea",
    "Kazakhstan",
    "Kyrgyzstan",
    "Uzbekistan",
    "Tajikistan",
    "Turkmenistan",
    "Mongolia",
    "Pakistan",
    "Bangladesh",
    "Cambodia",
    "Myanmar",
    "Sri Lanka",
    "Turkey",
    "Turkiye",
    "Russia",
    "Russian Federation",
    "Germany",
    "France",
    "Italy",
    "Spain",
    "United Kingdom",
    "England",
    "Netherlands",
    "Brazil",
    "Australia",
    "Ethiopia",
    "Egypt",
    "United Arab Emirates",
    "Dubai",
    "Iran",
    "Afghanistan",
    "Nepal",
    "Laos",
    "Belarus",
    "Ukraine",
    "Poland",
    # big cities abroad whose streets are named after XUAR places or that trade with the XUAR
    "Hanoi",
    "Ha Noi",
    "Ho Chi Minh",
    "Saigon",
    "Haiphong",
    "Bangkok",
    "Jakarta",
    "Kuala Lumpur",
    "Manila",
    "Almaty",
    "Astana",
    "Bishkek",
    "Tashkent",
    "Dushanbe",
    "Islamabad",
    "Karachi",
    "Lahore",
    "Dhaka",
    "Istanbul",
    "Moscow",
    "Tokyo",
    "Osaka",
    "Seoul",
    "Busan",
    "New York",
    "Los Angeles",
)
FOREIGN_COUNTRIES_ZH: tuple[str, ...] = (
    "越南",
    "美国",
    "加拿大",
    "墨西哥",
    "印度",
    "新加坡",
    "马来西亚",
    "泰国",
    "印度尼西亚",
    "菲律宾",
    "日本",
    "韩国",
    "哈萨克斯坦",
    "吉尔吉斯斯坦",
    "乌兹别克斯坦",
    "塔吉克斯坦",
    "蒙古国",
    "巴基斯坦",
    "孟加拉",
    "柬埔寨",
    "缅甸",
    "土耳其",
    "俄罗斯",
    "德国",
    "法国",
    "意大利",
    "西班牙",
    "英国",
    "荷兰",
    "巴西",
    "澳大利亚",
    "东京",
    "大阪",
    "横浜",
    "横滨",
    "名古屋",
    "札幌",
    "首尔",
    "釜山",
)
# Values of the ``country`` argument that mean China (mainland) or "unknown".
CHINA_COUNTRY: frozenset[str] = frozenset(
    ["cn", "chn", "china", "prc", "mainland", "chinamainland", "mainlandchina", "peoplesrepublicofchina", "thepeoplesrepublicofchina", "中国", "中华人民共和国", "中國", "中國大陸", "中国大陆", "xinjiang", "xuar", "新疆"]
)
UNKNOWN_COUNTRY: frozenset[str] = frozenset(
    ["", "-", "na", "n/a", "none", "null", "unknown", "?", "nan", "xx"]
)

# XPCC divisions without a city of their own in the gazetteer's xpcc_division column: the 11th (construction)
# and the 12th division, both seated in Urumqi. number -> code of the seat.
XPCC_DIVISION_EXTRA: dict[int, str] = {11: "6501", 12: "6501"}

ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
}
PINYIN_NUMBERS: dict[str, int] = {
    "yi": 1,
    "er": 2,
    "san": 3,
    "si": 4,
    "wu": 5,
    "liu": 6,
    "qi": 7,
    "ba": 8,
    "jiu": 9,
    "shi": 10,
    "shiyi": 11,
    "shier": 12,
    "shisan": 13,
    "shisi": 14,
}
