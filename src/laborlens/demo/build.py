"""Build the demo supply graph: parties by sector, stage and stream; links; planted parties; shipments.

Each sector is split into "streams" (groups of suppliers that mostly trade among themselves, as real
supplier networks do) so that taint reaches some exporters and not others; a few cross-stream links leak
it further. Only some streams get taint sources; decoys go where no taint reaches, so a false positive on a
decoy shows up as a wrongly flagged shipment.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass, field

from laborlens.demo.catalog import (
    ABROAD,
    CN_PLACES,
    ENGLISH_WORDS,
    FRAMES,
    IMPORTERS,
    NAME_WORDS,
    ROADS,
    SECTORS,
    VIETNAMESE_WORDS,
    Product,
    Sector,
    Stage,
)
from laborlens.demo.planted import Planted

TRADE_WORDS = (("贸易", "Trading"), ("国际贸易", "International Trade"), ("供应链", "Supply Chain"))
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PROVINCES = ("11", "12", "13", "14", "15", "21", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
              "45", "50", "51", "52", "53", "61", "62", "64")
_VI = {"Cotton Spinning": "Sợi", "Textile": "Dệt may", "Knitting": "Dệt kim", "Weaving": "Dệt",
       "Dyeing and Finishing": "Nhuộm", "Garment": "May mặc", "Apparel": "May", "Semiconductor": "Bán dẫn",
       "New Energy": "Năng lượng mới", "Solar Energy": "Năng lượng mặt trời", "Photovoltaic": "Quang điện",
       "Energy Technology": "Công nghệ năng lượng", "Aluminum Products": "Nhôm", "Metal Products": "Kim loại",
       "Foods": "Thực phẩm", "Condiments": "Gia vị", "Trading": "Thương mại"}


@dataclass(eq=False)
class Node:
    """A party under construction (identity by object, ids assigned at the end)."""

    sector: str
    stage: str
    stage_index: int
    stream: int
    role: str  # producer | trader | exporter_trader | importer
    product: Product
    input_materials: tuple[str, ...] = ()
    factor: float | None = None
    raw_range: tuple[float, float] = (0.0, 0.0)
    country: str = "CN"
    name: str = ""
    address: str = ""
    name_local: str = ""
    registration_id: str = ""
    id: str = ""
    planted: Planted | None = None
    decoy: Planted | None = None
    anomaly: float = 1.0
    output: float = 0.0
    withholds: bool = False  # gives no suppliers: its inbound links exist (volumes) but are not in the files


@dataclass(eq=False)
class Edge:
    supplier: Node
    buyer: Node
    material: str
    hts: str
    unit: str
    quantity: float = 0.0
    date: str = ""
    document: str = ""
    hidden: bool = False  # the buyer does not disclose this supplier (left out of links.csv)


@dataclass(eq=False)
class Ship:
    exporter: Node
    importer: Node
    product: Product
    quantity: float = 0.0
    entry_date: str = ""
    id: str = ""


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    ships: list[Ship] = field(default_factory=list)
    importers: dict[str, Node] = field(default_factory=dict)
    tainted_streams: dict[str, list[int]] = field(default_factory=dict)
    pairs: set[tuple[int, int]] = field(default_factory=set)

    @property
    def visible(self) -> list[Edge]:
        """The links written to links.csv (what screening sees)."""
        return [e for e in self.edges if not e.hidden]

    def stage(self, sector: str, stage: str) -> list[Node]:
        return [n for n in self.nodes if n.sector == sector and n.stage == stage]

    def link(self, supplier: Node, buyer: Node) -> None:
        if supplier is buyer or (id(supplier), id(buyer)) in self.pairs:
            return
        self.pairs.add((id(supplier), id(buyer)))
        p = supplier.product
        self.edges.append(Edge(supplier, buyer, p.material, p.hts, p.unit))

    def downstream(self, starts: list[Node], reverse: bool = False) -> set[int]:
        """Object ids of every node reachable from ``starts`` along links (upstream if ``reverse``),
        starts included."""
        nxt: dict[int, list[Node]] = {}
        for e in self.visible:
            a, b = (e.buyer, e.supplier) if reverse else (e.supplier, e.buyer)
            nxt.setdefault(id(a), []).append(b)
        seen = {id(n) for n in starts}
        todo = list(starts)
        while todo:
            for b in nxt.get(id(todo.pop()), []):
                if id(b) not in seen:
                    seen.add(id(b))
                    todo.append(b)
        return seen

    def upstream(self, starts: list[Node]) -> set[int]:
        return self.downstream(starts, reverse=True)


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def pick(rng: random.Random, nodes: list[Node], stream: int, p_same: float = 1.0) -> Node:
    same = [n for n in nodes if n.stream == stream]
    return rng.choice(same) if same and rng.random() < p_same else rng.choice(nodes)


class Namer:
    """Fictional but plausible company names and addresses, unique within one demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def unique(self, make) -> tuple[str, ...]:
        """Try simple names first, then two-word trade names, then numbered ones (large scales)."""
        for attempt in range(400):
            out = make(attempt)
            if not any(name in self.used for name in out):
                self.used.update(out)
                return out
        raise RuntimeError("ran out of demo names")  # pragma: no cover

    def word(self, attempt: int) -> tuple[str, str]:
        (z1, e1), (z2, e2) = self.rng.choice(NAME_WORDS), self.rng.choice(NAME_WORDS)
        if attempt < 20:
            return z1, e1
        if attempt < 200:
            return z1 + z2, e1 + e2.lower()
        k = self.rng.randint(2, 99)
        return f"{z1}{z2}{k}", f"{e1}{e2.lower()} {k}"

    def cn(self, node: Node, industries: tuple[tuple[str, str], ...]) -> None:
        rng = self.rng
        prov_zh, city_zh, dist_zh, prov_en, city_en, dist_en = rng.choice(CN_PLACES[node.sector])
        ind_zh, ind_en = rng.choice(industries)
        short = city_zh[:2] if city_zh.endswith("自治州") else city_zh.removesuffix("市")

        def make(attempt: int) -> tuple[str, str]:
            w_zh, w_en = self.word(attempt)
            return f"{city_en} {w_en} {ind_en} Co., Ltd.", f"{short}{w_zh}{ind_zh}有限公司"

        en, zh = self.unique(make)
        road_zh, road_en = rng.choice(ROADS)
        n = rng.randint(1, 988)
        zh_addr = f"{prov_zh}{'' if prov_zh == city_zh else city_zh}{dist_zh}{road_zh}{n}号"
        en_addr = f"No. {n} {road_en}, {dist_en}, {city_en}" + ("" if prov_en == city_en else f", {prov_en}")
        style = rng.random()
        if style < 0.4:
            node.name, node.name_local, node.address = en, zh, en_addr
        elif style < 0.65:
            node.name, node.address = zh, zh_addr
        elif style < 0.8:
            node.name = en.upper().replace(",", "").replace(".", "")
            node.address = en_addr.upper().replace(",", "").replace(".", "")
        else:
            node.name, node.name_local, node.address = en, zh, zh_addr
        if rng.random() < 0.6:
            # unified social credit code: 91 + a division code outside the XUAR (65xxxx) + 10 characters
            node.registration_id = f"91{rng.choice(_PROVINCES)}{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}" + \
                "".join(rng.choice(_USCC) for _ in range(10))

    def abroad(self, node: Node, industries: tuple[tuple[str, str], ...]) -> None:
        rng = self.rng
        templates, suffix = ABROAD[node.country]
        _, ind_en = rng.choice(industries)

        def make(attempt: int) -> tuple[str]:
            if node.country == "VN" and rng.random() < 0.5 and attempt < 20:
                return (f"Công ty TNHH {_VI.get(ind_en, 'Sản xuất')} {rng.choice(VIETNAMESE_WORDS)}",)
            asian_owned = node.country in ("VN", "MY", "KH", "HK") and rng.random() < 0.5
            word = self.word(attempt)[1]
            if not asian_owned:
                word = rng.choice(ENGLISH_WORDS) + ("" if attempt < 20 else f" {word}")
            return (f"{word} {ind_en} {suffix}",)

        node.name = self.unique(make)[0]
        node.address = rng.choice(templates).format(n=rng.randint(1, 240))
        if node.country == "VN":
            node.registration_id = str(rng.randint(10**9, 10**10 - 1))

    def identity(self, node: Node, industries: tuple[tuple[str, str], ...]) -> None:
        (self.cn if node.country == "CN" else self.abroad)(node, industries)


