"""Receipt codes: what lets an anonymous worker come back (GlobaLeaks-style).

20 symbols of Crockford's base32 = 100 random bits from :mod:`secrets`: guessing is hopeless, and even a
stolen database does not help, because only a SHA-256 of the code is stored (with 2^100 candidates there is
no dictionary to try). Crockford's alphabet has no I, L, O or U, and reading folds the look-alikes (O→0,
I/L→1), so a code copied by hand off a phone screen still works. The clear code is shown once and never
stored, logged or put in a URL.
"""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
BITS = LENGTH * 5
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})
# a code as typed: five groups of four, separated by a space or dash or not at all (not any 20 letters
# with spaces, which ordinary sentences are)
CODE_AT_START = re.compile(r"^\s*([0-9A-Za-z]{4}(?:[\s-]?[0-9A-Za-z]{4}){4})(?![0-9A-Za-z])")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str) -> str | None:
    """The 20 symbols of a typed code, or None when it cannot be one (wrong length or letters)."""
    c = re.sub(r"[\s-]", "", code or "").upper().translate(_FOLD)
    if len(c) != LENGTH or any(ch not in ALPHABET for ch in c):
        return None
    return c


def digest(code: str) -> str | None:
    c = normalise(code)
    if c is None:
        return None
    return hashlib.sha256(b"laborlens-receipt\x00" + c.encode()).hexdigest()


def split_leading_code(text: str) -> tuple[str | None, str]:
    """(code, rest) when a message starts with something shaped like a receipt code, else (None, text)."""
    m = CODE_AT_START.match(text or "")
    if m and normalise(m.group(1)):
        return m.group(1), text[m.end() :].strip()
    return None, text
