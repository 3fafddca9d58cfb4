"""The built-in material input map for the UFLPA high-priority sectors, kept as plain data.

Why data and not code: reviewers (trade, customs, sourcing staff) should be able to read and correct the map
without reading the algorithm, and a bom.csv extends it with the same shape of rows.

Each edge is ``(input, output, factor)``. ``factor`` is the indicative mass of output one unit of input can
yield (yarn from cotton ~0.9). It serves the mass balance only; tracing uses the edge whatever the factor:

* a float > 0: a mass-carrying input;
* ``0.0``: an auxiliary input (reductant, reagent, thread): it taints the output ("wholly *or in part*")
  but yields no output mass, so buying it cannot explain shipped volumes;
* ``None``: a real input whose mass is not comparable with the output's (cells in a module, resin in filled
  flooring): the mass balance skips outputs that depend on it rather than guessing.

The factors are rough orders of magnitude for screening, not engineering yields; a bom.csv ``ratio``
overrides them for a given pair.
"""

from __future__ import annotations

# Sector keys -> the sector labels of refdata/data/uflpa_high_priority_sectors.csv (a test checks they match).
SECTOR_LABELS: dict[str, str] = {
    "apparel": "Apparel",
    "cotton": "Cotton and cotton products",
    "silica": "Silica-based products (incl. polysilicon; downstream solar)",
    "tomato": "Tomatoes and downstream products",
    "aluminum": "Aluminum",
    "pvc": "Polyvinyl chloride (PVC)",
    "seafood": "Seafood",
    "steel": "Steel",
    "copper": "Copper",
    "lithium": "Lithium",
    "caustic_soda": "Caustic soda",
    "red_dates": "Red dates (jujubes)",
}

# Canonical material -> sector keys. Every material used in EDGES must be listed here.
MATERIALS: dict[str, tuple[str, ...]] = {
    # cotton and apparel
    "seed cotton": ("cotton",), "cotton": ("cotton",), "cotton yarn": ("cotton",), "thread": ("cotton",),
    "greige fabric": ("cotton",), "fabric": ("cotton",), "denim": ("cotton",),
    "home textile": ("cotton",), "garment": ("apparel", "cotton"),
    # silica and solar
    "quartzite": ("silica",), "metallurgical grade silicon": ("silica",), "polysilicon": ("silica",),
    "silicon ingot": ("silica",), "silicon wafer": ("silica",), "solar cell": ("silica",),
    "solar module": ("silica",), "solar glass": ("silica",), "silicone": ("silica",),
    "ferrosilicon": ("silica", "steel"),
    # aluminum
    "bauxite": ("aluminum",), "alumina": ("aluminum",), "aluminum": ("aluminum",),
    "aluminum scrap": ("aluminum",), "aluminum extrusion": ("aluminum",), "aluminum foil": ("aluminum",),
    "aluminum sheet": ("aluminum",), "aluminum wire": ("aluminum",), "aluminum casting": ("aluminum",),
    "aluminum product": ("aluminum",),
    # PVC and the chlor-alkali / carbide chain
    "coal": (), "coke": ("steel",), "limestone": (), "calcium carbide": ("pvc",), "salt": ("caustic_soda",),
    "chlorine": ("pvc",), "caustic soda": ("caustic_soda",), "ethylene": (),
    "vinyl chloride monomer": ("pvc",), "pvc resin": ("pvc",), "pvc flooring": ("pvc",),
    "pvc pipe": ("pvc",), "pvc film": ("pvc",), "pvc product": ("pvc",),
    # tomatoes
    "tomato": ("tomato",), "tomato paste": ("tomato",), "ketchup": ("tomato",),
    "tomato sauce": ("tomato",), "canned tomato": ("tomato",), "tomato powder": ("tomato",),
    # lithium-ion batteries
    "lithium ore": ("lithium",), "lithium carbonate": ("lithium",), "lithium hydroxide": ("lithium",),
    "nickel": (), "cobalt": (), "graphite": (), "cathode material": ("lithium",),
    "anode material": ("lithium",), "electrolyte": ("lithium",), "battery cell": ("lithium",),
    "lithium ion battery": ("lithium",),
    # steel
    "iron ore": ("steel",), "pig iron": ("steel",), "steel scrap": ("steel",), "steel": ("steel",),
    "steel product": ("steel",),
    # copper
    "copper ore": ("copper",), "copper scrap": ("copper",), "refined copper": ("copper",),
    "copper wire": ("copper",), "copper foil": ("copper",), "copper product": ("copper",), "cable": (),
    # red dates
    "red date": ("red_dates",), "jujube product": ("red_dates",),
    # seafood
    "fish": ("seafood",), "shrimp": ("seafood",), "squid": ("seafood",), "seafood": ("seafood",),
    "frozen fish": ("seafood",), "fish fillet": ("seafood",), "canned fish": ("seafood",),
    "fish meal": ("seafood",), "processed seafood": ("seafood",),
}