def _add_parties(g: Graph, rng: random.Random, namer: Namer, sector: Sector, scale: int) -> None:
    streams = sector.streams * scale
    k = max(1, round(streams * 0.4))
    g.tainted_streams[sector.key] = sorted(rng.sample(range(streams), k))
    prev: Stage | None = None
    for i, stage in enumerate(sector.stages):
        inputs = tuple(p.material for p in prev.products) if prev else ()
        for j in range(stage.count * scale):
            n = Node(sector.key, stage.key, i, j % streams, "producer", rng.choice(stage.products), inputs,
                     stage.factor, stage.raw_range, weighted(rng, stage.countries))
            namer.identity(n, stage.industries)
            g.nodes.append(n)
        for j in range(stage.traders * scale):
            p = stage.products[0]
            n = Node(sector.key, f"{stage.key}_trader", i, j % streams, "trader", p, (p.material,), 1.0,
                     country=weighted(rng, stage.trader_countries))
            namer.identity(n, TRADE_WORDS)
            g.nodes.append(n)
        prev = stage
    last = sector.stages[-1]
    finals = g.stage(sector.key, last.key)
    for j in range(sector.exporter_traders * scale):
        stream = j % streams
        p = pick(rng, finals, stream, 1.0).product
        n = Node(sector.key, f"{last.key}_exporter", len(sector.stages), stream, "exporter_trader", p,
                 (p.material,), 1.0, country=weighted(rng, (("HK", 0.7), ("CN", 0.3))))
        namer.identity(n, TRADE_WORDS)
        g.nodes.append(n)


