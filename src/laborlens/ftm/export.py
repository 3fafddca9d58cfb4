"""List entries and screening findings as FollowTheMoney entities (OpenSanctions' exchange format).

Every entity is built and validated through ``followthemoney.model`` (an unknown property or a wrong type
raises), so the JSON lines this writes load into yente, nomenklatura, Aleph or ``ftm`` as they are.

- A listed entity becomes a ``Company`` (its names, aliases and country; topics from the list) plus a
  ``Sanction`` naming the listing programme, which is how OpenSanctions publishes ``us_dhs_uflpa``.
  Scope rules of the WRO list ("all Turkmenistan cotton") are not entities and are left out.
- A screened party with findings becomes a ``Company`` (name, local name, country, address, registration
  number), its findings in ``notes``; a list match adds an ``UnknownLink`` from the party to the listed
  entity whose ``role`` carries the score and decision (a review-level match asserts no identity, so it is
  not written as ``sameAs``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from laborlens.model import WatchEntry

# What each bundled watchlist is, in OpenSanctions' terms (topics from the FtM topic vocabulary).
PROGRAMS: dict[str, dict[str, Any]] = {
    "uflpa": {"program": "UFLPA Entity List", "authority": "Forced Labor Enforcement Task Force (DHS)",
              "topics": ["export.control", "forced.labor"], "country": "us"},
    "wro": {"program": "CBP Withhold Release Orders and Findings",
            "authority": "U.S. Customs and Border Protection", "topics": ["forced.labor"], "country": "us"},
}
_DEFAULT_PROGRAM = {"program": "laborlens custom watchlist", "authority": "", "topics": ["forced.labor"],
                    "country": ""}


def program(list_name: str) -> dict[str, Any]:
    return PROGRAMS.get(list_name, {**_DEFAULT_PROGRAM, "program": f"{list_name} (custom watchlist)"})


def _make(schema: str, entity_id: str, props: Mapping[str, Iterable[str]]) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, values in props.items():
        for v in values:
            if v:
                proxy.add(prop, v)  # raises InvalidData for a property the schema lacks
    return proxy


def entry_entity(entry: WatchEntry) -> EntityProxy:
    """The listed entity as a ``Company`` (names, aliases, country and the list's topics)."""
    prog = program(entry.list_name)
    return _make("Company", entry.entity_id, {
        "name": [entry.name], "alias": [a for a in entry.aliases if a != entry.name],
        "country": [entry.country], "topics": prog["topics"]})


def entry_sanction(entry: WatchEntry) -> EntityProxy:
    prog = program(entry.list_name)
    return _make("Sanction", f"{entry.entity_id}-listing", {
        "entity": [entry.entity_id], "program": [prog["program"]], "authority": [prog["authority"]],
        "country": [prog["country"]], "summary": [entry.edition]})


def entry_dict(entry: WatchEntry) -> dict[str, Any]:
    """The plain FtM dict of a listed entity (``id``, ``schema``, ``properties``) plus its dataset."""
    d = entry_entity(entry).to_dict()
    d["datasets"] = [entry.list_name]
    d["caption"] = entry.name
    return d


def list_entities(entries: Iterable[WatchEntry]) -> Iterator[dict[str, Any]]:
    """FtM dicts for a list edition: each listed entity followed by its ``Sanction`` record."""
    for e in entries:
        if e.kind != "entity":
            continue
        yield {**entry_entity(e).to_dict(), "datasets": [e.list_name]}
        yield {**entry_sanction(e).to_dict(), "datasets": [e.list_name]}


def finding_entities(result: Mapping[str, Any], prefix: str = "party") -> Iterator[dict[str, Any]]:
    """FtM dicts for the parties of a screening result (``result.json``) that have findings.

    ``prefix`` namespaces party ids (``party-S3``), since a supplier file's ids are only unique within it."""
    parties: Mapping[str, Mapping[str, Any]] = result.get("parties", {})
    by_party: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for f in result.get("findings", []):
        by_party[f["party_id"]].append(f)
    for pid in sorted(by_party):
        found = by_party[pid]
        p = parties.get(pid, {})
        eid = f"{prefix}-{pid}"
        grave = any(f.get("severity") == "presumption" for f in found)
        notes = [f"{f.get('severity', '')}: {f.get('summary', '')} "
                 f"[{f.get('source', '')} {f.get('edition', '')}]".strip() for f in found]
        yield _make("Company", eid, {
            "name": [p.get("name", "") or pid, p.get("name_local", "")], "country": [p.get("country", "")],
            "address": [p.get("address", "")], "registrationNumber": [p.get("registration_id", "")],
            "notes": notes, "topics": ["forced.labor"] if grave else []}).to_dict()
        for i, f in enumerate(x for x in found if x.get("rule") == "list_match"):
            d = f.get("details") or {}
            target = d.get("entity_id")
            if not target:
                continue
            role = (f"name match {d.get('score', 0):.2f} ({d.get('decision', '')}) against "
                    f"{f.get('source', '').upper()} {target}")
            yield _make("UnknownLink", f"{eid}-match-{i + 1}", {
                "subject": [eid], "object": [target], "role": [role],
                "summary": [f.get("summary", "")]}).to_dict()


def write_jsonl(entities: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    n = 0
    for e in entities:
        out.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n


def write_jsonl_file(entities: Iterable[Mapping[str, Any]], path: Path) -> int:
    """Write to a temporary name, then move into place (no half-written export)."""
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8") as fh:
        n = write_jsonl(entities, fh)
    tmp.replace(path)
    return n