EDGES: tuple[tuple[str, str, float | None], ...] = (
    # cotton: gin -> spinner -> weaver/knitter -> dyer -> cut-make-trim
    ("seed cotton", "cotton", 0.35), ("cotton", "cotton yarn", 0.9), ("cotton yarn", "thread", 0.98),
    ("cotton yarn", "greige fabric", 0.95), ("cotton yarn", "fabric", 0.93), ("cotton yarn", "denim", 0.93),
    ("cotton yarn", "home textile", 0.9), ("cotton yarn", "garment", 0.85),
    ("greige fabric", "fabric", 0.95), ("greige fabric", "home textile", 0.9),
    ("fabric", "garment", 0.8), ("fabric", "home textile", 0.9), ("denim", "garment", 0.8),
    ("thread", "garment", 0.0), ("thread", "home textile", 0.0),
    # silica: smelter (quartzite + coal) -> polysilicon -> ingot -> wafer -> cell -> module
    ("quartzite", "metallurgical grade silicon", 0.4), ("coal", "metallurgical grade silicon", 0.0),
    ("metallurgical grade silicon", "polysilicon", 0.85), ("metallurgical grade silicon", "silicone", 2.5),
    ("polysilicon", "silicon ingot", 0.9), ("silicon ingot", "silicon wafer", 0.6),
    ("silicon wafer", "solar cell", 1.0), ("solar cell", "solar module", None),
    # inputs that are not the main material but still carry taint (no mass balance: factor 0)
    ("metallurgical grade silicon", "aluminum casting", 0.0), ("caustic soda", "fabric", 0.0),
    ("copper wire", "solar module", 0.0), ("silicone", "solar module", 0.0),
    ("quartzite", "solar glass", None), ("solar glass", "solar module", None),
    ("aluminum extrusion", "solar module", None),
    ("quartzite", "ferrosilicon", 0.5), ("coal", "ferrosilicon", 0.0),
    # aluminum: Bayer refinery (bauxite + caustic soda) -> smelter -> semis
    ("bauxite", "alumina", 0.5), ("caustic soda", "alumina", 0.0), ("alumina", "aluminum", 0.53),
    ("aluminum scrap", "aluminum", 0.9), ("aluminum", "aluminum extrusion", 0.95),
    ("aluminum", "aluminum foil", 0.9), ("aluminum", "aluminum sheet", 0.95), ("aluminum",
    "aluminum wire", 0.95),
    ("aluminum", "aluminum casting", 0.95), ("aluminum", "aluminum product", 0.9),
    ("aluminum sheet", "aluminum foil", 0.95), ("aluminum sheet", "aluminum product", 0.9),
    ("aluminum extrusion", "aluminum product", 0.95), ("aluminum casting", "aluminum product", 0.95),
    ("aluminum wire", "cable", None),
    # PVC: the calcium-carbide route dominates in the XUAR (coal + limestone + salt)
    ("coal", "coke", 0.75), ("coke", "calcium carbide", None), ("limestone", "calcium carbide", None),
    ("salt", "chlorine", None), ("salt", "caustic soda", None),
    ("calcium carbide", "vinyl chloride monomer", None), ("chlorine", "vinyl chloride monomer", None),
    ("ethylene", "vinyl chloride monomer", None), ("vinyl chloride monomer", "pvc resin", 0.98),
    ("pvc resin", "pvc flooring", None), ("pvc resin", "pvc pipe", None), ("pvc resin", "pvc film", None),
    ("pvc resin", "pvc product", None),
    # tomatoes: fresh -> paste (about 6 kg per kg) -> diluted sauces
    ("tomato", "tomato paste", 0.16), ("tomato", "canned tomato", 0.9), ("tomato", "tomato sauce", 0.8),
    ("tomato", "tomato powder", 0.06), ("tomato paste", "ketchup", 3.0), ("tomato paste",
    "tomato sauce", 3.0),
    ("tomato paste", "canned tomato", None),
    # lithium-ion batteries
    ("lithium ore", "lithium carbonate", 0.12), ("lithium ore", "lithium hydroxide", 0.13),
    ("lithium carbonate", "lithium hydroxide", None), ("lithium carbonate", "cathode material", None),
    ("lithium hydroxide", "cathode material", None), ("nickel", "cathode material", None),
    ("cobalt", "cathode material", None), ("lithium carbonate", "electrolyte", None),
    ("graphite", "anode material", 0.9), ("cathode material", "battery cell", None),
    ("anode material", "battery cell", None), ("electrolyte", "battery cell", None),
    ("copper foil", "battery cell", None), ("aluminum foil", "battery cell", None),
    ("battery cell", "lithium ion battery", None),
    # steel: blast furnace (iron ore + coke) or scrap -> steel -> products; ferrosilicon as alloying agent
    ("iron ore", "pig iron", 0.6), ("coke", "pig iron", 0.0), ("pig iron", "steel", 0.9),
    ("steel scrap", "steel", 0.9), ("ferrosilicon", "steel", 0.0), ("steel", "steel product", 0.95),
    # copper
    ("copper ore", "refined copper", 0.25), ("copper scrap", "refined copper", 0.9),
    ("refined copper", "copper wire", 0.98), ("refined copper", "copper foil", 0.95),
    ("refined copper", "copper product", 0.95), ("copper wire", "cable", None),
    # red dates
    ("red date", "jujube product", None),
    # seafood: catch -> (often frozen, shipped to processing plants) -> fillets, cans, meal
    ("fish", "frozen fish", 1.0), ("fish", "fish fillet", 0.4), ("fish", "canned fish", 0.6),
    ("fish", "fish meal", 0.22), ("fish", "processed seafood", None), ("frozen fish", "fish fillet", 0.4),
    ("frozen fish", "canned fish", 0.6), ("frozen fish", "processed seafood", None),
    ("shrimp", "processed seafood", 0.6), ("squid", "processed seafood", 0.7),
    ("seafood", "processed seafood", None),
)

