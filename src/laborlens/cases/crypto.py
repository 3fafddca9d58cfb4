"""Field encryption for defender identities: AES-256-GCM with a key id stored beside every ciphertext.

Where the key comes from, in order (the edge reads the settings and passes them in: this module never
looks at the environment itself):
1. ``Settings.defender_key`` (``LABORLENS_DEFENDER_KEY``): base64 of 32 bytes. A comma-separated list
   is allowed; the first key encrypts, the rest only decrypt (so an operator can rotate a key kept in a
   secret store).
2. ``LABORLENS_HOME/keys/defenders.key``: created on first use with mode 0600 (folder 0700), refused if
   other users can read it. Keys from an interrupted or finished rotation (``defenders.key.next``,
   ``keys/retired/*.key``) are loaded for decryption only.

Each ciphertext is bound (as associated data) to the row it belongs to, so a sealed identity copied onto
another case does not decrypt. Key ids are a hash of the key and reveal nothing about it. Error messages
never include key material or plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from laborlens.store.keys import KeyProblem, key_id

if TYPE_CHECKING:
    from laborlens.settings import Settings

KEY_ENV = "LABORLENS_DEFENDER_KEY"
KEY_FILE = "defenders.key"
NONCE = 12


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyProblem(f"{where}: not valid base64") from None
    if len(key) != 32:
        raise KeyProblem(f"{where}: an AES-256 key must be 32 bytes, this one is {len(key)}")
    return key


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def write_secret(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only; never overwrite an existing key."""
    from laborlens.fsutil import private_dir

    private_dir(path.parent)  # and any missing parent (LABORLENS_HOME when the store is PostgreSQL) 0700
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(f"{path}: other users can read this key; run `chmod 600 {path}`")
    return decode_key(path.read_text(encoding="ascii"), str(path))


@dataclass(frozen=True)
class KeyRing:
    keys: Mapping[str, bytes]
    active: str
    source: str  # "env" | "file"
    key_dir: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        key = settings.defender_key.get_secret_value() if settings.defender_key else None
        return cls.load(settings.home, key)

    @classmethod
    def load(cls, home: Path, env_key: str | None = None) -> KeyRing:
        """The keys under ``home/keys``, with ``env_key`` (the ``defender_key`` setting) taking precedence."""
        key_dir = Path(home) / "keys"
        keys: dict[str, bytes] = {}
        for extra in [key_dir / f"{KEY_FILE}.next", *sorted((key_dir / "retired").glob("*.key"))]:
            if extra.is_file():
                k = read_key_file(extra)
                keys[key_id(k)] = k
        if (env_key or "").strip():
            parts = [decode_key(p, KEY_ENV) for p in (env_key or "").split(",") if p.strip()]
            for k in parts:
                keys[key_id(k)] = k
            return cls(keys, key_id(parts[0]), "env", key_dir)
        main = key_dir / KEY_FILE
        if not main.exists():
            write_secret(main, encode_key(AESGCM.generate_key(bit_length=256)))
        k = read_key_file(main)
        keys[key_id(k)] = k
        return cls(keys, key_id(k), "file", key_dir)

    def with_active(self, key: bytes) -> KeyRing:
        return KeyRing({**self.keys, key_id(key): key}, key_id(key), self.source, self.key_dir)

    def seal(self, plaintext: bytes, aad: str) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE)
        ct = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext, aad.encode())
        return self.active, nonce + ct

    def open(self, kid: str, blob: bytes, aad: str) -> bytes:
        key = self.keys.get(kid)
        if key is None:
            raise KeyProblem(
                f"no key with id {kid} is available (was the key file replaced, or the old key "
                f"removed before a rotation finished?)"
            )
        try:
            return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], aad.encode())
        except InvalidTag:
            raise KeyProblem(
                f"a sealed field failed its integrity check (key {kid}); it was altered or "
                "moved between records"
            ) from None

    def pseudonym(self, token: bytes) -> str:
        """``DEF-`` + HMAC of a random per-case token under a key derived from the active key.

        The token is random, so the pseudonym carries no trace of the name; it is stored at creation and
        so survives key rotation."""
        sub = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"laborlens defender pseudonym"
        ).derive(self.keys[self.active])
        return "DEF-" + hmac.new(sub, token, hashlib.sha256).hexdigest()[:4].upper()
