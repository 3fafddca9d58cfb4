"""Which input materials can end up in which outputs: the question "wholly or in part" turns on.

A link "S sells m to B" only matters for B's output o if m can be an input of o at some depth (cotton can
end up in a garment; aluminum sheet cannot end up in a tomato sauce). :class:`MaterialMap` answers that, and
is deliberately conservative: UFLPA has no de-minimis threshold, so a material the map does not know is
*assumed* to feed anything (and anything to feed it) rather than silently dropped. Callers get the
relation kind (``same``, ``feeds``, ``assumed``, ``none``) so a verdict can say when tracing was conservative.

Names are normalised first (:func:`normalize_material`): case, Unicode width, punctuation, plurals and a
synonym table ("poly-silicon" -> "polysilicon", "PV modules" -> "solar module", "yarn" -> "cotton yarn").
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from laborlens.errors import InputError
from laborlens.trace import material_data as data

SAME, FEEDS, ASSUMED, NONE = "same", "feeds", "assumed", "none"

_PUNCT = re.compile(r"[\s\-_/\\,;:.()\[\]{}'\"+&*|!?#@%$<>=~`^]+")
# Words whose final "s" is not a plural (and plural forms we handle by hand).
_KEEP = frozenset({"glass", "gas", "series", "species", "jeans", "clothes", "lens", "mass", "news", "aids"})
_IRREGULAR = {"tomatoes": "tomato", "potatoes": "potato", "leaves": "leaf", "knives": "knife"}


def _singular(word: str) -> str:
    """English plural -> singular for one word; cheap rules suffice for material names."""
    if word in _KEEP or len(word) <= 3 or not word.isascii():
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _clean(text: str) -> str:
    """Casefold, fold width (full-width Latin in Chinese files), split on punctuation, singularise words."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    words = [_singular(w) for w in _PUNCT.split(text) if w]
    return " ".join(data.WORD_VARIANTS.get(w, w) for w in words)


def _compact(text: str) -> str:
    return text.replace(" ", "")


@lru_cache(maxsize=1)
def _builtin_lookup() -> dict[str, str]:
    return _build_lookup(data.MATERIALS, data.SYNONYMS)


def _build_lookup(materials: Iterable[str], synonyms: Mapping[str, str]) -> dict[str, str]:
    """Cleaned and space-free forms of every canonical name and synonym -> canonical name."""
    lookup: dict[str, str] = {}
    for m in materials:
        lookup[_clean(m)] = m
        lookup.setdefault(_compact(_clean(m)), m)
    for alias, target in synonyms.items():
        lookup[_clean(alias)] = target
        lookup.setdefault(_compact(_clean(alias)), target)
    return lookup


def normalize_material(s: str) -> str:
    """Canonical name of a material as written in a supplier file; unknown names come back cleaned
    (casefolded, singular, single-spaced) so that two spellings of the same unknown material still meet."""
    return _normalize(s, _builtin_lookup())


def _normalize(s: str, lookup: Mapping[str, str]) -> str:
    cleaned = _clean(s)
    hit = lookup.get(cleaned)
    if hit is None:
        hit = lookup.get(_compact(cleaned))
    return hit if hit is not None else cleaned


@dataclass(frozen=True, slots=True)
class MaterialEdge:
    """``input`` can be an input of ``output``; ``factor``: output mass per unit input (material_data)."""

    input: str
    output: str
    factor: float | None = 1.0
    source: str = "builtin"


