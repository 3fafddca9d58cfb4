"""Uyghur Arabic script and Cyrillic (Russian, Kazakh): a short curated list (``xuar_tables.NON_LATIN``),
matched as whole words or, for names of 5 letters or more, with a case ending (both languages inflect)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from laborlens.geo.gazetteer import Gazetteer
from laborlens.geo.model import Evidence, Prepared

NONLATIN_RE = re.compile(r"[\u0600-\u06ff\u0400-\u04ff]")
_TOKEN_RE = re.compile(r"[\u0600-\u06ff]+|[\u0400-\u04ff]+")


class ArabicCyrillicScanner:
    name = "uyghur-arabic/cyrillic"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return p.nonlatin

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        t = p.text
        low = t.casefold()
        for phrase, phrase_entry in self.gaz.nonlatin_phrases:
            i = low.find(phrase)
            if i >= 0:
                yield Evidence("xuar", phrase_entry.unit, t[i:i + len(phrase)], i, i + len(phrase),
                               phrase_entry.method, strong=phrase_entry.strong, script="Cyrillic")
        table = self.gaz.nonlatin
        for m in _TOKEN_RE.finditer(low):
            tok = m.group()
            entry = table.get(tok)
            if entry is None:
                for k in (tok[:n] for n in range(len(tok) - 1, 4, -1)):
                    if k in table and len(tok) - len(k) <= 6:
                        entry = table[k]
                        break
            if entry is not None:
                script = "Uyghur (Arabic script)" if "\u0600" <= tok[0] <= "\u06ff" else "Cyrillic"
                yield Evidence("xuar", entry.unit, t[m.start():m.end()], m.start(), m.end(), entry.method,
                               strong=entry.strong, script=script)
