"""Live list updates: download an official publication, check that it looks right, record a new edition.

``uflpa``: the DHS UFLPA Entity List page (HTML, one table per clause of section 2(d)(2)(B)).
``wro``: CBP's Withhold Release Orders and Findings CSV (CBP's page links the current month's file; a page
given instead of the CSV is searched for that link). ``ilab``: ILAB's List of Goods Produced by Child Labor
or Forced Labor (CSV or XLSX; likewise found from DOL's page).

Watchlists go through :func:`laborlens.refdata.editions.import_list` (new edition, stable ids, a diff
against the current one, rollback). The ILAB list is a reference table, not a watchlist: its new edition is
written to ``LABORLENS_HOME/refdata/ilab_list_of_goods.csv`` (which the catalog then reads instead of the
bundled 2022 table) with its history and diff in ``refdata/ilab/editions.jsonl``.

A download that looks wrong is refused unless forced: far fewer entities than the current edition (a
truncated page, an error page that still has a table), a DHS page with fewer clause tables than the list
has, a CSV without the expected columns. Every downloaded file is kept under ``downloads/`` as provenance.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

from laborlens import audit
from laborlens.errors import InputError, LaborlensError
from laborlens.refdata import editions
from laborlens.refdata.catalog import CATALOG
from laborlens.refdata.importers import parse_file, read_text
from laborlens.service.context import Context

MIN_RATIO = 0.8  # a new edition with fewer than 80 % of the current entities is refused unless forced
MIN_DHS_TABLES = 2  # the DHS page has one table per clause; a page with one table is an excerpt or a stub
MAX_BYTES = 50 * 1024 * 1024
TIMEOUT = 60.0
USER_AGENT = "laborlens-list-update (+https://github.com/laborlens)"


@dataclass(frozen=True, slots=True)
class Publication:
    name: str
    title: str
    url: str
    fmt: str  # html | wro | ilab
    link_hint: str = ""  # a data file linked from a landing page has this in its address or text


PUBLICATIONS: dict[str, Publication] = {
    "uflpa": Publication("uflpa", "DHS UFLPA Entity List page", "https://www.dhs.gov/uflpa-entity-list",
                         "html"),
    "wro": Publication("wro", "CBP Withhold Release Orders and Findings (CSV)",
                       "https://www.cbp.gov/document/stats/withhold-release-orders-and-findings-list", "wro",
                       "withhold"),
    "ilab": Publication("ilab", "ILAB List of Goods Produced by Child Labor or Forced Labor",
                        "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods", "ilab",
                        "goods"),
}


class UpdateRefused(InputError):
    """The download does not look like the publication; nothing was recorded."""


@dataclass(slots=True)
class UpdateReport:
    list_name: str
    url: str
    saved: Path
    entities: int
    previous: int
    forced: bool = False
    warnings: list[str] = field(default_factory=list)
    imported: editions.ImportReport | None = None
    ilab_diff: dict[str, list] | None = None
    unchanged: bool = False


# --- download ------------------------------------------------------------------------------------------

def download(url: str, dest_dir: Path, stem: str) -> Path:
    """Fetch ``url`` (redirects followed, at most :data:`MAX_BYTES`) into ``dest_dir``; the file is named
    by time and the server's content type, so every download is kept."""
    import httpx

    if urlparse(url).scheme not in ("http", "https"):
        raise InputError(f"only http(s) addresses can be downloaded: {url}", column="--url")
    dest_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=TIMEOUT,
                          headers={"User-Agent": USER_AGENT}) as r:
            if r.status_code != 200:
                raise LaborlensError(f"download of {url} failed: HTTP {r.status_code}")
            ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
            ext = _extension(str(r.url), ctype)
            path = dest_dir / f"{datetime.now().strftime('%Y%m%dT%H%M%S%f')}-{stem}{ext}"
            size = 0
            with path.open("wb") as fh:
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        fh.close()
                        path.unlink(missing_ok=True)
                        raise UpdateRefused(f"{url} is larger than {MAX_BYTES // 2**20} MiB")
                    fh.write(chunk)
    except httpx.HTTPError as exc:
        raise LaborlensError(f"download of {url} failed: {type(exc).__name__}: {exc}") from None
    return path


def _extension(url: str, ctype: str) -> str:
    suffix = Path(urlparse(url).path).suffix.lower()
    if suffix in (".csv", ".xlsx", ".html", ".htm"):
        return suffix
    return {"text/csv": ".csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
            "text/html": ".html"}.get(ctype, ".html" if "html" in ctype else ".bin")


def _is_html(path: Path) -> bool:
    return path.suffix in (".html", ".htm") or read_text(path)[:512].lstrip().lower().startswith(("<!doctype",
                                                                                                   "<html"))


