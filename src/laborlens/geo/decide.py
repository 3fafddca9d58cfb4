"""The decision: from every piece of evidence the scanners found, the XUAR place a text puts a party in (or
none), its confidence and one sentence saying why.

* A XUAR name right before a street or building word (新疆路, "Xinjiang Rd", 新疆大厦) is only a street.
* Another province or prefecture of China named in the text makes the XUAR reading doubtful: street-only
  evidence gives nothing and other evidence drops to ``medium``; unless that name only names a park beside
  a XUAR place (上海工业园 in a Kashgar county, "Guangdong Industrial Park, Kashgar": the pairing-assistance
  parks carry their donor's name), which leaves the XUAR reading as it is.
* Weak names (common words, brands, places elsewhere) count only beside other, consistent XUAR evidence.
* When the country is not China (given, or named in the text) only explicit evidence counts, at ``medium``.
"""

from __future__ import annotations

from laborlens.geo.model import Evidence, Unit, XuarResult

_LEVEL_TEXT = {
    "province": "the Xinjiang Uyghur Autonomous Region itself",
    "prefecture": "a prefecture-level division of the XUAR",
    "county": "a county-level division of the XUAR",
    "township": "a township-level division of the XUAR",
    "xpcc": "a unit of the Xinjiang Production and Construction Corps, which holds land in the XUAR",
}
_HOW = {
    "chinese": "in Chinese characters",
    "pinyin": "by its pinyin",
    "uyghur-latin/postal": "by a Uyghur-Latin, English or postal spelling",
    "uyghur-arabic": "in Uyghur Arabic script",
    "cyrillic": "in Cyrillic",
    "admin-code": "by its code",
    "postal-code": "by its postcode",
}


def consistent(a: Unit, b: Unit) -> bool:
    if a.xpcc and b.xpcc:
        return True
    if a.code == "65" or b.code == "65":
        return True
    return a.code.startswith(b.code) or b.code.startswith(a.code)


def _confirm(places: list[Evidence]) -> list[Evidence]:
    """Weak and medium evidence beside high, consistent evidence becomes high (a weak name that high evidence
    contradicts stays weak); two weak names of which one
    lies inside the other (新市区 + 二工街道) support each other. Returns the evidence that still counts."""
    highs = [e for e in places if e.conf == "high" and not e.weak]
    for e in places:
        if e.weak and any(not consistent(h.unit, e.unit) for h in highs):
            continue  # 天山区 ... 北京工业园区: the weak name is the one of another county, not this place
        if e.weak or e.conf == "medium":
            for h in highs:
                if h is not e and (h.end <= e.start or e.end <= h.start) and consistent(h.unit, e.unit):
                    e.weak, e.conf = False, "high"
                    break
    weaks = [e for e in places if e.weak]
    nested = [e for e in weaks if any(
        w is not e and (w.end <= e.start or e.end <= w.start) and w.unit.code != e.unit.code
        and "65" not in (w.unit.code, e.unit.code)
        and (w.unit.code.startswith(e.unit.code) or e.unit.code.startswith(w.unit.code)) for w in weaks)]
    for e in nested:
        e.weak, e.conf = False, "medium"
    return [e for e in places if not e.weak]


def decide(evidence: list[Evidence], foreign: bool, foreign_why: str, xpcc_org: Unit) -> XuarResult | None:
    """See the module documentation. ``foreign`` says the party is abroad (``foreign_why`` says why)."""
    xuar = [e for e in evidence if e.kind == "xuar"]
    places = _confirm([e for e in xuar if not e.street])
    streets = [e for e in xuar if e.street]
    # another province's name that is also a (weak) XUAR name counts unless the XUAR reading was confirmed;
    # a donor's name on a park beside a XUAR place does not count at all
    others = [e.label for e in evidence if e.kind == "other" and (e.alt_of is None or e.alt_of.weak)
              and not (e.park and places)]
    caveat = ""
    if foreign:
        places = [e for e in places if e.strong]
        for e in places:
            e.conf = "medium"
        caveat = f"{foreign_why}, so only this explicit name counts"
    elif others:
        places = [e for e in places if e.strong or e.conf == "high"]
        for e in places:
            e.conf = "medium"
        named = ", ".join(dict.fromkeys(others))
        caveat = f"the text also names {named} elsewhere in China, so the party may not be in the XUAR"
    if not places:
        streets = [e for e in streets if not e.weak]
        if streets and not others and not foreign:
            best = max(streets, key=lambda e: (not e.weak, e.unit.rank, len(e.place)))
            caveat = (f"'{best.place}' is used as a street or building name and no province is named, so the "
                      "party may be elsewhere in China")
            return _result(best, "medium", caveat, [best], xpcc_org)
        return None
    best = max(places, key=lambda e: (e.conf == "high", e.unit.rank[0], e.method != "postal-code",
                                      len(e.place), -e.start))
    return _result(best, best.conf, caveat, sorted(places, key=lambda e: e.start), xpcc_org)


def _result(best: Evidence, conf: str, caveat: str, ordered: list[Evidence], xpcc_org: Unit) -> XuarResult:
    u = best.unit
    if u.level == "province":
        what = f"names the Xinjiang Uyghur Autonomous Region ({u.name_zh}, code {u.code})"
    elif u is xpcc_org:
        what = f"names {u.english} ({u.name_zh}, code {u.code}), whose units all lie in the XUAR"
    else:
        what = f"is {u.name_zh} ({u.english}, code {u.code}), {_LEVEL_TEXT[u.level]}"
        if u.note:
            what += f" and {u.note}"
    how = _HOW.get(best.method, best.method)
    if best.method == "xpcc":
        how = f"as an XPCC (Bingtuan) name ({best.script or 'text'})"
    sentence = f"'{best.place}' {what}, found {how}"
    if best.note:
        sentence += f": {best.note}"
    if conf == "medium" and not caveat:
        caveat = best.caveat
    if conf == "medium" and not caveat:
        caveat = {
            "township": "a township name alone is weaker evidence",
            "postal-code": "a postcode alone is weaker evidence",
            "admin-code": "a number alone is weaker evidence",
        }.get(u.level if u.level == "township" else best.method,
              "this name alone is weaker evidence; confirm the location")
    also = [e.place for e in ordered if e is not best]
    if also:
        sentence += "; also found: " + ", ".join(dict.fromkeys(also))
    if caveat:
        sentence += f"; medium confidence because {caveat}"
    evidence = tuple(dict.fromkeys([best.place, *(e.place for e in ordered)]))
    return XuarResult(best.place, u.name_zh, u.code, u.level, best.method, conf, sentence + ".", evidence)
