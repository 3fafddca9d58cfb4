"""Watchlist editions in the store: seeding from package data, import, rollback and the current entries.

Editions are appended, never edited: a finding made last month cites an edition that still exists, and a bad
import is undone by retiring it (``retired_at``) rather than by deleting anything. The *current* edition of a
list is its latest non-retired one. The bundled lists (UFLPA, WRO) become edition 1 on first use, so that a
user's import of the official list is edition 2 and keeps the bundled ids where the entities are the same.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from laborlens.errors import InputError, LaborlensError
from laborlens.ingest.limits import Limits
from laborlens.model import WatchEntry
from laborlens.refdata.bundled import bundled_entries
from laborlens.refdata.catalog import CATALOG
from laborlens.refdata.identity import Candidate, KnownEntity, assign_ids, name_key
from laborlens.refdata.importers import ParsedEntity, parse_file
from laborlens.store import Store
from laborlens.store.models import ListEdition, ListEntry

BUNDLED_WATCHLISTS: tuple[str, ...] = tuple(n for n, i in CATALOG.items() if i.kind == "watchlist")
BUNDLED_FMT = "bundled"
_LIST_NAME = re.compile(r"^[a-z0-9_]{1,60}$")
# Extra columns of the bundled CSVs worth keeping with each entry (provenance of the listing).
_BUNDLED_EXTRA = {
    "uflpa": ("list_section", "date_added", "federal_register", "confidence"),
    "wro": ("industry", "effective_date", "type"),
}
_seeded: weakref.WeakSet[Store] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class EditionInfo:
    list_name: str
    seq: int
    label: str
    fmt: str
    source: str
    coverage: str
    sha256: str
    imported_at: datetime
    retired_at: datetime | None
    entities: int
    current: bool = False

    @property
    def user_imported(self) -> bool:
        return self.fmt != BUNDLED_FMT


@dataclass(frozen=True, slots=True)
class WatchlistSummary:
    name: str
    title: str
    edition: EditionInfo
    bundled: bool


@dataclass(slots=True)
class ImportReport:
    """What an import changed relative to the edition that was current before it."""

    list_name: str
    edition: EditionInfo
    previous: EditionInfo | None
    unchanged: bool = False
    added: list[tuple[str, str]] = field(default_factory=list)  # (entity_id, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (entity_id, old name, new name)
    updated: list[tuple[str, str]] = field(default_factory=list)  # aliases, country or spelling changed
    id_rules: dict[str, int] = field(default_factory=dict)  # how ids were kept: source_id/name/alias/new


@dataclass(frozen=True, slots=True)
class RollbackReport:
    retired: EditionInfo
    current: EditionInfo


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_list_name(list_name: str) -> str:
    """Watchlist names go into ids (``<list>-NNN``) and commands, so they are kept plain."""
    if not _LIST_NAME.fullmatch(list_name or ""):
        raise InputError(f"list name {list_name!r} must be 1-60 characters of a-z, 0-9 and _",
                         column="--list")
    info = CATALOG.get(list_name)
    if info is not None and info.kind != "watchlist":
        raise InputError(f"{list_name!r} is a reference table shipped with laborlens, not a watchlist; "
                         "it is updated with new releases, not imported", column="--list")
    return list_name


def _info(e: ListEdition, counts: dict[int, int], current_ids: set[int]) -> EditionInfo:
    return EditionInfo(e.list_name, e.seq, e.label, e.fmt, e.source, e.coverage, e.sha256, e.imported_at,
                       e.retired_at, counts.get(e.id, 0), e.id in current_ids)


def _counts(s: Session, edition_ids: list[int]) -> dict[int, int]:
    if not edition_ids:
        return {}
    rows = s.execute(select(ListEntry.edition_id, func.count()).where(ListEntry.edition_id.in_(edition_ids))
                     .group_by(ListEntry.edition_id))
    return {eid: n for eid, n in rows}  # noqa: C416 (a Result has keys(): dict() would read it as a mapping)


def _editions(s: Session, names: list[str] | None = None) -> dict[str, list[ListEdition]]:
    q = select(ListEdition).order_by(ListEdition.list_name, ListEdition.seq)
    if names is not None:
        q = q.where(ListEdition.list_name.in_(names))
    out: dict[str, list[ListEdition]] = {}
    for e in s.scalars(q):
        out.setdefault(e.list_name, []).append(e)
    return out


def _current(eds: list[ListEdition]) -> ListEdition | None:
    live = [e for e in eds if e.retired_at is None]
    return live[-1] if live else None


def _unknown(list_name: str, known: list[str]) -> InputError:
    return InputError(f"unknown watchlist {list_name!r}; known: {', '.join(sorted(known))}")


# --- seeding -------------------------------------------------------------------------------------------

def seed_bundled(store: Store) -> list[str]:
    """Make the bundled watchlists edition 1 of their lists (idempotent; cheap after the first call).

    When a new laborlens release ships a changed bundled file, it is appended once as a new edition, but
    only while the list's current edition is itself a bundled one: a user's import is never superseded by
    package data, and a rolled-back bundled edition is not re-added. Returns the lists that got an edition.
    """
    if store in _seeded:
        return []
    added: list[str] = []
    try:
        with store.session() as s:
            existing = _editions(s, list(BUNDLED_WATCHLISTS))
            for name in BUNDLED_WATCHLISTS:
                eds = existing.get(name, [])
                sha = _sha256(CATALOG[name].path)
                if any(e.fmt == BUNDLED_FMT and e.sha256 == sha for e in eds):
                    continue
                current = _current(eds)
                if current is not None and current.fmt != BUNDLED_FMT:
                    continue
                _add_bundled_edition(s, name, max((e.seq for e in eds), default=0) + 1, sha)
                added.append(name)
    except IntegrityError:  # another process seeded at the same moment; its editions are as good
        added = []
    _seeded.add(store)
    return added


def _add_bundled_edition(s: Session, name: str, seq: int, sha: str) -> None:
    info = CATALOG[name]
    extras = {r["id"]: {k: r[k] for k in _BUNDLED_EXTRA.get(name, ()) if r.get(k)} for r in info.rows()}
    edition = ListEdition(list_name=name, seq=seq, label=f"{name} #{seq} ({info.edition})",
                          source=info.source, coverage=info.coverage, fmt=BUNDLED_FMT, sha256=sha,
                          imported_at=_now())
    for e in bundled_entries(name):
        extra = {"source_id": e.entity_id, **extras.get(e.entity_id.split(".")[0], {})}
        edition.entries.append(ListEntry(entity_id=e.entity_id, name=e.name, aliases=list(e.aliases),
                                         country=e.country, kind=e.kind, extra=extra))
    s.add(edition)


# --- reading -------------------------------------------------------------------------------------------

def current_entries(store: Store, list_names: list[str] | None = None) -> list[WatchEntry]:
    """Entries of the current edition of each watchlist (every watchlist, custom ones included, when
    ``list_names`` is None), in one query. ``WatchEntry.edition`` is the edition's label, e.g.
    "uflpa #2 (2026-11-25, dhs_page.html)", so a finding can say which edition it rests on."""
    seed_bundled(store)
    live = (select(ListEdition.list_name.label("list_name"), func.max(ListEdition.seq).label("seq"))
            .where(ListEdition.retired_at.is_(None)).group_by(ListEdition.list_name).subquery())
    q = (select(ListEntry.entity_id, ListEntry.name, ListEntry.aliases, ListEntry.country, ListEntry.kind,
                ListEdition.list_name, ListEdition.label)
         .join(ListEdition, ListEntry.edition_id == ListEdition.id)
         .join(live, and_(live.c.list_name == ListEdition.list_name, live.c.seq == ListEdition.seq))
         .order_by(ListEdition.list_name, ListEntry.id))
    if list_names is not None:
        q = q.where(ListEdition.list_name.in_(list_names))
    with store.session() as s:
        rows = s.execute(q).all()
        entries = [WatchEntry(eid, name, tuple(aliases or ()), country or "", lname, label, kind or "entity")
                   for eid, name, aliases, country, kind, lname, label in rows]
        if list_names is not None:
            missing = set(list_names) - {e.list_name for e in entries}
            if missing:
                raise _unknown(min(missing), list(_editions(s)))
    return entries


def watchlists(store: Store) -> list[WatchlistSummary]:
    """Every watchlist in the store with its current edition (bundled lists first, in catalog order)."""
    seed_bundled(store)
    with store.session() as s:
        eds = _editions(s)
        current = {name: c for name, lst in eds.items() if (c := _current(lst)) is not None}
        ids = {c.id for c in current.values()}
        counts = _counts(s, list(ids))
        custom = sorted(set(current) - set(BUNDLED_WATCHLISTS))
        order = [n for n in BUNDLED_WATCHLISTS if n in current] + custom
        return [WatchlistSummary(n, CATALOG[n].title if n in CATALOG else "custom watchlist",
                                 _info(current[n], counts, ids), n in CATALOG) for n in order]


def edition_history(store: Store, list_name: str) -> list[EditionInfo]:
    """All editions of a list, oldest first, with entity counts and which one is current."""
    seed_bundled(store)
    with store.session() as s:
        eds = _editions(s)
        if list_name not in eds:
            raise _unknown(list_name, list(eds))
        lst = eds[list_name]
        current = _current(lst)
        ids = {current.id} if current is not None else set()
        counts = _counts(s, [e.id for e in lst])
        return [_info(e, counts, ids) for e in lst]


# --- writing -------------------------------------------------------------------------------------------

def import_list(store: Store, path: Path | str, list_name: str, fmt: str = "auto",
                label: str | None = None, limits: Limits | None = None) -> ImportReport:
    """Record the file as a new edition of ``list_name`` (created if new), keeping entity ids stable.

    The file is parsed completely before the store is touched, and the edition is written in one
    transaction, so a bad file changes nothing. A byte-identical copy of the current edition is not
    recorded again (``unchanged=True``).
    """
    check_list_name(list_name)
    path = Path(path)
    used_fmt, parsed = parse_file(path, fmt, limits or Limits.from_settings(store.settings))
    sha = _sha256(path)
    seed_bundled(store)
    try:
        with store.session() as s:
            return _record_edition(s, list_name, path, used_fmt, parsed, sha, label)
    except IntegrityError:
        raise LaborlensError(f"another import into {list_name!r} ran at the same time; run this one again") \
            from None


def _record_edition(s: Session, list_name: str, path: Path, fmt: str, parsed: list[ParsedEntity], sha: str,
                    label: str | None) -> ImportReport:
    eds = _editions(s, [list_name]).get(list_name, [])
    current = _current(eds)
    counts = _counts(s, [current.id]) if current is not None else {}
    previous = _info(current, counts, {current.id}) if current is not None else None
    if current is not None and previous is not None and current.sha256 == sha:
        return ImportReport(list_name, previous, previous, unchanged=True)

    # Earlier entities, current edition first, then older ones newest first (rolled-back ones included).
    order = sorted(eds, key=lambda e: (e is not current, -e.seq))
    rank = {e.id: i for i, e in enumerate(order)}
    query = select(ListEntry).where(ListEntry.edition_id.in_([e.id for e in eds]))
    found: list[ListEntry] = list(s.scalars(query)) if eds else []
    rows = sorted(found, key=lambda r: (rank[r.edition_id], r.id))
    known = [KnownEntity(r.entity_id, r.name, tuple(r.aliases or ()),
                         str((r.extra or {}).get("source_id", ""))) for r in rows]
    assigned = assign_ids(list_name, [Candidate(p.name, p.aliases, p.source_id) for p in parsed], known,
                          [r.entity_id for r in rows])

    seq = max((e.seq for e in eds), default=0) + 1
    now = _now()
    text_label = f"{list_name} #{seq} ({now.date().isoformat()}, {label or path.name})"[:200]
    scopes = sum(p.kind == "scope" for p in parsed)
    coverage = f"{len(parsed)} entries ({scopes} scope rules) read as {fmt} from {path.name}" if scopes \
        else f"{len(parsed)} entities read as {fmt} from {path.name}"
    edition = ListEdition(list_name=list_name, seq=seq, label=text_label, source=str(path.resolve()),
                          coverage=coverage, fmt=fmt, sha256=sha, imported_at=now)
    old = {r.entity_id: r for r in rows if current is not None and r.edition_id == current.id}
    added: list[tuple[str, str]] = []
    renamed: list[tuple[str, str, str]] = []
    updated: list[tuple[str, str]] = []
    rules: dict[str, int] = {}
    for p, (eid, rule) in zip(parsed, assigned, strict=True):
        extra = dict(p.extra)
        if p.source_id:
            extra["source_id"] = p.source_id
        extra["id_rule"] = rule
        edition.entries.append(ListEntry(entity_id=eid, name=p.name, aliases=list(p.aliases),
                                         country=p.country, kind=p.kind, extra=extra))
        rules[rule] = rules.get(rule, 0) + 1
        before = old.get(eid)
        if before is None:
            added.append((eid, p.name))
        elif name_key(before.name) != name_key(p.name):
            renamed.append((eid, before.name, p.name))
        elif (before.name != p.name or set(before.aliases or ()) != set(p.aliases)
              or (p.country and p.country != before.country)):
            # A file without countries (the DHS page) is not reported as changing every country.
            updated.append((eid, p.name))
    new_ids = {eid for eid, _ in assigned}
    removed = [(eid, r.name) for eid, r in old.items() if eid not in new_ids]
    s.add(edition)
    s.flush()
    return ImportReport(list_name, _info(edition, {edition.id: len(parsed)}, {edition.id}), previous,
                        added=added, removed=removed, renamed=renamed, updated=updated, id_rules=rules)


def rollback(store: Store, list_name: str) -> RollbackReport:
    """Retire the current edition so that the one before it is current again. Nothing is deleted: the
    retired edition stays in the history, and its ids are never given to other entities."""
    seed_bundled(store)
    with store.session() as s:
        eds = _editions(s)
        if list_name not in eds:
            raise _unknown(list_name, list(eds))
        live = [e for e in eds[list_name] if e.retired_at is None]
        if len(live) < 2:
            only = f" ({live[0].label})" if live else ""
            raise InputError(f"{list_name!r} has only one edition in use{only}; there is nothing to roll "
                             "back to")
        live[-1].retired_at = _now()
        s.flush()
        counts = _counts(s, [live[-1].id, live[-2].id])
        return RollbackReport(_info(live[-1], counts, set()), _info(live[-2], counts, {live[-2].id}))