def data_link(page: Path, base_url: str, hint: str, suffixes: tuple[str, ...]) -> str | None:
    """The first link on a landing page to a data file (by suffix) whose address or text has ``hint``."""
    import lxml.html

    doc = lxml.html.document_fromstring(read_text(page))
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        text = (a.text_content() or "").lower()
        if Path(urlparse(href).path).suffix.lower() in suffixes and (hint in href.lower() or hint in text):
            return urljoin(base_url, href)
    return None


def _fetch_data(pub: Publication, url: str, dest: Path, suffixes: tuple[str, ...]) -> tuple[Path, str]:
    path = download(url, dest, pub.name)
    if _is_html(path):
        link = data_link(path, url, pub.link_hint, suffixes)
        if link is None:
            raise UpdateRefused(f"{url} is a web page without a link to the {pub.title} "
                                f"({'/'.join(suffixes)}); give the file's address with --url",
                                file=path.name)
        url = link
        path = download(url, dest, pub.name)
        if _is_html(path):
            raise UpdateRefused(f"{url} answered a web page, not the {pub.title}", file=path.name)
    return path, url


# --- checks --------------------------------------------------------------------------------------------

def _check_count(what: str, new: int, current: int, force: bool, warnings: list[str]) -> None:
    if current and new < MIN_RATIO * current:
        msg = (f"the download has {new} {what}, far fewer than the {current} of the current edition "
               f"(under {MIN_RATIO:.0%})")
        if not force:
            raise UpdateRefused(f"{msg}: refused; check the publication, or record it with --force")
        warnings.append(msg + " (recorded because of --force)")


def _current_count(ctx: Context, list_name: str) -> int:
    for w in editions.watchlists(ctx.store):
        if w.name == list_name:
            return w.edition.entities
    return 0


# --- the use case --------------------------------------------------------------------------------------

def update_list(ctx: Context, list_name: str, url: str | None = None, force: bool = False) -> UpdateReport:
    """Download the official publication of ``list_name`` (``uflpa``, ``wro`` or ``ilab``), check it and
    record it as a new edition. Admins only; audited as ``list.update``."""
    ctx.require("admin")
    pub = PUBLICATIONS.get(list_name)
    if pub is None:
        raise InputError(f"no official publication is known for {list_name!r}; use one of "
                         f"{', '.join(PUBLICATIONS)} (or `laborlens lists import FILE` for others)",
                         column="LIST")
    url = url or pub.url
    dest = ctx.settings.ensure_home() / "downloads" / list_name
    warnings: list[str] = []
    if pub.fmt == "ilab":
        report = _update_ilab(ctx, pub, url, dest, force, warnings)
    else:
        report = _update_watchlist(ctx, pub, url, dest, force, warnings)
    with ctx.unit_of_work() as s:
        audit.record(s, ctx.principal.username, "list.update", list_name, {
            "url": report.url, "file": report.saved.name, "entities": report.entities,
            "previous": report.previous, "forced": force, "unchanged": report.unchanged})
    return report


def _update_watchlist(ctx: Context, pub: Publication, url: str, dest: Path, force: bool,
                      warnings: list[str]) -> UpdateReport:
    if pub.fmt == "html":
        path = download(url, dest, pub.name)
        if not _is_html(path):
            raise UpdateRefused(f"{url} did not answer a web page (the DHS list is published as one)",
                                file=path.name)
    else:
        path, url = _fetch_data(pub, url, dest, (".csv",))
    try:
        fmt, parsed = parse_file(path, pub.fmt)
    except InputError as exc:
        raise UpdateRefused(f"{url} does not look like the {pub.title}: {exc.detail}", file=exc.file,
                            row=exc.row, column=exc.column) from None
    if pub.fmt == "html":
        tables = {p.extra.get("list_table") for p in parsed}
        if len(tables) < MIN_DHS_TABLES:
            msg = (f"the page has {len(tables)} entity table(s); the DHS list has one per clause "
                   f"(at least {MIN_DHS_TABLES} expected)")
            if not force:
                raise UpdateRefused(f"{msg}: refused; is it an excerpt? Record it anyway with --force",
                                    file=path.name)
            warnings.append(msg)
    current = _current_count(ctx, pub.name)
    _check_count("entities", len(parsed), current, force, warnings)
    label = f"{pub.title}, downloaded {ctx.clock.now():%Y-%m-%d}"
    # import_list parses again and writes the edition in its own transaction (refdata's public API)
    imported = editions.import_list(ctx.store, path, pub.name, fmt, label)
    return UpdateReport(pub.name, url, path, len(parsed), current, force, warnings, imported,
                        unchanged=imported.unchanged)


# --- ILAB (a reference table) ----------------------------------------------------------------------------

ILAB_COLUMNS = ["good", "good_sector", "country", "country_region", "child_labor", "forced_labor",
                "forced_child_labor", "produced_with_inputs_made_with_labor_exploitation",
                "input_source_country"]
