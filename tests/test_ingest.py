"""Ingest: every format reads to the same records; every error names file, row and column; loads are
all or nothing and repeatable."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from laborlens.errors import InputError, InputErrors
from laborlens.ingest import (LINKS, MAX_ERRORS, PARTIES, load_dir, load_tables, normalise_cell, parse_date,
                              parse_quantity, read_table, read_table_full)
from laborlens.ingest.validate import link_key
from laborlens.model import Link
from laborlens.store import models as m

FIX = Path(__file__).parent / "fixtures" / "ingest"
GOOD = ["csv", "csv_bom", "gb18030", "xlsx", "json"]


def counts(store) -> dict[str, int]:
    with store.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (m.Party, m.Link, m.Shipment, m.LoadRecord)}


@pytest.mark.parametrize("fmt", GOOD)
def test_every_format_loads_through_the_cli(cli, store, fmt):
    r = cli("load", FIX / fmt)
    assert r.exit_code == 0, r.output
    assert counts(store) == {"parties": 4, "links": 3, "shipments": 2, "loads": 1}
    with store.session() as s:
        p4 = s.get(m.Party, "P4")
        assert p4.name == "阿克苏丰收棉业有限公司" and p4.address.startswith("新疆维吾尔自治区")
        assert s.get(m.Shipment, "SHP-1").quantity == 40000.0


@pytest.mark.parametrize("fmt", GOOD[1:])
def test_all_formats_read_to_identical_records(fmt):
    assert load_tables(FIX / fmt) == load_tables(FIX / "csv")


def test_encodings_are_detected():
    assert read_table_full(FIX / "csv" / "parties.csv", PARTIES).encoding == "utf-8"
    assert read_table_full(FIX / "csv_bom" / "parties.csv", PARTIES).encoding == "utf-8-sig"
    assert read_table_full(FIX / "gb18030" / "parties.csv", "parties").encoding == "gb18030"
    rows = read_table(FIX / "gb18030" / "parties.csv", PARTIES)
    assert rows[2]["name"] == "无锡恒达棉纺有限公司" and rows[3]["name_local"] == "Aksu Fengshou Cotton"


def test_header_is_tolerant_and_unknown_columns_warn(cli, store):
    r = cli("load", FIX / "csv")
    assert "ignored unknown column(s): Notes" in r.output
    rows = read_table(FIX / "csv" / "parties.csv", PARTIES)
    assert set(rows[0]) == {"id", "name", "country", "address", "name_local", "registration_id"}


def test_reload_is_harmless_and_updates_are_counted(cli, store, tmp_path):
    first = load_dir(store, FIX / "csv")
    assert first.tables["parties"].added == 4 and first.changed
    again = load_dir(store, FIX / "xlsx")  # same content, other format
    assert again.tables["parties"].unchanged == 4 and again.tables["links"].unchanged == 3
    assert not again.changed and counts(store)["parties"] == 4 and counts(store)["links"] == 3
    r = cli("load", FIX / "csv")
    assert r.exit_code == 0 and "Nothing changed" in r.output
    d = tmp_path / "edited"
    shutil.copytree(FIX / "csv", d)
    text = (d / "parties.csv").read_text("utf-8").replace("Hengda Garment", "Hengda Apparel")
    (d / "parties.csv").write_text(text, "utf-8")
    rep = load_dir(store, d)
    assert (rep.tables["parties"].added, rep.tables["parties"].updated) == (0, 1)
    with store.session() as s:
        assert s.get(m.Party, "P2").name.startswith("Hengda Apparel")


def _rejects(cli, store, fixture: str, *needles: str) -> str:
    load_dir(store, FIX / "csv")
    before = counts(store)
    r = cli("load", FIX / fixture)
    assert r.exit_code == 2, r.output
    for needle in needles:
        assert needle in r.output, r.output
    assert counts(store) == before  # nothing written, not even a LoadRecord
    return r.output


def test_bad_quantity_names_file_row_and_column(cli, store):
    _rejects(cli, store, "bad_quantity", "links.csv:4:quantity", "twelve")


def test_missing_column_is_reported(cli, store):
    _rejects(cli, store, "missing_column", "parties.csv:1:country", "missing required column 'country'")


def test_unknown_party_reference_is_reported(cli, store):
    _rejects(cli, store, "unknown_ref", "links.csv:3:supplier_id", "P999")


def test_xlsx_errors_use_spreadsheet_rows(cli, store):
    _rejects(cli, store, "xlsx_bad", "links.xlsx:3:quantity", "negative", "shipments.xlsx:2:entry_date")


def test_references_may_point_into_the_store(store, tmp_path):
    load_dir(store, FIX / "csv")
    (tmp_path / "links.csv").write_text("supplier_id,buyer_id,material\nP4,P2,raw cotton\n", "utf-8")
    rep = load_dir(store, tmp_path)
    assert rep.tables["links"].added == 1
    with pytest.raises(InputErrors):  # without the store the same file does not stand alone
        load_tables(tmp_path)


def test_all_errors_are_collected_in_one_pass(tmp_path):
    (tmp_path / "parties.csv").write_text("id,name,country,address\nA,Alpha,CN,\nA,Again,CN,\nB,,CN,\n", "utf-8")
    (tmp_path / "links.csv").write_text(
        "supplier_id,buyer_id,material,quantity,date\nA,A,x,1,2024-02-30\nA,B,,-1,2024/01/01\n", "utf-8")
    (tmp_path / "shipments.json").write_text(json.dumps([
        {"id": "S1", "importer_id": "A", "exporter_id": "Z", "material": "m", "hts": "", "description": "",
         "quantity": "nan"},
        {"id": "S1", "importer_id": "A", "exporter_id": "B", "material": "m", "hts": "", "description": ""}]))
    with pytest.raises(InputErrors) as exc:
        load_tables(tmp_path)
    where = {(Path(e.file).name, e.row, e.column) for e in exc.value.errors}
    assert where == {
        ("parties.csv", 3, "id"), ("parties.csv", 4, "name"),
        ("links.csv", 2, "date"), ("links.csv", 2, "buyer_id"), ("links.csv", 3, "material"),
        ("links.csv", 3, "quantity"), ("links.csv", 3, "date"),
        ("shipments.json", 1, "exporter_id"), ("shipments.json", 1, "quantity"), ("shipments.json", 2, "id")}


def test_error_count_is_capped(tmp_path):
    rows = "".join(f"P{i},P{i},cotton,-1\n" for i in range(100))
    (tmp_path / "links.csv").write_text("supplier_id,buyer_id,material,quantity\n" + rows, "utf-8")
    with pytest.raises(InputErrors) as exc:
        load_tables(tmp_path)
    assert len(exc.value.errors) == MAX_ERRORS + 1 and "stopped after" in str(exc.value.errors[-1])


def test_two_formats_for_one_table_is_an_error(tmp_path):
    shutil.copy(FIX / "csv" / "parties.csv", tmp_path)
    shutil.copy(FIX / "json" / "parties.json", tmp_path)
    with pytest.raises(InputError, match="two files for table 'parties'"):
        load_tables(tmp_path)


def test_undecodable_file_is_a_clear_error(tmp_path):
    (tmp_path / "parties.csv").write_bytes(b"id,name,country,address\nA,\xff\xfe\xfa,CN,x\n")
    with pytest.raises(InputError, match="encoding not recognised.*line 2"):
        load_tables(tmp_path)


def test_other_delimiters_and_ragged_rows(tmp_path):
    (tmp_path / "parties.csv").write_text("id;name;country;address\nA;Alpha;CN;Wuxi\n", "utf-8")
    assert read_table(tmp_path / "parties.csv", PARTIES)[0]["address"] == "Wuxi"
    (tmp_path / "parties.csv").write_text("id,name,country,address\nA,Alpha, Inc.,CN,Wuxi\n", "utf-8")
    with pytest.raises(InputErrors, match="parties.csv:2: row has more values"):
        read_table(tmp_path / "parties.csv", PARTIES)


def test_missing_directory_and_empty_directory(tmp_path, cli):
    assert cli("load", tmp_path / "nope").exit_code == 2
    with pytest.raises(InputError, match="no parties"):
        load_tables(tmp_path)


# --- property tests -------------------------------------------------------------------------------------

cell_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)


def _roundtrip(rows: list[list[str]], encoding: str, tmp: Path) -> list[dict]:
    buf = io.StringIO()
    csv.writer(buf).writerows([list(LINKS.required), *rows])
    data = buf.getvalue().encode(encoding)
    if encoding == "gb18030":  # short GB18030 text can be valid UTF-8 too; the reader then (rightly) picks UTF-8
        try:
            assume(data.decode("utf-8") == buf.getvalue())
        except UnicodeDecodeError:
            pass
    path = tmp / "links.csv"
    path.write_bytes(data)
    return read_table(path, LINKS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=5),
       encoding=st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]))
def test_csv_text_round_trips(tmp_path, rows, encoding):
    assume(all(any(normalise_cell(c) for c in r) for r in rows))  # wholly blank rows are skipped by design
    got = _roundtrip(rows, encoding, tmp_path)
    assert [[g[c] for c in LINKS.required] for g in got] == [[normalise_cell(c) for c in r] for r in rows]


@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_quantity_parser_accepts_every_repr(x):
    assert parse_quantity(repr(x)) == x
    assert parse_quantity(str(x)) == x


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_quantity_parser_accepts_thousands_separators(whole, cents):
    assert parse_quantity(f"{whole:,}.{cents:02d}") == float(f"{whole}.{cents:02d}")


@given(st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False))
def test_quantity_parser_refuses_negatives(x):
    with pytest.raises(ValueError, match="negative"):
        parse_quantity(repr(x))


@given(st.dates())
def test_iso_dates_accepted(d):
    if d.year >= 1000:
        assert parse_date(d.isoformat()) == d.isoformat()


def test_non_finite_and_garbage_quantities_refused():
    for bad in ("nan", "inf", "-inf", "1.2.3", "12kg", "1,23"):
        with pytest.raises(ValueError):
            parse_quantity(bad)
    assert parse_quantity("") is None and parse_quantity("-0") == 0.0 and not math.copysign(1, parse_quantity("-0")) < 0


@given(st.text("abcXYZ -", max_size=12), st.text(max_size=10))
def test_link_key_ignores_spacing_and_material_case(material, doc):
    plain = Link(supplier_id="S1", buyer_id="B1", material="cotton " + material, quantity=5.0, document=doc)
    messy = Link(supplier_id=" S1", buyer_id="B1 ", material="  COTTON   " + material.upper() + " ",
                 quantity=5, document=doc)
    assert link_key(plain) == link_key(messy)
    other = Link(supplier_id="S1", buyer_id="B1", material=plain.material, quantity=5.5, document=doc)
    assert link_key(other) != link_key(plain)


def test_json_errors_name_the_record(tmp_path):
    (tmp_path / "parties.jsonl").write_text('{"id": "A", "name": "x", "country": "", "address": ""}\n\n'
                                            '{"id": "B", "name": "", "country": "", "address": ""}\n', "utf-8")
    with pytest.raises(InputErrors, match=r"parties.jsonl:3:name"):
        load_tables(tmp_path)
    (tmp_path / "parties.jsonl").write_text('{"id": "A", "name": "x", "country": "", "address": ""}\n{oops\n')
    with pytest.raises(InputError, match=r"parties.jsonl:2: invalid JSON line"):
        load_tables(tmp_path)
    (tmp_path / "parties.jsonl").unlink()
    (tmp_path / "parties.json").write_text('[{"id": "A", "name": "x", "country": "CN", "address": ""}, 7]')
    with pytest.raises(InputErrors, match=r"parties.json:2: expected a JSON object"):
        load_tables(tmp_path)
