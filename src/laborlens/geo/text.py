"""Text helpers for XUAR detection: accent folding (rigour's transliteration, one Latin letter at a time),
dictionary keys, Chinese numerals and the trie-shaped regular expression that finds Chinese names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rigour.text.translit import ascii_text

_KEYCHARS_RE = re.compile(r"[^a-z0-9]+")
_QUOTES = {"’": "'", "‘": "'", "ʼ": "'"}


class _FoldTable(dict):
    """``str.translate`` table filled on demand: a Latin letter with accents -> its ASCII spelling by rigour
    (Ü -> U, ß -> ss, ø -> o); every other character (Han, Arabic, Cyrillic ...) is left alone, because the
    Latin scanner must not read a transliterated Cyrillic name as a Uyghur-Latin one."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        out = ch
        if ch in _QUOTES:
            out = _QUOTES[ch]
        elif ch.isalpha() and "LATIN" in unicodedata.name(ch, ""):
            folded = ascii_text(ch)
            if folded and folded.isascii() and folded.isalpha():
                out = folded
        self[cp] = out
        return out


_FOLD = _FoldTable()


def fold_latin(text: str) -> tuple[str, list[int] | None]:
    """``text`` with Latin accents folded, and (when folding changed the length) for each position of the
    result the position in ``text`` it came from; ``None`` when positions are unchanged."""
    if text.isascii():
        return text, None
    folded = text.translate(_FOLD)
    if len(folded) == len(text):
        return folded, None
    index: list[int] = []
    for i, ch in enumerate(text):
        index.extend([i] * len(_FOLD[ord(ch)]) if not ch.isascii() else [i])
    return folded, index


def latin_key(s: str) -> str:
    """The dictionary key of a Latin name: folded, lower case, letters and digits only."""
    return _KEYCHARS_RE.sub("", fold_latin(s)[0].lower())


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
CN_NUM = "零〇一二三四五六七八九十百"


def cn_number(s: str) -> int | None:
    """一五零 -> 150, 一百五十 -> 150, 十二 -> 12, 150 -> 150."""
    if s.isdigit():
        return int(s)
    if "十" not in s and "百" not in s:
        try:
            return int("".join(str(_CN_DIGITS[c]) for c in s))
        except KeyError:
            return None
    total, cur = 0, 0
    for c in s:
        if c in _CN_DIGITS:
            cur = _CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return "".join(digits[int(c)] for c in str(n))


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of ``words``, leftmost-longest, shaped as a trie so that it stays fast."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return ("(?:" + body + ")?") if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return re.compile(emit(trie))
