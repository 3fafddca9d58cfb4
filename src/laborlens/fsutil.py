"""Private files and folders, and output folders that change whole or not at all.

Everything laborlens writes may name parties, workers or defenders, so files are created 0600 and folders
0700 whatever the umask. An output folder (verdicts, findings, evidence pack) is written into a staging
folder beside it and swapped in whole: a crash or ``kill -9`` part way leaves the previous folder as it was,
never a new ``verdicts.csv`` beside an old ``report.html``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import stat
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

from laborlens.errors import InputError

FILE_MODE = 0o600
DIR_MODE = 0o700
_TMP, _OLD = ".tmp-", ".old-"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and any missing parents) 0700, and make ``path`` itself 0700 if it existed."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):  # a concurrent creator is fine
            d.mkdir(mode=DIR_MODE)
        os.chmod(d, DIR_MODE)  # mkdir's mode is masked by the umask; chmod is not
    if not missing:
        os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path, mode: str = "w", **kw: Any) -> IO[Any]:
    """Open ``path`` for writing, created (or truncated) with mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, mode, **kw)


def write_private(path: Path, data: bytes) -> Path:
    with private_file(path, "wb") as fh:
        fh.write(data)
    return path


def touch_private(path: Path) -> Path:
    """Create ``path`` empty and 0600 if missing; make an existing one 0600 (e.g. a SQLite database, whose
    -wal and -shm files SQLite creates with the database file's mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def _alive(pid: int) -> bool:
    if pid <= 0:  # not a name staged_dir made; os.kill(0 or -1, …) would address process groups
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _siblings(target: Path, kind: str) -> list[Path]:
    prefix = f".{target.name}{kind}"  # not a glob: a folder name may hold [ or *
    return sorted((p for p in target.parent.iterdir() if p.name.startswith(prefix)),
                  key=lambda p: p.stat().st_mtime)


def _owner_pid(p: Path) -> int:
    try:
        return int(p.name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return -1


def recover(target: Path) -> None:
    """Undo what a killed :func:`staged_dir` left beside ``target``: restore the old folder if the swap
    stopped between its two renames, and remove staging folders whose writer is gone."""
    target = Path(target)
    if not target.parent.exists():
        return
    olds = [p for p in _siblings(target, _OLD) if not _alive(_owner_pid(p))]
    if olds and not target.exists():
        os.rename(olds.pop(), target)  # the newest old folder is the one that was swapped out
    for p in [*olds, *(p for p in _siblings(target, _TMP) if not _alive(_owner_pid(p)))]:
        shutil.rmtree(p, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames:
            os.chmod(Path(dirpath) / n, DIR_MODE)
        for n in filenames:
            p = Path(dirpath) / n
            os.chmod(p, FILE_MODE)  # files a library wrote with the umask's mode (Chromium's PDF, …)
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system has none."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(staged: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staged, target)
        return
    if _exchange(staged, target):
        shutil.rmtree(staged)  # now holds the old folder
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{_OLD}{os.getpid()}-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)  # a kill here leaves no target: recover() renames the old one back
    os.rename(staged, target)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_dir(target: Path, replaces: Collection[str] | None = None) -> Iterator[Path]:
    """Yield an empty private staging folder beside ``target``; on success it replaces ``target`` whole.

    ``replaces`` names the entries an existing ``target`` may hold: a folder holding anything else is
    refused rather than swapped away (``screen -o ~/Documents`` must not delete the documents). On any
    error, or a kill, ``target`` is left as it was."""
    target = Path(target).absolute()
    if not target.parent.exists():
        private_dir(target.parent)
    recover(target)
    if target.exists():
        if not target.is_dir():
            raise InputError(f"{target} exists and is not a folder")
        if replaces is not None:
            foreign = sorted(p.name for p in target.iterdir() if p.name not in replaces)
            if foreign:
                raise InputError(f"{target} holds files laborlens did not write ({', '.join(foreign[:5])}); "
                                 "choose an empty or new output folder")
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TMP}{os.getpid()}-", dir=target.parent))
    try:
        yield staged
        _fsync_tree(staged)
        _swap(staged, target)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def mode_of(path: Path) -> int:
    """The permission bits of ``path`` (for checks and tests)."""
    return stat.S_IMODE(os.stat(path).st_mode)