def _add_links(g: Graph, rng: random.Random, sector: Sector, scale: int) -> None:
    for i in range(1, len(sector.stages)):
        up_key, key = sector.stages[i - 1].key, sector.stages[i].key
        ups, buyers = g.stage(sector.key, up_key), g.stage(sector.key, key)
        traders = g.stage(sector.key, f"{up_key}_trader")
        for t in traders:
            for _ in range(rng.randint(2, 3)):
                g.link(pick(rng, ups, t.stream), t)
        for b in buyers:
            near = [t for t in traders if t.stream == b.stream]
            for _ in range(rng.choice((1, 2, 2, 3))):
                g.link(rng.choice(near) if near and rng.random() < 0.3 else pick(rng, ups, b.stream), b)
        for _ in range(scale):  # a little trade across streams, so taint is not neatly fenced in
            b = rng.choice(buyers)
            g.link(rng.choice([u for u in ups if u.stream != b.stream] or ups), b)
        sellers = {id(e.supplier) for e in g.edges}
        for u in ups + traders:
            if id(u) not in sellers:
                g.link(u, pick(rng, buyers, u.stream, 1.0))
    last = sector.stages[-1].key
    finals, exporters = g.stage(sector.key, last), g.stage(sector.key, f"{last}_exporter")
    for e in exporters:  # each sourcing agent buys one product, from makers of that product
        same = [f for f in finals if f.product == e.product]
        g.link(pick(rng, same, e.stream, 1.0), e)
    for f in finals:
        same = [e for e in exporters if e.product == f.product]
        if same and rng.random() < 0.35 and not any(x.supplier is f for x in g.edges):
            g.link(f, pick(rng, same, f.stream))


