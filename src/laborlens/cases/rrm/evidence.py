"""Chain of custody for RRM evidence files: a hash and a copy kept under the data folder.

The same for every edge: the CLI hands over a path it was given, the API and the web form hand over the
file they streamed to disk. Either way the library hashes it, keeps its own copy under
``LABORLENS_HOME/evidence/rrm/<case>/<sha256 prefix>-<name>`` and records that copy's path and digest, so a
later change to the original (or to the copy) shows when the digest is checked again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from laborlens.errors import InputError
from laborlens.fsutil import private_dir

MAX_EVIDENCE = 25 * 1024 * 1024  # 25 MB (decimal MB would be smaller; this is the documented 25 MiB ceiling)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Kept:
    path: Path
    sha256: str
    size: int
    name: str
    new: bool  # False when an identical copy was already in custody

    def discard(self) -> None:
        """Remove a copy made by this call (the unit of work that was to record it failed)."""
        if self.new:
            self.path.unlink(missing_ok=True)


def safe_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", base).strip("._")[-80:] or "file"


def sha256_file(path: Path) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def evidence_dir(home: Path, case_id: str) -> Path:
    return Path(home) / "evidence" / "rrm" / safe_name(case_id)


def take_custody(home: Path, case_id: str, source: Path | str, name: str = "", move: bool = False) -> Kept:
    """Hash ``source`` and keep a copy (``move``: the file itself, e.g. an upload's temporary file)."""
    src = Path(source).expanduser()
    if not src.is_file():
        raise InputError("evidence file not found", file=str(source))
    digest, size = sha256_file(src)
    if size > MAX_EVIDENCE:
        raise InputError("evidence files are limited to 25 MB", column="file")
    shown = name or src.name
    folder = evidence_dir(home, case_id)
    private_dir(folder)  # evidence copies: 0700 folders, 0600 files
    dest = folder / f"{digest[:16]}-{safe_name(shown)}"
    if dest.exists() and sha256_file(dest)[0] == digest:
        if move:
            src.unlink(missing_ok=True)
        return Kept(dest, digest, size, shown, new=False)
    tmp = folder / f".{digest[:16]}.partial"
    if move:
        shutil.move(str(src), tmp)
    else:
        shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, dest)
    return Kept(dest, digest, size, shown, new=True)