# Materials that farms and mines produce although the map knows an input (a farm sells "cotton" too).
RAW_ALSO: frozenset[str] = frozenset({"cotton"})

# Where tracing to origin may stop although the map knows inputs: the point CBP's guidance asks importers to
# reach for the sector (aluminum: the smelter; its alumina and bauxite are still traced when given).
# Raw materials (cotton lint from the gin, quartzite, bauxite, tomatoes from the grower) are origins too.
ORIGIN_ALSO: frozenset[str] = frozenset({"aluminum"})

# Whole-word spelling variants, applied after singularisation.
WORD_VARIANTS: dict[str, str] = {
    "aluminium": "aluminum", "fibre": "fiber", "grey": "gray", "colour": "color", "tinned": "canned",
}

# Phrase synonyms -> canonical material. Keys are normalised on load, so plurals, case, hyphens and spaces
# do not matter here ("PV modules" == "pv-module" == "pv module").
SYNONYMS: dict[str, str] = {
    # cotton
    "unginned cotton": "seed cotton", "raw seed cotton": "seed cotton", "籽棉": "seed cotton",
    "raw cotton": "cotton", "cotton lint": "cotton", "ginned cotton": "cotton",
    "cotton fiber": "cotton", "lint cotton": "cotton", "棉花": "cotton", "皮棉": "cotton",
    "yarn": "cotton yarn", "spun yarn": "cotton yarn", "combed yarn": "cotton yarn",
    "carded yarn": "cotton yarn", "cotton spun yarn": "cotton yarn", "棉纱": "cotton yarn",
    "sewing thread": "thread", "cotton thread": "thread",
    "greige": "greige fabric", "gray fabric": "greige fabric", "gray cloth": "greige fabric",
    "greige cloth": "greige fabric", "loomstate fabric": "greige fabric", "坯布": "greige fabric",
    "cotton fabric": "fabric", "woven fabric": "fabric", "knit fabric": "fabric", "knitted fabric": "fabric",
    "finished fabric": "fabric", "dyed fabric": "fabric", "printed fabric": "fabric", "textile": "fabric",
    "cloth": "fabric", "textile fabric": "fabric", "面料": "fabric", "布": "fabric",
    "denim fabric": "denim",
    "apparel": "garment", "clothing": "garment", "clothes": "garment", "t shirt": "garment",
    "shirt": "garment", "jeans": "garment", "jean": "garment", "trouser": "garment", "pant": "garment",
    "dress": "garment", "knitwear": "garment", "sweater": "garment", "hoodie": "garment",
    "sweatshirt": "garment", "polo shirt": "garment", "aluminum cookware": "aluminum product",
    "jacket": "garment", "sock": "garment", "underwear": "garment", "wearing apparel": "garment",
    "服装": "garment", "成衣": "garment",
    "bed linen": "home textile", "bedding": "home textile", "bed sheet": "home textile",
    "towel": "home textile", "curtain": "home textile", "made up textile": "home textile",
    # silica and solar
    "quartz": "quartzite", "silica": "quartzite", "silica sand": "quartzite", "quartz sand": "quartzite",
    "silicon dioxide": "quartzite", "石英石": "quartzite", "硅石": "quartzite",
    "metallurgical silicon": "metallurgical grade silicon", "mg silicon": "metallurgical grade silicon",
    "mg si": "metallurgical grade silicon", "silicon metal": "metallurgical grade silicon",
    "metal silicon": "metallurgical grade silicon", "industrial silicon": "metallurgical grade silicon",
    "mgs": "metallurgical grade silicon", "工业硅": "metallurgical grade silicon",
    "金属硅": "metallurgical grade silicon",
    "poly silicon": "polysilicon", "polycrystalline silicon": "polysilicon",
    "solar grade polysilicon": "polysilicon", "solar grade silicon": "polysilicon", "多晶硅": "polysilicon",
    "mono ingot": "silicon ingot", "monocrystalline ingot": "silicon ingot",
    "multicrystalline ingot": "silicon ingot", "硅锭": "silicon ingot", "硅棒": "silicon ingot",
    "solar wafer": "silicon wafer", "硅片": "silicon wafer", "wafer": "silicon wafer",
    "pv wafer": "silicon wafer",
    "pv cell": "solar cell", "photovoltaic cell": "solar cell", "电池片": "solar cell",
    "solar panel": "solar module", "pv module": "solar module", "pv panel": "solar module",
    "photovoltaic module": "solar module", "photovoltaic panel": "solar module",
    "光伏组件": "solar module", "太阳能电池板": "solar module",
    "pv glass": "solar glass", "photovoltaic glass": "solar glass",
    "silicone rubber": "silicone", "organosilicon": "silicone", "有机硅": "silicone",
    "硅铁": "ferrosilicon",
    # aluminum
    "aluminum oxide": "alumina", "氧化铝": "alumina",
    "primary aluminum": "aluminum", "aluminum ingot": "aluminum", "unwrought aluminum": "aluminum",
    "aluminum billet": "aluminum", "aluminum alloy": "aluminum", "电解铝": "aluminum", "铝锭": "aluminum",
    "铝": "aluminum",
    "aluminum profile": "aluminum extrusion", "铝型材": "aluminum extrusion",
    "aluminum frame": "aluminum extrusion",
    "aluminum plate": "aluminum sheet", "aluminum coil": "aluminum sheet", "aluminum strip": "aluminum sheet",
    "aluminum rod": "aluminum wire", "aluminum die casting": "aluminum casting",
    "aluminum wheel": "aluminum casting", "aluminum can": "aluminum product",
    "aluminum part": "aluminum product",
    "铝箔": "aluminum foil",
    # PVC / chemicals
    "thermal coal": "coal", "煤": "coal", "metallurgical coke": "coke", "焦炭": "coke",
    "carbide": "calcium carbide", "电石": "calcium carbide", "sodium chloride": "salt",
    "industrial salt": "salt",
    "sodium hydroxide": "caustic soda", "烧碱": "caustic soda", "vcm": "vinyl chloride monomer",
    "vinyl chloride": "vinyl chloride monomer",
    "pvc": "pvc resin", "polyvinyl chloride": "pvc resin", "polyvinyl chloride resin": "pvc resin",
    "聚氯乙烯": "pvc resin", "vinyl flooring": "pvc flooring", "lvt": "pvc flooring",
    "luxury vinyl tile": "pvc flooring", "spc flooring": "pvc flooring", "vinyl floor": "pvc flooring",
    # tomatoes
    "fresh tomato": "tomato", "processing tomato": "tomato", "番茄": "tomato", "西红柿": "tomato",
    "tomato concentrate": "tomato paste", "tomato ketchup": "ketchup", "番茄酱": "tomato paste", "catsup": "ketchup",
    "pasta sauce": "tomato sauce", "pizza sauce": "tomato sauce", "marinara": "tomato sauce",
    "peeled tomato": "canned tomato", "diced tomato": "canned tomato",
    # lithium
    "spodumene": "lithium ore", "lepidolite": "lithium ore", "lithium brine": "lithium ore",
    "spodumene concentrate": "lithium ore", "碳酸锂": "lithium carbonate", "氢氧化锂": "lithium hydroxide",
    "lfp": "cathode material", "lithium iron phosphate": "cathode material",
    "nmc": "cathode material", "锂电池": "lithium ion battery",
    "li ion battery": "lithium ion battery", "battery pack": "lithium ion battery",
    "lithium battery": "lithium ion battery",
    # steel
    "hot metal": "pig iron", "scrap steel": "steel scrap", "ferrous scrap": "steel scrap",
    "crude steel": "steel", "steel billet": "steel", "钢": "steel", "钢铁": "steel",
    "steel pipe": "steel product", "steel tube": "steel product", "steel wire": "steel product",
    "steel sheet": "steel product", "steel coil": "steel product", "steel plate": "steel product",
    "rebar": "steel product", "steel bar": "steel product", "stainless steel": "steel",
    # copper
    "copper concentrate": "copper ore", "copper cathode": "refined copper",
    "cathode copper": "refined copper",
    "copper": "refined copper", "电解铜": "refined copper", "copper rod": "copper wire",
    "copper tube": "copper product", "copper pipe": "copper product", "copper sheet": "copper product",
    "electric cable": "cable", "wire harness": "cable",
    # red dates
    "jujube": "red date", "chinese date": "red date", "dried jujube": "red date",
    "dried red date": "red date",
    "红枣": "red date", "jujube paste": "jujube product", "date paste": "jujube product",
    # seafood
    "whole fish": "fish", "wild caught fish": "fish", "raw fish": "fish", "prawn": "shrimp",
    "fishery product": "seafood", "frozen seafood": "processed seafood",
    "processed shrimp": "processed seafood",
    "processed squid": "processed seafood", "fish filet": "fish fillet",
    "canned tuna": "canned fish", "fishmeal": "fish meal",
}
