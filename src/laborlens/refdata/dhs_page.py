"""Read the DHS "UFLPA Entity List" web page, saved as HTML.

The page has one ``<table>`` per statutory clause of UFLPA section 2(d)(2)(B), each under a heading, with
columns "Name of Entity" and "Effective Date"; aliases are written inside the name cell (see
:mod:`laborlens.refdata.aliases`). The heading goes to ``extra["list_section"]`` because the clause says why
an entity is listed. An entity listed under two clauses (e.g. Xinjiang Daqo in (i) and (v)) is one entity
with both sections, so that it keeps one id.

lxml parses the page (``lxml.html``, the parser BeautifulSoup would use): it is lenient with real-world
HTML and, unlike BeautifulSoup's lxml tree builder, keeps source line numbers for error messages.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from laborlens.errors import InputError
from laborlens.ingest.limits import Limits
from laborlens.refdata.aliases import split_name_cell
from laborlens.refdata.identity import name_key
from laborlens.refdata.importers import ParsedEntity, read_text

_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}  # h1 is the page title
_CLAUSE = re.compile(r"2\s*\(d\)\s*\(2\)\s*\(B\)\s*\((i{1,3}|iv|v)\)", re.IGNORECASE)


def _text(el: Any) -> str:
    """Cell text with <br> as a space and whitespace collapsed."""
    for br in el.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(el.text_content().split())


def _rows(table: Any) -> list[Any]:
    """The table's own rows (not those of a nested table)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _iso_date(text: str) -> str:
    """"June 21, 2022" → "2022-06-21", like the bundled list; anything else is kept as written."""
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return text


def _columns(header: list[str]) -> tuple[int | None, int | None]:
    low = [h.lower() for h in header]
    name = next((i for i, h in enumerate(low) if "name" in h or h == "entity"), None)
    date = next((i for i, h in enumerate(low) if "date" in h), None)
    return name, date


def _clause(text: str) -> str:
    m = _CLAUSE.search(text)
    return f"2(d)(2)(B)({m.group(1).lower()})" if m else ""


def _section_text(el: Any) -> str | None:
    """The text of a heading (h2-h6), or of a short paragraph citing a clause, else None."""
    if el.tag in _HEADINGS:
        return _text(el)
    if el.tag == "p":
        text = _text(el)
        if len(text) < 400 and _clause(text):
            return text
    return None


def parse_dhs_html(path: Path, limits: Limits | None = None) -> list[ParsedEntity]:
    """Entities from every table with a "Name of Entity" column, in page order.

    A table's section is its caption, or the heading (or short paragraph citing a clause) seen since the
    previous entity table; ``extra["clause"]`` is the citation found in it ("2(d)(2)(B)(ii)"). The table's
    position on the page is kept in ``extra["list_table"]``, since a page saved without its headings still
    has its tables in clause order.
    """
    text = read_text(path, limits)
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", file=str(path)) from None
    pending = ""
    table_no = 0
    merged: dict[str, ParsedEntity] = {}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        heading = _section_text(el)
        if heading is not None:
            pending = heading
            continue
        if el.tag != "table":
            continue
        rows = _rows(el)
        first = rows[0] if rows else []
        header = [_text(c) for c in first if isinstance(c.tag, str) and c.tag in ("th", "td")]
        name_col, date_col = _columns(header)
        if name_col is None:
            continue
        table_no += 1
        caption = el.find("caption")
        section = _text(caption) if caption is not None else pending
        pending = ""
        for tr in rows[1:]:
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]
            values = [_text(c) for c in cells]
            if not any(values):
                continue
            cell = values[name_col] if name_col < len(values) else ""
            if not cell:
                raise InputError("empty 'Name of Entity' cell", str(path), tr.sourceline, header[name_col])
            parsed = split_name_cell(cell)
            if not parsed.name:
                raise InputError(f"no entity name in {cell!r}", str(path), tr.sourceline, header[name_col])
            date = _iso_date(values[date_col]) if date_col is not None and date_col < len(values) else ""
            listing = {"list_section": section, "clause": _clause(section), "effective_date": date,
                       "list_table": str(table_no)}
            _add(merged, parsed.name, parsed.aliases, parsed.former, listing, tr.sourceline)
    if table_no == 0:
        raise InputError("no table with a 'Name of Entity' column; is this the DHS UFLPA Entity List page?",
                         file=str(path))
    return list(merged.values())


def _add(merged: dict[str, ParsedEntity], name: str, aliases: tuple[str, ...], former: tuple[str, ...],
         listing: dict[str, str], line: int) -> None:
    key = name_key(name)
    entity = merged.get(key)
    if entity is None:
        extra: dict[str, Any] = {k: v for k, v in listing.items() if v}
        if former:
            extra["former_names"] = list(former)
        # The page gives no country; none is guessed.
        merged[key] = ParsedEntity(name, aliases, "", "", "entity", extra, line)
        return
    # Listed again under another clause: one entity, both sections, clauses and dates.
    entity.aliases = tuple(dict.fromkeys((*entity.aliases, *aliases)))
    for field, value in listing.items():
        if value and value not in entity.extra.get(field, "").split(" ; "):
            entity.extra[field] = f"{entity.extra[field]} ; {value}" if entity.extra.get(field) else value
