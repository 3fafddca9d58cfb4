"""Secrets that must live outside the database: the audit-chain key and the key that seals TOTP secrets.

Someone who can edit the database but not read these keys cannot forge the audit chain (its hashes are
HMACs) nor read a user's second factor. Where a key comes from, in order:

1. a setting: ``LABORLENS_AUDIT_KEY`` / ``LABORLENS_AUTH_KEY``, base64 of at least 32 bytes (for keys kept in
   a secret store);
2. ``LABORLENS_HOME/keys/audit.key`` / ``keys/auth.key``: made on first use with mode 0600 in a 0700
   folder, and refused when other users may read it.

Error messages name the file or setting, never key material.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from laborlens.errors import LaborlensError

if TYPE_CHECKING:
    from laborlens.settings import Settings


class KeyProblem(LaborlensError):
    """A key is missing, malformed or unsafe (exit 1: an operator must fix the installation)."""

    exit_code = 1
    http_status = 500


def key_id(key: bytes) -> str:
    """A short public name for a key (a hash: it reveals nothing about the key)."""
    return hashlib.sha256(b"laborlens-key-id\x00" + key).hexdigest()[:12]


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{where}: not valid base64") from None
    if len(key) < 32:
        raise KeyProblem(f"{where}: a key needs at least 32 bytes, this one has {len(key)}")
    return key


def _from_file(path: Path) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyProblem(f"{path}: other users may read this key (mode {stat.S_IMODE(mode):o}); "
                             "chmod 600 it") from None
        return _decode(path.read_text(encoding="ascii"), str(path))
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(key).decode("ascii") + "\n")
    return key


class Keys:
    """The installation's keys, read (or made) once on first use and then kept in memory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _get(self, name: str) -> bytes:
        with self._lock:
            if name not in self._cache:
                setting = getattr(self.settings, f"{name}_key", None)
                if setting is not None and setting.get_secret_value().strip():
                    key = _decode(setting.get_secret_value(), f"LABORLENS_{name.upper()}_KEY")
                else:
                    key = _from_file(self.settings.home / "keys" / f"{name}.key")
                self._cache[name] = key
            return self._cache[name]

    def audit(self) -> bytes:
        """The HMAC key of the audit chain and its signed head."""
        return self._get("audit")

    def auth(self) -> bytes:
        """The AES-256-GCM key that seals TOTP secrets (first 32 bytes)."""
        return self._get("auth")[:32]
