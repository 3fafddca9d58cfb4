"""Files 0600 and folders 0700 whatever the umask; output folders swapped in whole, even under kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from laborlens import fsutil
from laborlens.errors import InputError
from laborlens.fsutil import mode_of, staged_dir

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture(autouse=True)
def _loose_umask():
    """The usual umask (022): the modes checked below must not come from a strict one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _tree_modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): mode_of(p) for p in [root, *root.rglob("*")]}


def test_home_database_wal_and_shm_are_private(store, settings):
    from sqlalchemy import text

    assert mode_of(settings.home) == 0o700
    db = settings.home / "laborlens.db"
    with store.engine.connect() as c:  # WAL mode: -wal and -shm exist while a connection is open
        c.execute(text("CREATE TABLE IF NOT EXISTS probe (x)"))
        c.execute(text("INSERT INTO probe VALUES (1)"))
        c.commit()
        extras = [db.with_name(db.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in extras)
        assert [mode_of(p) for p in [db, *extras]] == [0o600, 0o600, 0o600]


def test_existing_loose_home_and_database_are_tightened(tmp_path):
    from laborlens.settings import Settings
    from laborlens.store import open_store

    home = tmp_path / "old-home"
    home.mkdir(mode=0o755)
    (home / "laborlens.db").touch(mode=0o644)
    open_store(Settings(home=home, db=None))
    assert mode_of(home) == 0o700 and mode_of(home / "laborlens.db") == 0o600


def test_key_files_are_private(settings, monkeypatch):
    from laborlens.cases.crypto import KEY_ENV, KeyRing

    monkeypatch.delenv(KEY_ENV, raising=False)
    assert not settings.home.exists()  # as with a PostgreSQL store: the key ring makes the home folder
    ring = KeyRing.load(settings.home)
    assert mode_of(settings.home) == 0o700
    files = [p for p in ring.key_dir.rglob("*") if p.is_file()]
    assert files and all(mode_of(p) == 0o600 for p in files)
    assert mode_of(ring.key_dir) == 0o700


def test_output_folder_and_files_are_private(tmp_path):
    with staged_dir(tmp_path / "a" / "out") as d:
        (d / "verdicts.csv").write_text("x")  # written with the umask's 0644
        (d / "sub").mkdir()
        (d / "sub" / "report.pdf").write_bytes(b"%PDF")
    modes = _tree_modes(tmp_path / "a")
    assert modes == {".": 0o700, "out": 0o700, "out/verdicts.csv": 0o600, "out/sub": 0o700,
                     "out/sub/report.pdf": 0o600}


def test_job_folders_and_uploads_are_private(settings):
    from fastapi.testclient import TestClient
    from webapp_helpers import accounts_by_role, bearer, demo_files, make_app, wait_done

    app = make_app(settings)
    users = accounts_by_role(app)
    with TestClient(app) as c:
        r = c.post("/api/jobs", files=demo_files(), headers=bearer(users, "analyst"))
        assert r.status_code == 202, r.text
        assert wait_done(c, r.json()["id"], bearer(users, "analyst"))["status"] == "done"
    job = settings.home / "jobs" / r.json()["id"]
    assert mode_of(settings.home / "jobs") == 0o700 and mode_of(job) == 0o700
    assert mode_of(job / "in") == 0o700 and mode_of(job / "out") == 0o700
    uploads = list((job / "in").iterdir())
    assert len(uploads) == 3 and all(mode_of(p) == 0o600 for p in uploads)


def test_evidence_copies_are_private(settings, monkeypatch):
    from fastapi.testclient import TestClient
    from sqlalchemy import select
    from webapp_helpers import accounts_by_role, bearer, make_app

    from laborlens.cases.crypto import KEY_ENV
    from laborlens.cases.models import RrmPetition

    monkeypatch.delenv(KEY_ENV, raising=False)
    app = make_app(settings)
    users = accounts_by_role(app)
    with TestClient(app) as c:
        assert c.post("/api/cases/rrm/load-real", headers=bearer(users, "admin")).status_code < 300
        with app.state.store.session() as s:
            version = s.execute(select(RrmPetition.version).where(RrmPetition.id == "RRM-R18")).scalar_one()
        r = c.post("/api/cases/rrm/RRM-R18/evidence", headers=bearer(users, "analyst"),
                   data={"version": str(version)},
                   files={"file": ("statement.txt", b"worker statement", "text/plain")})
        assert r.status_code < 300, r.text
    root = settings.home / "evidence"
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files and all(mode_of(p) == 0o600 for p in files)
    assert all(mode_of(p) == 0o700 for p in [root, *root.rglob("*")] if p.is_dir())


def test_a_failed_write_leaves_the_old_folder_and_no_staging(tmp_path):
    out = tmp_path / "out"
    with staged_dir(out) as d:
        (d / "verdicts.csv").write_text("old")
    with pytest.raises(RuntimeError), staged_dir(out) as d:
        (d / "verdicts.csv").write_text("new")
        raise RuntimeError("renderer crashed")
    assert (out / "verdicts.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_holding_other_files_is_refused_not_replaced(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.docx").write_text("years of work")
    with pytest.raises(InputError, match="thesis.docx"), staged_dir(docs, replaces={"verdicts.csv"}):
        pass
    assert (docs / "thesis.docx").read_text() == "years of work"


def test_recover_restores_the_old_folder_after_a_kill_between_renames(tmp_path):
    """Without an atomic exchange the swap is two renames; a kill between them leaves ``.out.old-PID-*``."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "out"
    old = tmp_path / f".out.old-{dead.pid}-abcdefgh"
    old.mkdir()
    (old / "verdicts.csv").write_text("old")
    stale = tmp_path / f".out.tmp-{dead.pid}-ijklmnop"
    stale.mkdir()
    (stale / "verdicts.csv").write_text("half")
    fsutil.recover(out)
    assert (out / "verdicts.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


WRITER = """
import sys, time
from pathlib import Path
from laborlens.fsutil import staged_dir
target, gen = Path(sys.argv[1]), sys.argv[2]
with staged_dir(target, replaces={"verdicts.csv", "findings.jsonl", "report.html"}) as tmp:
    for name in ("verdicts.csv", "findings.jsonl", "report.html"):
        (tmp / name).write_text(gen * 20000)
        print(name, flush=True)
        time.sleep(0.02)
print("swapped", flush=True)
"""


def _generation(out: Path) -> set[str]:
    return {p.read_text()[:3] for p in out.iterdir()}


def test_kill_9_mid_write_never_leaves_a_mixed_folder(tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-c", WRITER, str(out), "old"], check=True, env=env, capture_output=True)
    assert _generation(out) == {"old"}
    seen = set()
    # kill after each file, then at spread-out delays that land in the fsync/swap/cleanup steps as well
    plans: list[tuple[str | None, float]] = [("verdicts.csv", 0), ("findings.jsonl", 0), ("report.html", 0),
                                              *((None, 0.05 + 0.01 * k) for k in range(12))]
    for k, (after, delay) in enumerate(plans):
        gen = f"n{k:02d}"[-3:]
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(out), gen], env=env, stdout=subprocess.PIPE,
                             text=True)
        assert p.stdout is not None
        if after:
            while p.stdout.readline().strip() != after:
                pass
        else:
            p.stdout.readline()  # started writing
            time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        fsutil.recover(out)  # what the next run does first
        got = _generation(out)
        assert len(got) == 1 and len(list(out.iterdir())) == 3, (after, delay, got)  # old or new, whole
        seen |= got
        assert [x.name for x in tmp_path.iterdir()] == ["out"]
    assert "old" in seen  # kills during the writes kept the old folder


def test_kill_9_during_screen_keeps_verdicts_and_report_together(tmp_path):
    """The reported fault: ``kill -9`` of ``laborlens screen`` after verdicts.csv but before report.html."""
    from laborlens.demo import generate_demo

    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "LABORLENS_HOME": str(tmp_path / "home")}
    env.pop("LABORLENS_DB", None)
    generate_demo(tmp_path / "a", seed=7)
    generate_demo(tmp_path / "b", seed=8)
    runs = tmp_path / "runs"
    runs.mkdir()
    out = runs / "out"
    cmd = [sys.executable, "-c", "from laborlens.cli import main; main()", "screen"]
    subprocess.run([*cmd, str(tmp_path / "a"), "-o", str(out)], check=True, env=env, capture_output=True)
    before = {n: (out / n).read_bytes() for n in ("verdicts.csv", "report.html")}
    t0 = time.time()
    p = subprocess.Popen([*cmd, str(tmp_path / "b"), "-o", str(out)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None:  # the new verdicts.csv exists somewhere
        if any(f.stat().st_mtime > t0 for f in runs.rglob("verdicts.csv") if f.exists()):
            break
        time.sleep(0.002)
    p.send_signal(signal.SIGKILL)
    assert p.wait() == -signal.SIGKILL, "screen finished before the kill; the test proves nothing"
    after = {n: (out / n).read_bytes() for n in ("verdicts.csv", "report.html")}
    assert after == before


def test_swap_without_an_atomic_exchange_still_replaces_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(fsutil, "_exchange", lambda a, b: False)  # a file system without RENAME_EXCHANGE
    out = tmp_path / "out"
    for gen in ("old", "new"):
        with staged_dir(out) as d:
            (d / "verdicts.csv").write_text(gen)
            (d / "report.html").write_text(gen)
    assert _generation(out) == {"new"} and [p.name for p in tmp_path.iterdir()] == ["out"]
