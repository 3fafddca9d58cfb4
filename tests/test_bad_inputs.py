"""The corpus of bad inputs (tests/fixtures/bad, made by its generate.py) through every way in: `load`,
`lists import`, `match` and the upload API. Each must end with exit code 2 / HTTP 400, an error naming the
file, the row and the column, and nothing loaded (no store rows, no list edition, no output file)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from webapp_helpers import accounts_by_role, bearer, demo_files, make_app

from laborlens.errors import BadFile, InputErrors
from laborlens.ingest import read_table_full
from laborlens.ingest.limits import Limits
from laborlens.ingest.textio import check_json_depth, iter_xlsx_rows
from laborlens.store import models as m

BAD = Path(__file__).parent / "fixtures" / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text("utf-8"))
sys.path.insert(0, str(BAD))
import generate  # noqa: E402  (the corpus generator, also used for the big workbooks)


def _names_spot(message: str, where: dict) -> None:
    """The message names the file, the row and the column (in the file:row:column prefix or in words)."""
    assert f"{where['file']}:{where['row']}" in message, message
    col = where["column"]
    assert any(s in message for s in (f":{where['row']}:{col}:", f"column {col}", f"'{col}'")), message


def test_corpus_is_what_generate_makes(tmp_path: Path) -> None:
    again = generate.generate(tmp_path)
    assert again == EXPECTED
    for sub in ("load", "lists", "match"):
        for path in (tmp_path / sub).rglob("*"):
            if path.is_file():
                assert path.read_bytes() == (BAD / path.relative_to(tmp_path)).read_bytes(), path


@pytest.mark.parametrize("case", sorted(EXPECTED["load"]))
def test_load_refuses(case: str, cli, store) -> None:
    r = cli("load", BAD / "load" / case)
    assert r.exit_code == 2, r.output
    _names_spot(" ".join(r.output.split("\n")), EXPECTED["load"][case])
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Party)) == 0
        assert s.scalar(select(func.count()).select_from(m.LoadRecord)) == 0


@pytest.mark.parametrize("case", sorted(EXPECTED["lists"]))
def test_lists_import_refuses(case: str, cli_admin, cli, store) -> None:
    r = cli("lists", "import", BAD / "lists" / case, "--list", "badlist")
    assert r.exit_code == 2, r.output
    _names_spot(" ".join(r.output.split("\n")), EXPECTED["lists"][case])
    assert "badlist" not in cli("lists").output


@pytest.mark.parametrize("case", sorted(EXPECTED["match"]))
def test_match_refuses(case: str, cli, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    r = cli("match", BAD / "match" / case, "-o", out)
    assert r.exit_code == 2, r.output
    _names_spot(" ".join(r.output.split("\n")), EXPECTED["match"][case])
    assert not out.exists() and not list(tmp_path.glob("out.csv*"))


@pytest.fixture()
def api(settings):
    app = make_app(settings)
    with TestClient(app) as c:
        yield c, accounts_by_role(app), app


@pytest.mark.parametrize("case", sorted(EXPECTED["load"]))
def test_upload_job_refuses(case: str, api) -> None:
    client, users, app = api
    where = EXPECTED["load"][case]
    files = demo_files()
    files["parties"] = (where["file"], (BAD / "load" / case / where["file"]).read_bytes(), "text/plain")
    r = client.post("/api/jobs", files=files, headers=bearer(users, "analyst"))
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    _names_spot(message, {**where, "file": "parties" + Path(where["file"]).suffix})
    assert str(app.state.settings.home) not in message  # the server's folders are not the user's business
    assert client.get("/api/jobs", headers=bearer(users, "analyst")).json()["jobs"] == []


@pytest.mark.parametrize("case", sorted(EXPECTED["lists"]))
def test_upload_list_refuses(case: str, api) -> None:
    client, users, _app = api
    files = {"file": (case, (BAD / "lists" / case).read_bytes(), "text/plain")}
    r = client.post("/api/lists/badlist/import", headers=bearer(users, "admin"), files=files)
    assert r.status_code == 400, r.text
    _names_spot(r.json()["error"]["message"], EXPECTED["lists"][case])
    names = [w["name"] for w in client.get("/api/lists", headers=bearer(users, "admin")).json()["watchlists"]]
    assert "badlist" not in names


# --- caps checked while streaming -----------------------------------------------------------------------

def test_zip_bomb_cell_is_refused_before_it_is_inflated(tmp_path: Path, cli, store) -> None:
    d = tmp_path / "bomb"
    d.mkdir()
    book = generate.zip_bomb_xlsx(d / "parties.xlsx")
    assert book.stat().st_size < 8 * 1024 * 1024  # small on disk, 1 GiB unpacked
    import psutil

    before = psutil.Process().memory_info().rss
    r = cli("load", d)
    assert r.exit_code == 2, r.output
    assert "parties.xlsx" in r.output and "unpacks to" in r.output
    assert psutil.Process().memory_info().rss - before < 200 * 1024 * 1024
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Party)) == 0


def test_five_million_row_sheet_stops_at_the_row_cap(tmp_path: Path, cli, store, monkeypatch) -> None:
    monkeypatch.setenv("LABORLENS_MAX_ROWS", "20000")
    d = tmp_path / "rows"
    d.mkdir()
    book = generate.many_rows_xlsx(d / "parties.xlsx")
    assert book.stat().st_size < 16 * 1024 * 1024
    r = cli("load", d)
    assert r.exit_code == 2, r.output
    assert "parties.xlsx:20002" in r.output and "more than 20000 rows" in r.output
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Party)) == 0


def test_row_cap_in_csv_and_settings_reach_the_reader(tmp_path: Path, cli, store, monkeypatch) -> None:
    d = tmp_path / "many"
    d.mkdir()
    rows = "".join(f"P{i},N{i},CN,x\n" for i in range(51))
    (d / "parties.csv").write_text("id,name,country,address\n" + rows)
    monkeypatch.setenv("LABORLENS_MAX_ROWS", "50")
    r = cli("load", d)
    assert r.exit_code == 2 and "parties.csv:52" in r.output and "LABORLENS_MAX_ROWS" in r.output
    monkeypatch.setenv("LABORLENS_MAX_ROWS", "51")
    assert cli("load", d).exit_code == 0


def test_file_size_cap(tmp_path: Path) -> None:
    f = tmp_path / "parties.csv"
    f.write_text("id,name,country,address\n" + "P1,Acme,CN,x\n" * 100_000)
    with pytest.raises(InputErrors) as exc:
        read_table_full(f, "parties", limits=Limits(max_file_bytes=1024 * 1024))
    assert "larger than the limit of 1 MB" in str(exc.value) and exc.value.http_status == 400


def test_json_depth_is_checked_before_parsing() -> None:
    with pytest.raises(BadFile, match="nested deeper than 32"):
        check_json_depth("[" * 100_000 + "]" * 100_000, "x.json", Limits())
    check_json_depth('{"a": "' + "[" * 40 + '"}', "x.json", Limits())  # brackets inside a string


def test_xlsx_long_cell_is_refused(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "name", "country", "address"])
    ws.append(["P1", "N" * 200, "CN", "x"])
    wb.save(tmp_path / "parties.xlsx")
    with pytest.raises(BadFile, match="longer than 100 characters") as exc:
        list(iter_xlsx_rows(tmp_path / "parties.xlsx", Limits(max_cell_chars=100)))
    assert (exc.value.row, exc.value.column) == (2, "2")


def test_good_files_still_load(tmp_path: Path, cli, store) -> None:
    d = tmp_path / "good"
    d.mkdir()
    (d / "parties.csv").write_text('id,name,country,address\nP1,"Acme, Inc.",CN,"Line 1\nLine 2"\n')
    r = cli("load", d)
    assert r.exit_code == 0, r.output
    with store.session() as s:
        party = s.get(m.Party, "P1")
        assert party is not None and party.name == "Acme, Inc." and party.address == "Line 1\nLine 2"


def test_cell_cap_holds_when_another_thread_raised_the_csv_field_limit(monkeypatch) -> None:
    import csv

    from laborlens.ingest.textio import read_csv

    monkeypatch.setattr(csv, "field_size_limit", lambda *a: 10**9)  # as if set elsewhere, process-wide
    with pytest.raises(BadFile, match="longer than 10 characters") as exc:
        read_csv("id,name\nP1," + "x" * 20 + "\n", "parties.csv", Limits(max_cell_chars=10))
    assert (exc.value.row, exc.value.column) == (2, "name")
