"""Stable entity ids across list editions.

Findings, decisions and reports cite list ids (``uflpa-003``), so an entity must keep its id when a new
edition of its list is imported, even if the publisher spells or renames it differently. The rules are
deliberately few, so that a user can predict and check them:

1. same source id (the publisher's own id, e.g. an OpenSanctions entity id or a CSV ``id`` column);
2. else the same primary name, compared by :func:`name_key`;
3. else any name of one (primary or alias) equal to any name of the other, also by :func:`name_key`.

Each rule runs over the whole file before the next, so an exact match is never taken away by a looser one,
and each earlier entity is claimed at most once. Earlier entities are searched in the current edition first,
then in older (including rolled-back) editions, so an entity that comes back gets its old id. Anything left
gets the next number after the highest ever used in the list: ids are never reused for another entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Legal forms say nothing about which entity is meant and are spelled inconsistently ("Co. Ltd." vs
# "Co., Ltd" vs "Company Limited"). "Group" is kept: parent groups and their operating companies are listed
# separately (Esquel Group vs Changji Esquel Textile Co., Ltd.).
LEGAL_FORMS = frozenset(
    ["co", "ltd", "limited", "corporation", "corp", "company", "inc", "incorporated", "llc", "plc", "gmbh", "ag", "bhd", "berhad", "pte", "pvt", "the"]
)
_CJK_LEGAL_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司)")
# "... (and subsidiaries)", "... and its subordinate and affiliated entities" say what else a listing covers,
# not who the entity is; publishers add and drop the phrase between editions.
_COVERAGE_SUFFIX = re.compile(
    r"[\s,(]*\band\s+(?:its\s+)?(?:[\w-]+\s+){0,3}(?:subsidiaries|affiliates|affiliated\s+entities)\W*$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """Casefold, strip punctuation, legal forms and a trailing "and subsidiaries": "Hetian Haolin Hair
    Accessories Co., Ltd." → "hetian haolin hair accessories". Used only to recognise the same entity
    between editions (the matcher has its own, richer normalisation)."""
    text = _COVERAGE_SUFFIX.sub("", unicodedata.normalize("NFKC", name)).casefold().replace("&", " and ")
    text = _CJK_LEGAL_FORMS.sub(" ", text)
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t not in LEGAL_FORMS]
    return " ".join(tokens) or " ".join(_NON_WORD.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class KnownEntity:
    """An entity of an earlier edition, as far as id assignment needs it."""

    entity_id: str
    name: str
    aliases: tuple[str, ...] = ()
    source_id: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity of the file being imported."""

    name: str
    aliases: tuple[str, ...] = ()
    source_id: str = ""


def id_number(list_name: str, entity_id: str) -> int | None:
    """The NNN of ``<list>-NNN`` (also of ``<list>-NNN.2`` sub-ids), else None."""
    m = re.match(rf"^{re.escape(list_name)}-(\d+)", entity_id)
    return int(m.group(1)) if m else None


def format_id(list_name: str, number: int) -> str:
    return f"{list_name}-{number:03d}"


def assign_ids(list_name: str, candidates: Sequence[Candidate], known: Sequence[KnownEntity],
               ever_used: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Give each candidate an id; returns ``(entity_id, rule)`` per candidate, in order.

    ``known`` is ordered by preference (current edition first, then older editions, newest first); an
    entity id appearing twice keeps its first (most recent) version. ``ever_used`` lists every id the list
    has had, so new numbers never collide with retired ones. ``rule`` is ``source_id``, ``name``, ``alias``
    or ``new``.
    """
    seen: set[str] = set()
    earlier: list[KnownEntity] = []
    for k in known:
        if k.entity_id not in seen:
            seen.add(k.entity_id)
            earlier.append(k)

    result: list[tuple[str, str] | None] = [None] * len(candidates)
    claimed: set[str] = set()

    def run(rule: str, known_keys, candidate_keys) -> None:
        index: dict[str, list[KnownEntity]] = {}
        for k in earlier:
            for key in known_keys(k):
                if key:
                    index.setdefault(key, []).append(k)
        for i, c in enumerate(candidates):
            if result[i] is not None:
                continue
            for key in candidate_keys(c):
                if not key:
                    continue
                hit = next((k for k in index.get(key, ()) if k.entity_id not in claimed), None)
                if hit is not None:
                    claimed.add(hit.entity_id)
                    result[i] = (hit.entity_id, rule)
                    break

    run("source_id", lambda k: [k.source_id], lambda c: [c.source_id])
    run("name", lambda k: [name_key(k.name)], lambda c: [name_key(c.name)])
    run("alias", lambda k: [name_key(n) for n in (k.name, *k.aliases)],
        lambda c: [name_key(n) for n in (c.name, *c.aliases)])

    numbers = [n for n in (id_number(list_name, e) for e in (*ever_used, *seen)) if n is not None]
    next_number = max(numbers, default=0) + 1
    out: list[tuple[str, str]] = []
    for r in result:
        if r is None:
            r = (format_id(list_name, next_number), "new")
            next_number += 1
        out.append(r)
    return out
