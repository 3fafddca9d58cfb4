"""Read watchlist files into :class:`ParsedEntity` records: plain CSV, CBP's WRO CSV, OpenSanctions'
FollowTheMoney JSON lines and the DHS UFLPA Entity List page saved as HTML.

Each reader is a pure function from a path to records; nothing touches the store, so a bad file is rejected
before anything is written. Errors are :class:`InputError` naming the file, the line and the column, because
the person fixing the file needs to find the spot, not just learn that something is wrong.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from laborlens.errors import InputError
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


def read_text(path: Path) -> str:
    """The file as text: UTF-8 with or without BOM. A decoding error names the line it is on."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                         file=str(path), row=line) from None


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line, values)`` records; ``line`` is where the record starts (quoted fields may span
    lines). Rows with more values than the header are errors: usually an unquoted comma in a name."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [h.strip() for h in values]
                dup = next((h for h in header if h and header.count(h) > 1), None)
                if dup:
                    raise InputError(f"column {dup!r} appears twice in the header", str(path), start, dup)
                continue
            if len(values) > len(header):
                raise InputError(f"{len(values)} values but the header has {len(header)} columns "
                                 "(an unquoted comma?)", str(path), start, str(len(header) + 1))
            records.append((start, values + [""] * (len(header) - len(values))))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", str(path), reader.line_num) from None
    if header is None:
        raise InputError("file is empty (no header row)", str(path), 1)
    return header, records


def parse_csv(path: Path) -> list[ParsedEntity]:
    """Plain CSV: ``name`` (required), ``aliases`` ("|"-separated), optional ``id``, ``country`` and ``kind``
    (entity | scope); every other column is kept in ``extra``."""
    header, records = _csv_records(path)
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


def parse_wro(path: Path) -> list[ParsedEntity]:
    """CBP Withhold Release Orders/Findings CSV. Entities are split on ";" and aliases on "a/k/a" (as in
    the bundled list); scope rows ("All Turkmenistan cotton...", fishing vessels) become ``kind="scope"``.
    With an ``id`` column, a row's entities get ``<id>`` or ``<id>.N`` as source id, like the bundled list."""
    header, records = _csv_records(path)
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


# FollowTheMoney schemata that are listed parties; Ownership edges and everything else are context.
ENTITY_SCHEMATA = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})


def parse_ftm(path: Path) -> list[ParsedEntity]:
    """FollowTheMoney JSON lines as OpenSanctions publishes them (dataset ``us_dhs_uflpa``).

    Keeps Company/Organization/LegalEntity/PublicBody entities. ``name`` (first value primary, the rest
    aliases), ``alias`` and ``previousName`` become aliases; ``weakAlias`` goes to ``extra`` only, because
    OpenSanctions marks those as too generic to match on. Ownership links are folded into the owner's
    ``extra["subsidiaries"]`` and the asset's ``extra["owners"]``. Entities that OpenSanctions marks
    ``"target": false`` (related parties that are not themselves listed) are skipped.
    """
    text = read_text(path)
    kept: list[tuple[str, ParsedEntity]] = []
    names: dict[str, str] = {}
    ownerships: list[tuple[int, list[str], list[str]]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", str(path), lineno, str(exc.colno)) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("schema"), str):
            raise InputError("not a FollowTheMoney entity (no 'schema')", str(path), lineno, "schema")
        props = obj.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError("'properties' must be an object", str(path), lineno, "properties")
        schema, eid = obj["schema"], str(obj.get("id") or "")
        if schema == "Ownership":
            ownerships.append((lineno, _strings(props.get("owner")), _strings(props.get("asset"))))
            continue
        entity_names = _strings(props.get("name"))
        if entity_names and eid:
            names[eid] = entity_names[0]
        if schema not in ENTITY_SCHEMATA or obj.get("target") is False:
            continue
        if not entity_names:
            raise InputError(f"{schema} without a name", str(path), lineno, "properties.name")
        name = entity_names[0].strip()
        previous = _strings(props.get("previousName"))
        aliases = _aliases(name, entity_names[1:] + _strings(props.get("alias")) + previous)
        countries = [c.upper() if len(c) == 2 else c for c in _strings(props.get("country"))
                     or _strings(props.get("jurisdiction")) or _strings(props.get("mainCountry"))]
        extra: dict[str, Any] = {"schema": schema}
        if previous:
            extra["former_names"] = previous
        if weak := _strings(props.get("weakAlias")):
            extra["weak_aliases"] = weak
        if len(countries) > 1:
            extra["countries"] = countries
        for key in ("program", "notes", "sourceUrl", "topics", "address", "registrationNumber"):
            if values := _strings(props.get(key)):
                extra[key] = values
        kept.append((eid, ParsedEntity(name, aliases, countries[0] if countries else "", eid, "entity",
                                       extra, lineno)))
    by_id = {eid: e for eid, e in kept if eid}
    for _lineno, owners, assets in ownerships:
        for owner in owners:
            for asset in assets:
                if owner in by_id:
                    by_id[owner].extra.setdefault("subsidiaries", []).append(names.get(asset, asset))
                if asset in by_id:
                    by_id[asset].extra.setdefault("owners", []).append(names.get(owner, owner))
    return [e for _eid, e in kept]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def parse_file(path: Path | str, fmt: str = "auto") -> tuple[str, list[ParsedEntity]]:
    """Parse with the given format (or detect it); returns the format used and the records. A file that
    yields no entity is an error: importing it would silently empty the list."""
    from laborlens.refdata.dhs_page import parse_dhs_html

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if fmt == "auto":
        fmt = detect_format(path)
    readers = {"csv": parse_csv, "wro": parse_wro, "ftm": parse_ftm, "html": parse_dhs_html}
    if fmt not in readers:
        raise InputError(f"unknown format {fmt!r}; use one of auto, {', '.join(FORMATS)}")
    entities = readers[fmt](path)
    if not entities:
        raise InputError(f"no entities found (read as {fmt})", file=str(path))
    return fmt, entities


def detect_format(path: Path) -> str:
    """By extension, then by content: JSON lines start with "{", HTML with "<"; a CSV whose header has an
    entity column (``Entity``, ``entity_or_scope``) and no ``name`` column is CBP's WRO layout."""
    ext = path.suffix.lower()
    if ext in (".html", ".htm"):
        return "html"
    if ext in (".jsonl", ".json", ".ftm", ".ndjson"):
        return "ftm"
    head = read_text(path)[:4096].lstrip()
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
