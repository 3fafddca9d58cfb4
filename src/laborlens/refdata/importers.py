"""Read watchlist files into :class:`ParsedEntity` records: plain CSV, CBP's WRO CSV, OpenSanctions'
FollowTheMoney JSON lines and the DHS UFLPA Entity List page saved as HTML.

Each reader is a pure function from a path to records; nothing touches the store, so a bad file is rejected
before anything is written. Errors are :class:`InputError` naming the file, the line and the column, because
the person fixing the file needs to find the spot, not just learn that something is wrong.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from laborlens.errors import BadFile, InputError
from laborlens.ingest.limits import Limits
from laborlens.ingest.textio import loads_json, read_csv
from laborlens.ingest.textio import read_text as _read_text
from laborlens.refdata.bundled import is_wro_scope, split_wro_entities

FORMATS = ("csv", "ftm", "html", "wro")


@dataclass(slots=True)
class ParsedEntity:
    """One entity (or scope rule) read from a list file; ``line`` says where it came from."""

    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    source_id: str = ""
    kind: str = "entity"  # entity | scope
    extra: dict[str, Any] = field(default_factory=dict)
    line: int = 0


def _aliases(name: str, values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip() and v.strip() != name))


def read_text(path: Path, limits: Limits | None = None) -> str:
    """The file as text, by the one decoder of :mod:`laborlens.ingest.textio` (UTF-8 with or without BOM,
    UTF-16 with BOM, GB18030) within the size cap. A decoding error names the line it is on."""
    return _read_text(path, limits or Limits())[0]


def _csv_records(path: Path, limits: Limits | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line, values)`` records by the strict CSV reader; ``line`` is where the record starts
    (quoted fields may span lines). A doubled header name is an error."""
    limits = limits or Limits()
    header, records = read_csv(read_text(path, limits), str(path), limits, delimiter=",")
    dup = next((h for h in header if h and header.count(h) > 1), None)
    if dup:
        raise InputError(f"column {dup!r} appears twice in the header", str(path), 1, dup)
    return header, records


def parse_csv(path: Path, limits: Limits | None = None) -> list[ParsedEntity]:
    """Plain CSV: ``name`` (required), ``aliases`` ("|"-separated), optional ``id``, ``country`` and ``kind``
    (entity | scope); every other column is kept in ``extra``."""
    header, records = _csv_records(path, limits)
    cols = {h.lower(): i for i, h in enumerate(header)}
    if "name" not in cols:
        raise InputError(f"no 'name' column (columns: {', '.join(header)})", str(path), 1, "name")
    special = {"name", "aliases", "alias", "id", "country", "kind"}
    out: list[ParsedEntity] = []
    for line, values in records:
        row = {h.lower(): values[i].strip() for h, i in cols.items()}
        name = row["name"]
        if not name:
            raise InputError("empty name", str(path), line, header[cols["name"]])
        kind = row.get("kind") or "entity"
        if kind not in ("entity", "scope"):
            raise InputError(f"kind must be 'entity' or 'scope', not {kind!r}", str(path), line,
                             header[cols["kind"]])
        alias_text = row.get("aliases") or row.get("alias") or ""
        extra = {header[i]: values[i].strip() for i in range(len(header))
                 if header[i].lower() not in special and header[i] and values[i].strip()}
        out.append(ParsedEntity(name, _aliases(name, alias_text.split("|")), row.get("country", ""),
                                row.get("id", ""), kind, extra, line))
    return out


_WRO_COLUMNS = {
    "entity": ("entity_or_scope", "entity", "entity_name", "entities", "name", "company", "scope"),
    "country": ("country",),
    "industry": ("industry",),
    "effective_date": ("effective_date", "date", "effective", "date_issued", "issued"),
    "type": ("type", "wro_finding", "action"),
    "status": ("status",),
    "id": ("id",),
}


