"""Codes and numbers: Unified Social Credit Codes (checked by python-stdnum), administrative division codes
(6, 9 and 12 digits), old 15-digit registration numbers and resident ID numbers with a XUAR region part,
and XUAR postcodes (830000-849999)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.cn import uscc

from laborlens.geo.gazetteer import Gazetteer
from laborlens.geo.model import Evidence, Prepared

DIGIT6_RE = re.compile(r"\d{6}")
# registration authority (1-9, A, N, Y) + organisation type + region code 65xxxx + 10 characters
_USCC_RE = re.compile(r"(?<![0-9A-Z])[1-9ANY][1-9]65\d{4}[0-9A-HJ-NP-RTUWXY]{10}(?![0-9A-Z])", re.I)
_DIGITS_RE = re.compile(r"(?<!\d)\d{6,18}[Xx]?(?![0-9A-Za-z])")
_ADMIN_LABEL_RE = re.compile(
    r"(区划代码|行政区划|区划|admin(?:istrative)?[\s-]*(?:division)?[\s-]*code|adcode|division code)")
_POSTAL_LABEL_RE = re.compile(r"(邮编|邮政编码|post\s*code|postal|zip|p\.?\s?c\.?\s*[:：]?\s*$)")
_ID_RE = re.compile(r"65\d{4}(19|20)\d{2}(0[1-9]|1[0-2])")


def uscc_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _USCC_RE.finditer(text)]


class UsccScanner:
    """18-character Unified Social Credit Codes whose region part is a XUAR code. The check character is
    verified with ``stdnum.cn.uscc``; a code with a wrong one still counts (the region part is what places
    the company), and the explanation says it may be a typo or made up."""

    name = "uscc"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return p.digits6

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        for m in _USCC_RE.finditer(p.text):
            code = m.group().upper()
            unit = self.gaz.resolve_code(code[2:8])
            if unit is None:
                continue
            ok = uscc.is_valid(code)
            note = (f"the Unified Social Credit Code {code} carries the XUAR region code {code[2:8]}"
                    f" (check digit {'valid' if ok else 'NOT valid: a typo or a made-up code?'})")
            yield Evidence("xuar", unit, m.group(), m.start(), m.end(), "admin-code", "high", strong=True,
                           note=note)


def _numbers(t: str) -> Iterable[tuple[str, int, int, bool, bool]]:
    """Runs of 6-18 digits outside credit codes: (digits, start, end, admin label before, postal label)."""
    taken = uscc_spans(t)
    for m in _DIGITS_RE.finditer(t):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before = t[max(0, m.start() - 16):m.start()].lower()
        yield (m.group(), m.start(), m.end(), bool(_ADMIN_LABEL_RE.search(before)),
               bool(_POSTAL_LABEL_RE.search(before)))


class PostcodeScanner:
    """XUAR postcodes (830000-849999), unless a label says the number is an administrative code."""

    name = "postcode"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return p.digits6

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        for d, s, e, admin_label, _postal in _numbers(p.text):
            if len(d) == 6 and 830000 <= int(d) <= 849999 and not admin_label:
                note = f"{d} is in the XUAR postcode range 830000-849999"
                yield Evidence("xuar", self.gaz.units["65"], d, s, e, "postal-code", "medium", note=note)


class NumberCodeScanner:
    """Administrative division codes, registration and ID numbers. A label before the number (区划代码,
    邮编, "postcode") decides between a code and a postcode; 650xxx is both a XUAR code and a postcode of
    Kunming, so an unlabelled 65xxxx is only medium."""

    name = "admin-code"

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    def wants(self, p: Prepared) -> bool:
        return p.digits6

    def scan(self, p: Prepared) -> Iterable[Evidence]:
        gaz = self.gaz
        for d, s, e, admin_label, postal_label in _numbers(p.text):
            if len(d) == 6 and d.startswith("65") and not postal_label:
                unit = gaz.resolve_code(d, exact=True)
                if unit is not None:
                    note = f"{d} is the administrative code of {unit.name_zh}" + (
                        "" if admin_label else " (but 650xxx is also the postcode range of Kunming, Yunnan)")
                    yield Evidence("xuar", unit, d, s, e, "admin-code", "high" if admin_label else "medium",
                                   note=note)
            elif len(d) in (9, 12) and d.startswith("65"):
                unit = gaz.township_codes.get(d[:9]) or gaz.resolve_code(d[:6], exact=True)
                if unit is not None:
                    yield Evidence("xuar", unit, d, s, e, "admin-code", "high",
                                   note=f"{d} is a statistical division code under {unit.name_zh}")
            elif len(d) == 15 and d.startswith("65"):
                unit = gaz.resolve_code(d[:6], exact=True)
                if unit is not None:
                    note = f"{d} looks like an old 15-digit business registration number from {unit.name_zh}"
                    yield Evidence("xuar", unit, d, s, e, "admin-code", "medium", note=note)
            elif len(d) == 18 and d.startswith("65") and _ID_RE.match(d):
                unit = gaz.resolve_code(d[:6], exact=True)
                if unit is not None:
                    note = f"{d} looks like a resident ID number registered in {unit.name_zh}"
                    yield Evidence("xuar", unit, d, s, e, "admin-code", "medium", note=note)