def _place(g: Graph, rng: random.Random, spec: Planted, streams: list[int], name: str | None = None) -> Node:
    """Give a taint spec's identity to an ordinary party of its stage, preferably in a tainted stream."""
    pool = [n for n in g.stage(spec.sector, spec.stage) if n.planted is None and n.decoy is None
            and n.stream in streams]
    if not pool:
        pool = [n for n in g.stage(spec.sector, spec.stage) if n.planted is None and n.decoy is None]
    node = rng.choice(pool)
    node.name, node.address, node.name_local = name or spec.name, spec.address, spec.name_local
    node.country, node.registration_id = spec.country, ""
    return node


def build_graph(seed: int, scale: int, listed: tuple[Planted, ...], xuar: tuple[Planted, ...],
                decoys: tuple[Planted, ...]) -> Graph:
    """The whole demo graph, quantities excluded (see :mod:`laborlens.demo.flows`)."""
    rng = random.Random(seed)
    g, namer = Graph(), Namer(rng)
    namer.used.update(p.name for p in (*listed, *xuar, *decoys))
    for imp_id, imp_name, imp_address in IMPORTERS:
        g.importers[imp_id] = Node("", "importer", 99, 0, "importer", Product("", "", "", ""), country="US",
                                   name=imp_name, address=imp_address, id=imp_id)
    for sector in SECTORS:
        _add_parties(g, rng, namer, sector, scale)
    for spec in listed:
        _place(g, rng, spec, g.tainted_streams[spec.sector]).planted = spec
    for copy in range(scale):
        for spec in xuar:
            other = namer.unique(lambda a: (_variant_name(namer, spec.name, a),))[0] if copy else None  # noqa: B023
            _place(g, rng, spec, g.tainted_streams[spec.sector], other).planted = spec
    for sector in SECTORS:
        _add_links(g, rng, sector, scale)
    _add_frames(g, rng)
    reach = g.downstream([n for n in g.nodes if n.planted])
    _add_shipments(g, rng, scale)
    feeds_clean = g.upstream([s.exporter for s in g.ships if id(s.exporter) not in reach])
    for copy in range(scale):
        for spec in decoys:
            ok = [n for n in g.stage(spec.sector, spec.stage) if id(n) not in reach and n.planted is None
                  and n.decoy is None and id(n) in feeds_clean]
            if ok:
                node = rng.choice(ok)
                node.name, node.address, node.name_local = spec.name, spec.address, spec.name_local
                node.country, node.registration_id = spec.country, ""
                if copy:
                    node.name = f"{spec.name.split(' (')[0].removesuffix(' Co., Ltd.')} No. {copy + 1} Co., Ltd."
                node.decoy = spec
    for sector_key, stage_key, country in (("apparel", "yarn", "VN"), ("solar", "module", "MY")):
        # prefer an untainted party in a transshipment hub, so the anomaly alone decides its shipments
        ok = [n for n in g.stage(sector_key, stage_key) if not n.planted and not n.decoy]
        clean = [n for n in ok if id(n) not in reach]
        node = rng.choice([n for n in clean if n.country == country] or clean or ok)
        node.anomaly = round(rng.uniform(1.8, 2.3), 2)
    _withhold_suppliers(g, random.Random(seed * 7717 + 5), scale)
    return g


# (sector, stage) of the parties that give no suppliers: a spinner, a wafer maker, a frame or cookware
# maker, a paste trader. Their chains stop short of the raw material, which screening must name.
WITHHOLDING: tuple[tuple[str, str], ...] = (("apparel", "yarn"), ("solar", "wafer"),
                                            ("aluminum", "aluminum_products"), ("tomato", "tomato_paste_trader"))


