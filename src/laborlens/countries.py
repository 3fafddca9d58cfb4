"""One country normaliser for every module: ISO-2, ISO-3, English and local names → ISO-2 (rigour's
territory data, as OpenSanctions uses; a province or state gives its country). Unknown values give "" so
they never count as a conflict."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=131_072)  # asked for every word of a name (country qualifiers): keep the vocabulary
def iso2(value: str) -> str:
    v = (value or "").strip()
    if not v:
        return ""
    from rigour.territories import lookup_territory

    t = lookup_territory(v)
    if t is None:
        return ""
    # a subdivision (cn-xj Xinjiang, gb-eng England, ae-du Dubai) counts as its country
    return t.code.split("-", 1)[0].upper()


@lru_cache(maxsize=4096)
def english_name(value: str) -> str:
    """The English name ILAB and CBP use ("China", "Vietnam", "Turkmenistan"); the input when unknown."""
    code = iso2(value)
    if not code:
        return (value or "").strip()
    from rigour.territories import get_territory

    t = get_territory(code.lower())
    name = t.name if t is not None else value
    return {"Hong Kong SAR": "Hong Kong"}.get(name, name)
