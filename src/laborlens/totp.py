"""Two-factor sign-in: TOTP (RFC 6238, via pyotp) and single-use recovery codes.

Required for admins and for staff assigned to a defender case (:func:`required_for`). The TOTP secret is
sealed with the auth key kept outside the database (AES-256-GCM, bound to the user id), so a copy of the
database does not give away anyone's second factor; recovery codes are stored as SHA-256 only. A code is
accepted once: the time step it belongs to is remembered.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from datetime import UTC, datetime

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.errors import InputError
from laborlens.store.keys import KeyProblem
from laborlens.store.models import RecoveryCode, User

ISSUER = "laborlens"
RECOVERY_CODES = 10


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _aes(s: Session) -> AESGCM:
    keys = s.info.get("keys")
    if keys is None:
        raise KeyProblem("this database session was not opened through laborlens.store: no auth key")
    return AESGCM(keys.auth())


def _aad(user: User) -> bytes:
    return f"laborlens:totp:{user.id}".encode()


def _seal(s: Session, user: User, secret: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aes(s).encrypt(nonce, secret.encode(), _aad(user))).decode("ascii")


def _unseal(s: Session, user: User) -> str:
    blob = base64.b64decode(user.totp_sealed)
    try:
        return _aes(s).decrypt(blob[:12], blob[12:], _aad(user)).decode()
    except InvalidTag:
        raise KeyProblem(f"the two-factor secret of {user.username!r} does not open with this auth "
                         "key") from None


def required_for(s: Session, user: User) -> bool:
    """Admins, and staff currently assigned to a defender case, must use a second factor."""
    if user.role == "admin":
        return True
    from laborlens.cases.models import DefenderAssignment  # cases imports accounts: import late

    q = select(DefenderAssignment.id).where(DefenderAssignment.username == user.username,
                                            DefenderAssignment.revoked_at.is_(None)).limit(1)
    return s.execute(q).first() is not None


def begin_enrolment(s: Session, user: User, actor: str) -> tuple[str, str]:
    """A new (not yet active) secret for ``user``: returns it and its otpauth:// URI for an authenticator
    app. The old factor, if any, keeps working until :func:`confirm_enrolment`."""
    secret = pyotp.random_base32()
    user.totp_sealed = _seal(s, user, secret)
    audit.record(s, actor, "totp.enrol.begin", user.username)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _step_ok(s: Session, user: User, secret: str, code: str, at: float | None = None) -> bool:
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp, now = pyotp.TOTP(secret), at or time.time()
    for drift in (-1, 0, 1):  # one step of clock drift either way
        step = int(now // totp.interval) + drift
        if step > user.totp_last_step and secrets.compare_digest(totp.at(step * totp.interval), code):
            # compare-and-swap: two requests with the same code cannot both win
            res = s.execute(update(User).where(User.id == user.id, User.totp_last_step < step)
                            .values(totp_last_step=step))
            if res.rowcount == 1:  # type: ignore[attr-defined]
                user.totp_last_step = step
                return True
    return False


def confirm_enrolment(s: Session, user: User, code: str, actor: str) -> list[str]:
    """Activate the secret from :func:`begin_enrolment` once the app shows a right code; returns fresh
    recovery codes (shown once; earlier ones stop working)."""
    if not user.totp_sealed:
        raise InputError("start the enrolment first", column="code")
    if not _step_ok(s, user, _unseal(s, user), code):
        raise InputError("that code is not the one the authenticator app shows now", column="code")
    user.totp_enabled = True
    codes = new_recovery_codes(s, user)
    audit.record(s, actor, "totp.enrol", user.username, {"recovery_codes": len(codes)})
    return codes


def new_recovery_codes(s: Session, user: User) -> list[str]:
    s.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
              .values(used_at=_now()))
    codes = ["-".join(secrets.token_hex(5)[i:i + 5] for i in (0, 5)) for _ in range(RECOVERY_CODES)]
    for c in codes:
        s.add(RecoveryCode(user_id=user.id, code_sha256=_code_hash(c)))
    s.flush()
    return codes


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace(" ", "").encode()).hexdigest()


def check(s: Session, user: User, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` when ``code`` is a right current TOTP code or an unused recovery code
    (which is then used up), else None."""
    if not user.totp_enabled:
        return None
    if _step_ok(s, user, _unseal(s, user), code):
        return "totp"
    res = s.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                               RecoveryCode.code_sha256 == _code_hash(code),
                                               RecoveryCode.used_at.is_(None)).values(used_at=_now()))
    return "recovery" if res.rowcount == 1 else None  # type: ignore[attr-defined]


def current_code(s: Session, user: User) -> str:
    """The code an authenticator would show now (for tests and scripted enrolment only)."""
    return pyotp.TOTP(_unseal(s, user)).now()