def _withhold_suppliers(g: Graph, rng: random.Random, scale: int) -> None:
    """Hide the inbound links of a few clean parties (not downstream of taint, no planted anomaly or decoy
    among them or upstream of them) that feed a shipment: their goods' chains are not traced to origin."""
    reach = g.downstream([n for n in g.nodes if n.planted])
    feeds = g.upstream([s.exporter for s in g.ships])
    feeds_clean = g.upstream([s.exporter for s in g.ships if id(s.exporter) not in reach])
    marked = {id(n) for n in g.nodes if n.decoy or n.anomaly != 1.0}
    for sector, stage in WITHHOLDING:
        pool = [n for n in g.stage(sector, stage) if id(n) not in reach and id(n) in feeds and not n.planted
                and not n.decoy and n.anomaly == 1.0 and any(e.buyer is n for e in g.edges)
                and not (g.upstream([n]) & marked)]
        # prefer parties that feed an untainted shipment, so that the gap alone decides its verdict
        pool = [n for n in pool if id(n) in feeds_clean] or pool
        for n in rng.sample(pool, min(len(pool), scale)):
            n.withholds = True
            for e in g.edges:
                if e.buyer is n:
                    e.hidden = True


def _variant_name(namer: Namer, name: str, attempt: int) -> str:
    """Another company at the same XUAR place, for scale > 1: add a different trade-name word."""
    w_zh, w_en = namer.word(attempt)
    words = name.split()
    if len(words) > 2:
        return " ".join([words[0], w_en, *words[1:]])
    return f"{w_zh}{name}"


def _add_frames(g: Graph, rng: random.Random) -> None:
    """Aluminum frames into solar modules: UFLPA reaches goods made 'wholly or in part' in the XUAR, so
    taint can cross sectors. One frame maker downstream of taint, one not."""
    reach = g.downstream([n for n in g.nodes if n.planted])
    makers = g.stage("aluminum", "aluminum_products")
    unsold = [m for m in makers if not any(e.supplier is m for e in g.edges)]
    tainted = [m for m in unsold if id(m) in reach]
    clean = [m for m in unsold if id(m) not in reach]
    modules = [m for m in g.stage("solar", "module") if id(m) not in reach]
    for pool in (tainted, clean):
        if pool and modules:
            maker = rng.choice(pool)
            maker.product = FRAMES
            for _ in range(rng.randint(1, 2)):
                g.link(maker, rng.choice(modules))


def _add_shipments(g: Graph, rng: random.Random, scale: int) -> None:
    sellers = {id(e.supplier) for e in g.edges}
    for sector in SECTORS:
        last = sector.stages[-1].key
        exporters = [n for n in g.stage(sector.key, last) if id(n) not in sellers]
        exporters += g.stage(sector.key, f"{last}_exporter")
        for ex in exporters:
            for _ in range(2 if rng.random() < 0.15 else 1):
                g.ships.append(Ship(ex, g.importers[rng.choice(sector.importers)], ex.product))
        if sector.direct_exports:  # e.g. paste in drums for an importer's own sauce plant
            pool = g.stage(sector.key, sector.direct_exports)
            for ex in rng.sample(pool, min(len(pool), 2 * scale)):
                g.ships.append(Ship(ex, g.importers[sector.importers[0]], ex.product))


def floor_to(value: float, unit: str) -> float:
    return math.floor(value * 100) / 100 if unit == "t" else float(math.floor(value))


def random_document(rng: random.Random, supplier: Node, buyer: Node, date: str) -> str:
    if rng.random() < 0.08:
        return ""
    year = date[:4]
    if supplier.country != buyer.country:
        carrier = rng.choice(("COSU", "MAEU", "ONEY", "EGLV", "HLCU"))
        doc = f"BL {carrier}{rng.randint(10**9, 10**10 - 1)}"
        if rng.random() < 0.4:
            doc += f"; CO {supplier.country}-{year}-{rng.randint(1, 999999):06d}"
        return doc
    if rng.random() < 0.5:
        return f"INV-{year}-{rng.randint(1, 99999):05d}"
    return f"FP {rng.randint(10**7, 10**8 - 1)} {''.join(rng.choice(string.digits) for _ in range(8))}"