def _norm_header(h: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", h.lower()).strip("_")


def parse_wro(path: Path, limits: Limits | None = None) -> list[ParsedEntity]:
    """CBP Withhold Release Orders/Findings CSV. Entities are split on ";" and aliases on "a/k/a" (as in
    the bundled list); scope rows ("All Turkmenistan cotton...", fishing vessels) become ``kind="scope"``.
    With an ``id`` column, a row's entities get ``<id>`` or ``<id>.N`` as source id, like the bundled list."""
    header, records = _csv_records(path, limits)
    normed = [_norm_header(h) for h in header]
    col: dict[str, int] = {}
    for key, names in _WRO_COLUMNS.items():
        idx = next((normed.index(n) for n in names if n in normed), None)
        if idx is not None:
            col[key] = idx
    if "entity" not in col:
        raise InputError(f"no entity column (expected one of: Entity, Name, entity_or_scope; got "
                         f"{', '.join(header)})", str(path), 1, "entity_or_scope")
    out: list[ParsedEntity] = []
    for line, values in records:
        text = " ".join(values[col["entity"]].split())
        if not text:
            raise InputError("empty entity", str(path), line, header[col["entity"]])
        get = {k: values[i].strip() for k, i in col.items()}
        extra = {k: get[k] for k in ("industry", "effective_date", "type", "status") if get.get(k)}
        extra["published_text"] = text
        country, row_id = get.get("country", ""), get.get("id", "")
        if is_wro_scope(text):
            out.append(ParsedEntity(text, (), country, row_id, "scope", extra, line))
            continue
        parts = split_wro_entities(text)
        for i, (name, aliases) in enumerate(parts):
            sid = row_id if len(parts) == 1 or not row_id else f"{row_id}.{i + 1}"
            out.append(ParsedEntity(name, _aliases(name, aliases), country, sid, "entity", dict(extra), line))
    return out


# FollowTheMoney schemata that are listed parties (Company, PublicBody ... are Organizations; LegalEntity is
# their parent, used when a publisher does not know which); Ownership edges and everything else are context.
def _is_listed_schema(schema: Any) -> bool:
    return schema.is_a("Organization") or schema.name == "LegalEntity"


_FTM_EXTRA = ("program", "notes", "sourceUrl", "topics", "address", "registrationNumber")


def parse_ftm(path: Path, limits: Limits | None = None) -> list[ParsedEntity]:
    """FollowTheMoney JSON lines as OpenSanctions publishes them (dataset ``us_dhs_uflpa``), read as entity
    proxies of the ``followthemoney`` model (unknown schemata and properties are errors).

    Keeps organisations (Company, Organization, PublicBody, LegalEntity). ``name`` (first value primary,
    the rest aliases), ``alias`` and ``previousName`` become aliases; ``weakAlias`` goes to ``extra`` only,
    because OpenSanctions marks those as too generic to match on. Ownership edges are folded into the
    owner's ``extra["subsidiaries"]`` and the asset's ``extra["owners"]``. Entities that OpenSanctions marks
    ``"target": false`` (related parties that are not themselves listed) are skipped.
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData

    limits = limits or Limits()
    text = read_text(path, limits)
    kept: list[tuple[str, ParsedEntity]] = []
    names: dict[str, str] = {}
    ownerships: list[tuple[list[str], list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if lineno > limits.max_rows:
            raise BadFile(f"more than {limits.max_rows} lines (setting LABORLENS_MAX_ROWS)", str(path),
                          lineno)
        obj = loads_json(raw, str(path), limits, lineno)
        if not isinstance(obj, dict) or not isinstance(obj.get("schema"), str):
            raise InputError("not a FollowTheMoney entity (no 'schema')", str(path), lineno, "schema")
        if not isinstance(obj.get("properties") or {}, dict):
            raise InputError("'properties' must be an object", str(path), lineno, "properties")
        if model.get(obj["schema"]) is None:
            raise InputError(f"unknown FollowTheMoney schema {obj['schema']!r}", str(path), lineno, "schema")
        for key, values in (obj.get("properties") or {}).items():
            for v in values if isinstance(values, list) else [values]:
                if isinstance(v, str) and len(v) > limits.max_cell_chars:
                    raise BadFile(f"value longer than {limits.max_cell_chars} characters (setting "
                                  "LABORLENS_MAX_CELL_CHARS)", str(path), lineno, f"properties.{key}")
        try:
            proxy = model.get_proxy(obj, cleaned=False)
        except InvalidData as exc:
            raise InputError(f"not a valid FollowTheMoney entity: {exc}", str(path), lineno,
                             "properties") from None
        eid = str(proxy.id or "")
        if proxy.schema.is_a("Ownership"):
            ownerships.append((proxy.get("owner"), proxy.get("asset")))
            continue
        entity_names = [n for n in proxy.get("name", quiet=True) if n.strip()]
        if entity_names and eid:
            names[eid] = entity_names[0]
        if not _is_listed_schema(proxy.schema) or obj.get("target") is False:
            continue
        if not entity_names:
            raise InputError(f"{proxy.schema.name} without a name", str(path), lineno, "properties.name")
        kept.append((eid, _ftm_entity(proxy, entity_names, eid, lineno)))
    by_id = {eid: e for eid, e in kept if eid}
    for owners, assets in ownerships:
        for owner in owners:
            for asset in assets:
                if owner in by_id:
                    by_id[owner].extra.setdefault("subsidiaries", []).append(names.get(asset, asset))
                if asset in by_id:
                    by_id[asset].extra.setdefault("owners", []).append(names.get(owner, owner))
    return [e for _eid, e in kept]


def _ftm_entity(proxy: Any, entity_names: list[str], eid: str, lineno: int) -> ParsedEntity:
    def values(prop: str) -> list[str]:
        return [v for v in proxy.get(prop, quiet=True) if v.strip()]

    name = entity_names[0].strip()
    previous = values("previousName")
    aliases = _aliases(name, entity_names[1:] + values("alias") + previous)
    countries = [c.upper() if len(c) == 2 else c
                 for c in values("country") or values("jurisdiction") or values("mainCountry")]
    extra: dict[str, Any] = {"schema": proxy.schema.name}
    if previous:
        extra["former_names"] = previous
    if weak := values("weakAlias"):
        extra["weak_aliases"] = weak
    if len(countries) > 1:
        extra["countries"] = countries
    for key in _FTM_EXTRA:
        if found := values(key):
            extra[key] = found
    return ParsedEntity(name, aliases, countries[0] if countries else "", eid, "entity", extra, lineno)


def parse_file(path: Path | str, fmt: str = "auto",
               limits: Limits | None = None) -> tuple[str, list[ParsedEntity]]:
    """Parse with the given format (or detect it); returns the format used and the records. A file that
    yields no entity is an error: importing it would silently empty the list, and so is a source id given
    twice (the second entity would take the first one's list id)."""
    from laborlens.refdata.dhs_page import parse_dhs_html

    path = Path(path)
    limits = limits or Limits()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if fmt == "auto":
        fmt = detect_format(path, limits)
    readers = {"csv": parse_csv, "wro": parse_wro, "ftm": parse_ftm, "html": parse_dhs_html}
    if fmt not in readers:
        raise InputError(f"unknown format {fmt!r}; use one of auto, {', '.join(FORMATS)}")
    entities = readers[fmt](path, limits)
    if not entities:
        raise InputError(f"no entities found (read as {fmt})", file=str(path))
    _refuse_duplicate_ids(entities, str(path), fmt)
    return fmt, entities


def _refuse_duplicate_ids(entities: list[ParsedEntity], file: str, fmt: str) -> None:
    first: dict[str, int] = {}
    for e in entities:
        if not e.source_id:
            continue
        if e.source_id in first and first[e.source_id] != e.line:
            raise BadFile(f"duplicate source id {e.source_id!r} in this {fmt} file (first on row "
                          f"{first[e.source_id]})", file, e.line, "id")
        first.setdefault(e.source_id, e.line)


def detect_format(path: Path, limits: Limits | None = None) -> str:
    """By extension, then by content: JSON lines start with "{", HTML with "<"; a CSV whose header has an
    entity column (``Entity``, ``entity_or_scope``) and no ``name`` column is CBP's WRO layout."""
    ext = path.suffix.lower()
    if ext in (".html", ".htm"):
        return "html"
    if ext in (".jsonl", ".json", ".ftm", ".ndjson"):
        return "ftm"
    head = read_text(path, limits)[:4096].lstrip()
    if ext != ".csv":
        if head.startswith("{"):
            return "ftm"
        if head.startswith("<"):
            return "html"
    first = next(csv.reader([head.splitlines()[0] if head else ""]), [])
    normed = {_norm_header(h) for h in first}
    if "name" not in normed and normed & {"entity_or_scope", "entity", "entity_name", "entities"}:
        return "wro"
    if "entity_or_scope" in normed:
        return "wro"
    return "csv"
