"""`laborlens status`, `runs list` and `review queue` on an empty store name the LABORLENS_HOME they read
and how to load data; `screen --name` records a run that `runs list`, `review queue` and `runs diff` see."""

from __future__ import annotations

import json

from laborlens.demo import generate_demo


def test_empty_store_says_where_it_looked_and_how_to_load(cli, home):
    for args in (["status"], ["runs", "list"], ["review", "queue"]):
        r = cli(*args)
        assert r.exit_code == 0, r.output
        flat = " ".join(r.output.split())
        assert f"LABORLENS_HOME={home}" in flat and "laborlens demo" in flat and "laborlens load DIR" in flat
    r = cli("runs", "diff", "a", "b")  # an error, and on an empty store it says which store it read
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and "no run 'a'" in flat and f"LABORLENS_HOME={home}" in flat


def test_screen_name_records_a_run_and_diff_compares(cli, tmp_path):
    generate_demo(tmp_path / "data", seed=7)
    r = cli("screen", tmp_path / "data", "-o", tmp_path / "out", "--name", "first look")
    assert r.exit_code == 0, r.output
    assert "recorded as run" in r.output
    r = cli("runs", "list")
    assert "first look" in r.output
    r = cli("review", "queue", "--list", "uflpa")
    n = int(r.output.split()[0])
    assert n > 0 and "first look" in r.output
    r = cli("runs", "diff", "first look", str(tmp_path / "out"), "--json")
    d = json.loads(r.output)
    assert d["changes"] == [] and d["unchanged"] == d["counts_a"]["presumption"] + d["counts_a"]["review"] + \
        d["counts_a"]["clear"]
    r = cli("runs", "diff", "no such run", "first look")
    assert r.exit_code == 2 and "no run 'no such run'" in r.output


def test_runs_name_needs_a_named_analyst(cli, tmp_path, monkeypatch):
    from laborlens import accounts
    from laborlens.settings import Settings
    from laborlens.store import open_store

    generate_demo(tmp_path / "data", seed=7)
    r = cli("screen", tmp_path / "data", "-o", tmp_path / "out", "--name", "")
    run_id = r.output.split("recorded as run ")[1].split()[0].rstrip(":")
    with open_store(Settings()).session() as s:
        accounts.add_user(s, "ada", "a long password 1", "analyst")
        accounts.add_user(s, "vic", "a long password 2", "viewer")
    assert cli("runs", "name", run_id, "x").exit_code == 2  # nobody named
    monkeypatch.setenv("LABORLENS_PASSWORD", "a long password 2")
    r = cli("runs", "name", run_id, "x", "--as", "vic")
    assert r.exit_code == 2 and "analyst" in r.output
    monkeypatch.setenv("LABORLENS_PASSWORD", "a long password 1")
    assert cli("runs", "name", run_id, "December", "--as", "ada").exit_code == 0
    assert "December" in cli("runs", "list").output