class MaterialMap:
    """An input -> output graph of materials with its transitive closure, built once (it is small).

    Immutable: :meth:`with_bom` and :meth:`with_edges` return a new map, so a shared default is safe.
    """

    def __init__(self, edges: Iterable[MaterialEdge], sectors: Mapping[str, Sequence[str]] | None = None,
                 synonyms: Mapping[str, str] | None = None, raw_also: Iterable[str] = (),
                 origin_also: Iterable[str] = ()) -> None:
        self._synonyms = dict(synonyms or {})
        self._sectors = {m: tuple(s) for m, s in (sectors or {}).items()}
        merged: dict[tuple[str, str], MaterialEdge] = {}
        for e in edges:  # a later edge for the same pair (a bom row) overrides the factor
            merged[(e.input, e.output)] = e
        self.edges: tuple[MaterialEdge, ...] = tuple(merged.values())
        names = set(self._sectors)
        for e in self.edges:
            names.update((e.input, e.output))
        self.materials: tuple[str, ...] = tuple(sorted(names))
        self._index = {m: i for i, m in enumerate(self.materials)}
        self._lookup = _build_lookup(self.materials, self._synonyms)
        for m in self.materials:
            if self.normalize(m) != m:
                raise ValueError(f"material name {m!r} is not in normal form ({self.normalize(m)!r})")
        self._raw_also = frozenset(raw_also)
        self._origin_also = frozenset(origin_also)
        self._has_input = frozenset(e.output for e in self.edges)
        self._reach, self._factor = self._closure()

    @classmethod
    def default(cls) -> MaterialMap:
        """The built-in map for the UFLPA high-priority sectors (cached)."""
        return _default_map()

    # -- names ---------------------------------------------------------------------------------------------
    def normalize(self, s: str) -> str:
        """Like :func:`normalize_material`, also knowing materials added by a bom. A product named with its
        material in front ("cotton knit fabric", "cotton T-shirts") is read as the product when that
        material can feed it (so "steel wire" never becomes copper wire)."""
        out = _normalize(s, self._lookup)
        if out in self._index or " " not in out:
            return out
        words = out.split(" ")
        for k in range(1, len(words)):
            head, tail = " ".join(words[:k]), _normalize(" ".join(words[k:]), self._lookup)
            h = _normalize(head, self._lookup)
            i, j = self._index.get(h), self._index.get(tail)
            if i is not None and j is not None and self._reach[i, j]:
                return tail
        return out

    def is_known(self, material: str) -> bool:
        return self.normalize(material) in self._index

    def is_raw(self, material: str) -> bool:
        """A farm or mine product: known, and the map knows no input for it (or it is listed as raw)."""
        m = self.normalize(material)
        if m not in self._index:
            return False
        return m in self._raw_also or m not in self._has_input

    def is_origin(self, material: str) -> bool:
        """Where tracing to origin ends: a raw material, or a sector's origin point (primary aluminum: the
        smelter). A party selling it with no recorded inputs is not an untraced tier."""
        return self.is_raw(material) or self.normalize(material) in self._origin_also

    def sectors(self, material: str) -> tuple[str, ...]:
        """UFLPA high-priority sector labels the material belongs to (empty when none or unknown)."""
        return tuple(data.SECTOR_LABELS.get(k, k) for k in self._sectors.get(self.normalize(material), ()))

    # -- relations -----------------------------------------------------------------------------------------
    def relation(self, input_material: str, output_material: str) -> str:
        """``same``, ``feeds`` (known chain), ``assumed`` (unknown or blank material: conservative) or
        ``none``."""
        a, b = self.normalize(input_material), self.normalize(output_material)
        if not a or not b:  # a blank material says nothing: assume it can feed
            return ASSUMED
        if a == b:
            return SAME
        i, j = self._index.get(a), self._index.get(b)
        if i is None or j is None:
            return ASSUMED
        return FEEDS if self._reach[i, j] else NONE

    def feeds(self, input_material: str, output_material: str) -> bool:
        """Can ``input_material`` end up in ``output_material`` at any depth? Reflexive (a trader passes a
        material on), and True when either is unknown (no de-minimis: do not drop what we cannot rule out)."""
        return self.relation(input_material, output_material) != NONE

    def chain(self, input_material: str, output_material: str) -> list[str]:
        """One shortest known material chain input -> ... -> output (empty when none is known)."""
        a, b = self.normalize(input_material), self.normalize(output_material)
        if a == b:
            return [a]
        prev: dict[str, str] = {a: a}
        frontier = [a]
        while frontier:
            nxt = []
            for m in frontier:
                for e in self.edges:
                    if e.input == m and e.output not in prev:
                        prev[e.output] = m
                        nxt.append(e.output)
            frontier = nxt
        if b not in prev:
            return []
        out = [b]
        while out[-1] != a:
            out.append(prev[out[-1]])
        return out[::-1]

    def conversion(self, input_material: str, output_material: str) -> float | None:
        """Best (largest) known output per unit of input along any chain; 1.0 for the same material, 0.0 when
        the input cannot feed the output, None when it feeds but no mass conversion is known."""
        a, b = self.normalize(input_material), self.normalize(output_material)
        if a == b:
            return 1.0
        i, j = self._index.get(a), self._index.get(b)
        if i is None or j is None:
            return None
        if not self._reach[i, j]:
            return 0.0
        f = self._factor[i, j]
        return None if np.isnan(f) else float(f)

    def matrices(self, materials: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectorised relations among already-normalised ``materials``: (relevant, assumed, factor), each
        (n, n) with row = input, column = output. ``factor`` is NaN where no mass conversion is known."""
        n = len(materials)
        idx = np.array([self._index.get(m, -1) for m in materials], dtype=np.int64)
        known = idx >= 0
        relevant = np.zeros((n, n), dtype=bool)
        factor = np.full((n, n), np.nan)
        kk = np.flatnonzero(known)
        if kk.size:
            sub = np.ix_(kk, kk)
            relevant[sub] = self._reach[np.ix_(idx[kk], idx[kk])]
            factor[sub] = self._factor[np.ix_(idx[kk], idx[kk])]
        assumed = ~known[:, None] | ~known[None, :]
        np.fill_diagonal(assumed, False)
        blank = np.array([not m for m in materials], dtype=bool)
        assumed[blank, :] |= True
        assumed[:, blank] |= True
        relevant |= assumed
        np.fill_diagonal(relevant, True)
        np.fill_diagonal(factor, 1.0)
        factor[~relevant] = 0.0
        return relevant, assumed, factor

    # -- extension -----------------------------------------------------------------------------------------
    def with_edges(self, edges: Iterable[MaterialEdge]) -> MaterialMap:
        return MaterialMap((*self.edges, *edges), self._sectors, self._synonyms, self._raw_also,
                           self._origin_also)

    def with_bom(self, path: str | Path) -> MaterialMap:
        """A new map extended by a bill-of-materials file: CSV with header ``output,input`` and an optional
        ``ratio`` (output per unit of input, like the map's factors: cotton yarn,cotton,0.9). Names are
        normalised with this map's synonyms; new names become known materials. Bad rows raise
        :class:`InputError` naming file, spreadsheet row (header = 1) and column."""
        return self.with_edges(read_bom(path, self.normalize))

    # -- internals -----------------------------------------------------------------------------------------
    def _closure(self) -> tuple[np.ndarray, np.ndarray]:
        """Reachability and best conversion factor by Floyd-Warshall: the map has ~100 materials, so
        n^3 in numpy is instant and every later query is a table look-up."""
        n = len(self.materials)
        reach = np.eye(n, dtype=bool)
        best = np.full((n, n), -1.0)  # best numeric product; -1 = no numeric chain
        np.fill_diagonal(best, 1.0)
        for e in self.edges:
            i, j = self._index[e.input], self._index[e.output]
            reach[i, j] = True
            if e.factor is not None:
                best[i, j] = max(best[i, j], e.factor)
        for k in range(n):
            reach |= reach[:, k:k + 1] & reach[k:k + 1, :]
            via = np.where((best[:, k:k + 1] >= 0) & (best[k:k + 1, :] >= 0),
                           best[:, k:k + 1] * best[k:k + 1, :], -1.0)
            np.maximum(best, via, out=best)
        factor = np.where(best >= 0, best, np.nan)
        return reach, factor


@lru_cache(maxsize=1)
def _default_map() -> MaterialMap:
    edges = [MaterialEdge(a, b, f) for a, b, f in data.EDGES]
    return MaterialMap(edges, data.MATERIALS, data.SYNONYMS, data.RAW_ALSO, data.ORIGIN_ALSO)


def read_bom(path: str | Path, normalize: Callable[[str], str] = normalize_material) -> list[MaterialEdge]:
    """Parse a bom.csv into edges, all or nothing: every bad row is an :class:`InputError`."""
    p = Path(path)
    name = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=name) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [normalize_header(h) for h in next(reader, [])]
    for col in ("output", "input"):
        if col not in header:
            raise InputError(f"missing column '{col}' (need output,input and optional ratio)", file=name,
                             row=1, column=col)
    pos: dict[str, int] = {c: header.index(c) for c in ("output", "input", "ratio") if c in header}
    edges: list[MaterialEdge] = []
    for row in reader:
        row_no = reader.line_num  # the spreadsheet row, also when a quoted cell spans lines
        if not any(cell.strip() for cell in row):
            continue
        cells: dict[str, str] = {c: (row[i].strip() if i < len(row) else "") for c, i in pos.items()}
        for col in ("output", "input"):
            if not cells[col]:
                raise InputError(f"empty {col} material", file=name, row=row_no, column=col)
        factor = 1.0
        if cells.get("ratio"):
            try:
                factor = float(cells["ratio"])
            except ValueError:
                raise InputError(f"ratio '{cells['ratio']}' is not a number", file=name, row=row_no,
                                 column="ratio") from None
            if not math.isfinite(factor) or factor < 0:
                raise InputError(f"ratio {cells['ratio']} must be a finite number >= 0", file=name,
                                 row=row_no, column="ratio")
        out, inp = normalize(cells["output"]), normalize(cells["input"])
        if not out or not inp:
            col = "output" if not out else "input"
            raise InputError(f"{col} material has no letters or digits", file=name, row=row_no, column=col)
        if out == inp:
            raise InputError(f"input and output are the same material '{out}'", file=name, row=row_no,
                             column="input")
        edges.append(MaterialEdge(inp, out, factor, source=f"{name}:{row_no}"))
    return edges


def normalize_header(h: str) -> str:
    return unicodedata.normalize("NFKC", h).strip().casefold().replace(" ", "_")
