"""Inputs and processes for the background-job tests (test_jobs_queue.py)."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
_A = ("Golden", "Eastern", "Pacific", "Harbor", "Summit", "Silver", "Northern", "Royal", "Bright", "Grand",
      "Lotus", "Phoenix", "Jade", "Ocean", "Crystal", "Evergreen", "Sunrise", "Pioneer", "Unity", "Horizon")
_B = ("Textile", "Garment", "Cotton", "Solar", "Aluminum", "Tomato", "Plastic", "Steel", "Timber", "Paper",
      "Glass", "Copper", "Leather", "Rubber", "Ceramic", "Battery", "Cable", "Yarn", "Fabric", "Machinery")
_C = ("Trading", "Manufacturing", "Industrial", "Import Export", "Holdings", "Works", "Products", "Supply",
      "Logistics", "Materials")
_D = ("Co Ltd", "Company", "Limited", "Corporation", "Group", "Sdn Bhd", "JSC", "GmbH", "SA", "Pvt Ltd",
      "Inc", "LLC")


def big_upload(n: int) -> dict[str, tuple[str, bytes, str]]:
    """``n`` distinct supplier names: enough for the matcher to fan out to its process pool."""
    names = (" ".join(x) for x in itertools.product(_A, _B, _C, _D))
    rows = ["id,name,country,address"] + [f"P{i},{name},VN,Hanoi"
                                          for i, name in zip(range(n), names, strict=False)]
    return {"parties": ("parties.csv", ("\n".join(rows) + "\n").encode(), "text/csv"),
            "links": ("links.csv", b"supplier_id,buyer_id,material\nP1,P0,cotton\n", "text/csv"),
            "shipments": ("shipments.csv", b"id,importer_id,exporter_id,material,hts,description\n"
                          b"SH1,P0,P0,cotton shirts,6205.20,shirts\n", "text/csv")}


def env(home: Path, **extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("LABORLENS_DB", "LABORLENS_QUEUE")}
    e.update({"LABORLENS_HOME": str(home), "PYTHONPATH": SRC + os.pathsep + e.get("PYTHONPATH", ""), **extra})
    return e


def laborlens(*args: str, home: Path, log: Path, **extra: str) -> subprocess.Popen:
    """``laborlens ARGS`` as a process of this test (stopped by the test, by its pid)."""
    fh = log.open("ab")
    try:
        return subprocess.Popen([sys.executable, "-c", "from laborlens.cli import main; main()", *args],
                                env=env(home, **extra), stdin=subprocess.DEVNULL, stdout=fh, stderr=fh)
    finally:
        fh.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port} after {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