_ILAB_ALIASES = {"good": ("good", "goods", "good_name"),
                 "country": ("country", "country_area", "country_name"),
                 "child_labor": ("child_labor", "child_labour", "cl"),
                 "forced_labor": ("forced_labor", "forced_labour", "fl"),
                 "good_sector": ("good_sector", "sector"), "country_region": ("country_region", "region"),
                 "forced_child_labor": ("forced_child_labor",),
                 "produced_with_inputs_made_with_labor_exploitation": (
                     "produced_with_inputs_made_with_labor_exploitation", "produced_with_inputs"),
                 "input_source_country": ("input_source_country",)}
_TRUE = {"x", "yes", "y", "true", "1", "✓"}


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (h or "").lower()).strip("_")


def _ilab_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = wb.worksheets[0].iter_rows(values_only=True)
        rows = [["" if v is None else str(v) for v in r] for r in sheet]
        return (rows[0] if rows else []), [(i + 2, r) for i, r in enumerate(rows[1:])]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = list(csv.reader(fh))
    return (reader[0] if reader else []), [(i + 2, r) for i, r in enumerate(reader[1:])]


def parse_ilab(path: Path) -> list[dict[str, str]]:
    """ILAB's List of Goods (CSV or XLSX) as rows in the bundled table's columns; a missing column or an
    empty good/country names file, row and column."""
    header, records = _ilab_records(path)
    normed = [_norm(h) for h in header]
    col = {k: next((normed.index(a) for a in names if a in normed), None)
           for k, names in _ILAB_ALIASES.items()}
    for need in ("good", "country", "child_labor", "forced_labor"):
        if col[need] is None:
            raise InputError(f"no {need} column (got: {', '.join(header) or 'nothing'}); is this ILAB's "
                             "List of Goods?", str(path), 1, need)
    out = []
    for line, values in records:
        if not any(v.strip() for v in values):
            continue
        row = {k: (values[i].strip() if i is not None and i < len(values) else "") for k, i in col.items()}
        for need in ("good", "country"):
            if not row[need]:
                raise InputError(f"empty {need}", str(path), line, header[col[need]])  # type: ignore[index]
        for flag in ("child_labor", "forced_labor", "forced_child_labor",
                     "produced_with_inputs_made_with_labor_exploitation"):
            row[flag] = "true" if row[flag].lower() in _TRUE else "false"
        out.append({c: row[c] for c in ILAB_COLUMNS})
    return out


def ilab_override(ctx: Context) -> Path:
    return ctx.settings.home / "refdata" / CATALOG["ilab"].file


def _ilab_diff(old: list[dict[str, str]], new: list[dict[str, str]]) -> dict[str, list]:
    def key(r: dict[str, str]) -> tuple[str, str]:
        return (r["good"].lower(), r["country"].lower())

    a, b = {key(r): r for r in old}, {key(r): r for r in new}
    flags = ("child_labor", "forced_labor")
    return {"added": sorted(f"{b[k]['good']} ({b[k]['country']})" for k in b.keys() - a.keys()),
            "removed": sorted(f"{a[k]['good']} ({a[k]['country']})" for k in a.keys() - b.keys()),
            "changed": sorted(f"{b[k]['good']} ({b[k]['country']})" for k in a.keys() & b.keys()
                              if any(a[k].get(f) != b[k].get(f) for f in flags))}


def _update_ilab(ctx: Context, pub: Publication, url: str, dest: Path, force: bool,
                 warnings: list[str]) -> UpdateReport:
    path, url = _fetch_data(pub, url, dest, (".csv", ".xlsx"))
    try:
        rows = parse_ilab(path)
    except InputError as exc:
        raise UpdateRefused(f"{url} does not look like the {pub.title}: {exc.detail}", file=exc.file,
                            row=exc.row, column=exc.column) from None
    if not rows:
        raise UpdateRefused(f"{url}: no goods in the file", file=path.name)
    current_rows = CATALOG["ilab"].rows()  # the override if an update was recorded, else the bundled table
    _check_count("good/country rows", len(rows), len(current_rows), force, warnings)
    diff = _ilab_diff(current_rows, rows)
    target = ilab_override(ctx)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    history = target.parent / "ilab" / "editions.jsonl"
    history.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not any(diff.values()) and target.exists():
        return UpdateReport(pub.name, url, path, len(rows), len(current_rows), force, warnings,
                            ilab_diff=diff, unchanged=True)
    tmp = target.with_name(f".{target.name}.partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=ILAB_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    seq = sum(1 for _ in history.open(encoding="utf-8")) + 1 if history.exists() else 1
    with history.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"seq": seq, "url": url, "file": path.name, "rows": len(rows),
                             "sha256": hashlib.sha256(tmp.read_bytes()).hexdigest(),
                             "recorded_at": f"{ctx.clock.now():%Y-%m-%d %H:%M:%S}", "forced": force,
                             **{k: len(v) for k, v in diff.items()}}) + "\n")
    tmp.replace(target)
    return UpdateReport(pub.name, url, path, len(rows), len(current_rows), force, warnings, ilab_diff=diff)
