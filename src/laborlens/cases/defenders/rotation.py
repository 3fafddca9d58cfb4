"""Rotate the defender key: re-encrypt every sealed field under a new key in one transaction.

Order matters so that no crash can leave data sealed under a key that is not on disk: the new key is
written first (``defenders.key.next``, loaded for decryption by :class:`KeyRing`), then the database is
re-sealed and committed, and only then are the files swapped (old key to ``keys/retired/<id>.key``).
A crash after the commit but before the swap leaves both keys loadable; running the command again
resumes with the pending key. Retired keys are kept for backups taken before the rotation; delete them
once those backups are gone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from laborlens import audit
from laborlens.cases.common import Principal, require_role
from laborlens.cases.crypto import KEY_ENV, KEY_FILE, KeyRing, encode_key, key_id, read_key_file, write_secret
from laborlens.cases.defenders.sealing import reseal_all
from laborlens.errors import InputError
from laborlens.store import Store


@dataclass(frozen=True, slots=True)
class Rotation:
    old_key: str
    new_key: str
    resealed: int
    source: str
    retired_to: str = ""


def rotate_key(store: Store, who: Principal, ring: KeyRing, new_key: bytes | None = None) -> Rotation:
    """Admin only; ``ring`` is the installation's current key ring. With a file key a new key is generated;
    with ``LABORLENS_DEFENDER_KEY`` pass ``new_key`` and afterwards set the variable to ``NEW,OLD`` (then
    just ``NEW`` once nothing uses OLD). Runs its own unit of work: the files are swapped after it commits."""
    require_role(who, "admin")
    pending = ring.key_dir / f"{KEY_FILE}.next"
    created = False
    if ring.source == "env":
        if new_key is None:
            raise InputError(
                f"the active key comes from {KEY_ENV}; pass the new key (--new-key-file)", column="new_key"
            )
    elif pending.exists():
        resumed = read_key_file(pending)
        if new_key is not None and new_key != resumed:
            raise InputError(
                f"an interrupted rotation left {pending}; run rotate-key without a new key to "
                "finish it first",
                column="new_key",
            )
        new_key = resumed
    else:
        new_key = new_key or AESGCM.generate_key(bit_length=256)
        write_secret(pending, encode_key(new_key))
        created = True
    if key_id(new_key) == ring.active:
        raise InputError("the new key is the key already in use", column="new_key")
    target = ring.with_active(new_key)
    try:
        with store.session() as s:
            from laborlens.cases.engagements import reseal_summaries

            n = reseal_all(s, target) + reseal_summaries(s, target)
            audit.record(
                s,
                who.username,
                "defenders.key.rotate",
                "",
                {"from": ring.active, "to": target.active, "resealed": n},
            )
    except BaseException:
        if created:
            pending.unlink(missing_ok=True)
        raise
    retired = ""
    if ring.source == "file":
        retired_dir = ring.key_dir / "retired"
        retired_dir.mkdir(mode=0o700, exist_ok=True)
        dest = retired_dir / f"{ring.active}.key"
        os.replace(ring.key_dir / KEY_FILE, dest)
        os.replace(pending, ring.key_dir / KEY_FILE)
        retired = str(dest)
    return Rotation(ring.active, target.active, n, ring.source, retired)
