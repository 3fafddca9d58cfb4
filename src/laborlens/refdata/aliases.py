"""Split the name cells of published lists into a primary name and its aliases.

The DHS UFLPA Entity List page does not give aliases a column of their own: they sit in a parenthesis inside
the "Name of Entity" cell, introduced by a phrase ("and two aliases: A; and B", "also known as A; B",
"formerly known as C"). Other parentheses in a cell belong to the name itself ("Hoshine Silicon Industry
(Shanshan) Co., Ltd"), so only a *top-level* parenthesis that starts with such a phrase is read as aliases.
Aliases are separated by ";" only: names contain commas ("Co., Ltd.") and the word "and" ("Cotton and
Linen"), so neither can be a separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_ALIAS_INTRO = re.compile(
    rf"""^\s*(?:
        (?P<alias>
            (?:and|including)\s+(?:{_NUMBER}\s+)?(?:other\s+)?alias(?:es)?\s*:
          | alias(?:es)?\s*:
          | also\s+known\s+as\s*:?
          | a\.k\.a\.?\s*:? | a/k/a\s*:? | aka\s*:
        )
      | (?P<former>
            formerly\s+known\s+as\s*:? | formerly\s*: | formerly\s+(?=\S)
          | previously\s+known\s+as\s*:?
          | f\.k\.a\.?\s*:? | f/k/a\s*:?
        )
    )\s*""",
    re.I | re.X,
)
_LEADING_CONJUNCTION = re.compile(r"^(?:and|or)\s+", re.I)
_SPACES = re.compile(r"\s+")
_PAREN_SPACE = re.compile(r"(?<=\()\s+|\s+(?=\))")  # "( Shanshan )" → "(Shanshan)", as HTML wraps cells


@dataclass(frozen=True, slots=True)
class NameCell:
    """A parsed name cell. ``aliases`` includes the former names, which are also listed in ``former``."""

    name: str
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()


def _top_level_groups(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of balanced top-level parentheses; an unbalanced one ends the scan."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ,;")


def _split_items(text: str) -> list[str]:
    items = (_LEADING_CONJUNCTION.sub("", _clean(part)) for part in text.split(";"))
    return [_clean(i) for i in items if _clean(i)]


def split_name_cell(cell: str) -> NameCell:
    """Read a DHS-style name cell: ``"Name (and two aliases: A; and B)"`` → ``NameCell("Name", ("A", "B"))``.

    A cell without an alias parenthesis comes back whole (whitespace collapsed).
    """
    text = _PAREN_SPACE.sub("", _SPACES.sub(" ", cell)).strip()
    aliases: list[str] = []
    former: list[str] = []
    kept: list[str] = []
    pos = 0
    for start, end in _top_level_groups(text):
        inner = text[start + 1:end - 1]
        m = _ALIAS_INTRO.match(inner)
        if not m:
            continue
        kept.append(text[pos:start])
        pos = end
        items = _split_items(inner[m.end():])
        aliases.extend(items)
        if m.group("former"):
            former.extend(items)
    kept.append(text[pos:])
    name = _clean(" ".join(kept))
    unique = tuple(dict.fromkeys(a for a in aliases if a != name))
    return NameCell(name, unique, tuple(dict.fromkeys(f for f in former if f != name)))


_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def build_name_cell(name: str, aliases: list[str] | tuple[str, ...], style: str = "and_aliases") -> str:
    """The inverse of :func:`split_name_cell`, in the phrasings the DHS page uses (fixtures and tests).

    ``style`` is ``and_aliases`` ("and two aliases: A; and B"), ``aka`` ("also known as A; B") or
    ``formerly`` ("formerly known as A").
    """
    if not aliases:
        return name
    if style == "aka":
        return f"{name} (also known as {'; '.join(aliases)})"
    if style == "formerly":
        return f"{name} (formerly known as {'; '.join(aliases)})"
    n = len(aliases)
    count = _NUMBER_WORDS[n - 1] if n <= len(_NUMBER_WORDS) else str(n)
    noun = "alias" if n == 1 else "aliases"
    body = aliases[0] if n == 1 else "; ".join(aliases[:-1]) + f"; and {aliases[-1]}"
    return f"{name} (and {count} {noun}: {body})"
