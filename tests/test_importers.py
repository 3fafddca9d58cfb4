"""List file readers, alias splitting and id assignment: pure functions, no store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from laborlens.errors import InputError
from laborlens.refdata.aliases import build_name_cell, split_name_cell
from laborlens.refdata.bundled import split_wro_entities
from laborlens.refdata.identity import Candidate, KnownEntity, assign_ids, name_key
from laborlens.refdata.importers import detect_format, parse_csv, parse_file, parse_ftm, parse_wro

FIX = Path(__file__).parent / "fixtures" / "lists"


# --- DHS page -------------------------------------------------------------------------------------------

def test_dhs_page_tables_sections_aliases_and_dates():
    fmt, entities = parse_file(FIX / "dhs_uflpa_a.html")
    assert fmt == "html"
    by_name = {e.name: e for e in entities}
    assert len(entities) == 11  # 12 rows; Xinjiang Daqo is listed under two clauses
    haolin = by_name["Hetian Haolin Hair Accessories Co. Ltd."]
    assert haolin.aliases == ("Hotan Haolin Hair Accessories", "Hollin Hair Accessories")
    assert haolin.extra["list_section"].startswith("Section 2(d)(2)(B)(i)")
    assert haolin.extra["effective_date"] == "2022-06-21"  # "June 21, 2022" on the page
    hoshine = by_name["Hoshine Silicon Industry (Shanshan) Co., Ltd and subsidiaries"]
    assert hoshine.aliases == ("Hesheng Silicon Industry (Shanshan) Co.",)  # nested parentheses kept
    assert haolin.extra["clause"] == "2(d)(2)(B)(i)" and haolin.extra["list_table"] == "1"
    daqo = by_name["Xinjiang Daqo New Energy Co., Ltd."]
    assert len(daqo.aliases) == 3
    assert daqo.extra["clause"] == "2(d)(2)(B)(i) ; 2(d)(2)(B)(v)"
    assert "(i)" in daqo.extra["list_section"] and "(v)" in daqo.extra["list_section"]
    assert daqo.extra["effective_date"] == "2022-06-21 ; 2024-11-25"
    assert "新疆生产建设兵团" in by_name[
        "Xinjiang Production and Construction Corps and its subordinate and affiliated entities"].aliases
    assert len(by_name["Hongyuan Green Energy Co., Ltd."].aliases) == 5
    assert "Menu" not in by_name  # a layout table without a "Name of Entity" column is ignored


def test_dhs_page_without_headings_and_with_clause_paragraphs(tmp_path):
    # The layout of markup trimmed from the DHS page (as quoted in public test fixtures): bare tables.
    row = "<tr><td>{}</td><td>{}</td></tr>"
    table = ("<table><thead><tr><th>Name of Entity</th><th>Effective Date</th></tr></thead><tbody>{}"
             "</tbody></table>")
    page = tmp_path / "trimmed.html"
    page.write_text("<html><body>" + table.format(
        row.format("Baoding LYSZD Trade and Business Co., Ltd.", "June 21, 2022")) + table.format(
        row.format("Aksu Huafu Color Spinning Co., Ltd. (also known as Aksu Huafu Textiles Co., Ltd.; Akesu "
                   "Huafu; Aksu Huafu Dyed Melange Yarn; and Akesu Huafu Melange Yarn Co., Ltd.)",
                   "January 15, 2025")) + "<p><strong>Section 2(d)(2)(B)(v) entities</strong></p>"
        + table.format(row.format("Kingherbs Limited", "November 25, 2024")) + "</body></html>")
    baoding, aksu, kingherbs = parse_file(page)[1]
    assert baoding.extra == {"effective_date": "2022-06-21", "list_table": "1"}
    assert aksu.aliases == ("Aksu Huafu Textiles Co., Ltd.", "Akesu Huafu", "Aksu Huafu Dyed Melange Yarn",
                            "Akesu Huafu Melange Yarn Co., Ltd.")
    assert aksu.extra["list_table"] == "2" and "list_section" not in aksu.extra
    assert kingherbs.extra["clause"] == "2(d)(2)(B)(v)"


def test_dhs_page_former_names():
    _, entities = parse_file(FIX / "dhs_uflpa_b.html")
    meiling = next(e for e in entities if e.name == "Changhong Meiling Co., Ltd.")
    assert meiling.aliases == ("Hefei Meiling Co., Ltd.",)
    assert meiling.extra["former_names"] == ["Hefei Meiling Co., Ltd."]


def test_dhs_page_errors_name_file_and_line():
    with pytest.raises(InputError) as exc:
        parse_file(FIX / "malformed_dhs.html")
    assert exc.value.file.endswith("malformed_dhs.html")
    assert exc.value.row == 14 and exc.value.column == "Name of Entity"


def test_html_without_entity_table_is_rejected(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Not the list</h1><table><tr><td>x</td></tr></table></body></html>")
    with pytest.raises(InputError, match="Name of Entity"):
        parse_file(page)


# --- FollowTheMoney -------------------------------------------------------------------------------------

def test_ftm_keeps_listed_entities_and_folds_ownership():
    fmt, entities = parse_file(FIX / "us_dhs_uflpa_1.ftm.json")
    assert fmt == "ftm"
    by_name = {e.name: e for e in entities}
    assert set(by_name) == {"Xinjiang Daqo New Energy Co., Ltd.", "Hefei Meiling Co., Ltd.",
                            "Huafu Fashion Co., Ltd.", "Aksu Huafu Color Spinning Co., Ltd.",
                            "Xinjiang Production and Construction Corps"}  # Ownership, Sanction dropped
    daqo = by_name["Xinjiang Daqo New Energy Co., Ltd."]
    assert daqo.source_id == "fixture-uflpa-daqo" and daqo.country == "CN"
    assert "Daqo" not in daqo.aliases and daqo.extra["weak_aliases"] == ["Daqo"]
    assert by_name["Huafu Fashion Co., Ltd."].extra["subsidiaries"] == ["Aksu Huafu Color Spinning Co., Ltd."]
    assert by_name["Aksu Huafu Color Spinning Co., Ltd."].extra["owners"] == ["Huafu Fashion Co., Ltd."]
    xpcc = by_name["Xinjiang Production and Construction Corps"]
    assert xpcc.aliases[0] == "新疆生产建设兵团" and "XPCC" in xpcc.aliases  # second name becomes an alias


def test_ftm_previous_name_is_alias_and_former_name():
    entities = parse_ftm(FIX / "us_dhs_uflpa_2.ftm.json")
    meiling = next(e for e in entities if e.source_id == "fixture-uflpa-meiling")
    assert meiling.name == "Changhong Meiling Co., Ltd."
    assert meiling.aliases == ("Hefei Meiling Co., Ltd.",)
    assert meiling.extra["former_names"] == ["Hefei Meiling Co., Ltd."]


def test_ftm_skips_non_targets(tmp_path):
    f = tmp_path / "x.jsonl"
    rows = [{"id": "a", "schema": "Company", "target": True, "properties": {"name": ["Example Listed Co"]}},
            {"id": "b", "schema": "Company", "target": False, "properties": {"name": ["Example Parent Co"]}}]
    f.write_text("\n".join(json.dumps(r) for r in rows))
    assert [e.name for e in parse_ftm(f)] == ["Example Listed Co"]


def test_ftm_errors_name_line_and_column(tmp_path):
    with pytest.raises(InputError) as exc:
        parse_file(FIX / "malformed.ftm.json")
    assert exc.value.row == 2 and exc.value.column is not None
    f = tmp_path / "noname.jsonl"
    f.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["Example Co"]}}\n\n'
                 '{"id": "b", "schema": "Company", "properties": {"alias": ["Nameless"]}}\n')
    with pytest.raises(InputError) as exc:
        parse_ftm(f)
    assert (exc.value.row, exc.value.column) == (3, "properties.name")


# --- CSV ------------------------------------------------------------------------------------------------

def test_csv_with_bom_aliases_and_extra_columns():
    entities = parse_csv(FIX / "acme_restricted_1.csv")
    first = entities[0]
    assert first.name == "Example Restricted Supplier 1"  # the BOM is not part of the header
    assert first.aliases == ("ERS One", "Example Supplier One")
    assert first.country == "ZZ" and first.extra == {"reason": "synthetic test row"}
    assert [e.line for e in entities] == [2, 3, 4]


def test_csv_errors(tmp_path):
    with pytest.raises(InputError) as exc:
        parse_file(FIX / "malformed_empty_name.csv")
    assert (exc.value.row, exc.value.column) == (3, "name")
    f = tmp_path / "nocol.csv"
    f.write_text("title,aliases\nExample Co,\n")
    with pytest.raises(InputError, match="no 'name' column"):
        parse_csv(f)
    f.write_text('name,aliases\n"Example\nCo",\nExample Co 2,a,b\n')
    with pytest.raises(InputError) as exc:
        parse_csv(f)
    assert exc.value.row == 4  # line numbers count the line inside the quoted field
    f.write_bytes("name\nExample Co\nCaf\xe9 Example\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8") as exc:
        parse_csv(f)
    assert exc.value.row == 3
    f.write_text("")
    with pytest.raises(InputError, match="empty"):
        parse_file(f)
    f.write_text("name,aliases\n")
    with pytest.raises(InputError, match="no entities"):
        parse_file(f)


# --- CBP WRO --------------------------------------------------------------------------------------------

def test_wro_aliases_pairs_and_scopes():
    fmt, entities = parse_file(FIX / "cbp_wro_sample.csv")
    assert fmt == "wro"
    names = [e.name for e in entities]
    assert names[:3] == ["Yunnan Machinery", "Fuchu Prison", "Union Kogyo Co., Ltd"]
    assert entities[0].aliases == ("Golden Horse (JinMa) Diesel Factory", "Yunnan 1st Prison")
    scopes = [e for e in entities if e.kind == "scope"]
    assert {e.name for e in scopes} == {
        "All Turkmenistan Cotton or products produced in whole or in part with Turkmenistan cotton.",
        "Fishing Vessel: Da Wang 1"}
    assert "Baoding LYSZD Trade and Business Co., Ltd" in names
    taida = entities[names.index("Hetian Taida Apparel Co., Ltd")]
    assert taida.extra["effective_date"] == "2019-09-30" and taida.extra["type"] == "WRO"


def test_wro_bundled_layout_keeps_row_ids():
    from laborlens.refdata.catalog import CATALOG

    entities = parse_wro(CATALOG["wro"].path)
    ids = [e.source_id for e in entities]
    assert "wro-041.1" in ids and "wro-041.2" in ids and "wro-004" in ids


def test_detect_format(tmp_path):
    assert detect_format(FIX / "cbp_wro_sample.csv") == "wro"
    assert detect_format(FIX / "acme_restricted_1.csv") == "csv"
    f = tmp_path / "export.txt"
    f.write_text('{"id": "x", "schema": "Company", "properties": {"name": ["Example Co"]}}\n')
    assert detect_format(f) == "ftm"
    f.write_text("<html><body></body></html>")
    assert detect_format(f) == "html"


# --- alias splitting: property tests --------------------------------------------------------------------

# Words of real list names; the alias keywords themselves are excluded (a name containing "aka" or
# "also known as" is ambiguous in these formats, for a human reader too).
WORDS = ["Xinjiang", "Hetian", "Hotan", "Haolin", "Hair", "Accessories", "Cotton", "Linen", "Textile",
         "Silicon", "Industry", "Shanshan", "Trade", "Business", "Group", "Energy", "New", "Materials",
         "Zhongtai", "Chemical", "Camel", "Heze", "Development", "Logistics", "Park", "Branch", "No.", "4",
         "Gold", "Mine", "Hami", "Karamay", "Hatu", "Solar", "Wuxi", "Shangji", "CNC", "新疆", "有色金属"]
SUFFIXES = ["", " Co., Ltd.", " Co. Ltd.", " Corporation", " (Shanshan) Co., Ltd", " Company Limited"]


@st.composite
def names(draw, suffixes=SUFFIXES):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
    return " ".join(words) + draw(st.sampled_from(suffixes))


@given(names(), st.lists(names(), min_size=0, max_size=5, unique=True),
       st.sampled_from(["and_aliases", "aka", "formerly"]))
def test_dhs_name_cell_round_trip(name, aliases, style):
    assume(name not in aliases)
    cell = build_name_cell(name, aliases, style)
    parsed = split_name_cell(cell)
    assert parsed.name == name
    assert list(parsed.aliases) == aliases
    assert list(parsed.former) == (aliases if style == "formerly" else [])


@given(names(), st.lists(names(), min_size=1, max_size=4, unique=True))
def test_dhs_name_cell_tolerates_extra_whitespace(name, aliases):
    assume(name not in aliases)
    cell = build_name_cell(name, aliases).replace(" ", "  ").replace("(", "(\n ")
    parsed = split_name_cell(cell)
    assert parsed.name == " ".join(name.split())
    assert list(parsed.aliases) == [" ".join(a.split()) for a in aliases]


# "Ltd." followed by " and " separates two WRO entities, and split_wro_entities trims a trailing period
# ("Hetian Taida Apparel Co., Ltd." → "... Ltd"), so WRO names are generated without one.
WRO_SUFFIXES = ["", " Co., Ltd", " Corporation", " Factory", " Prison (Manufacturing)"]


@given(names(WRO_SUFFIXES), st.lists(names(WRO_SUFFIXES), min_size=0, max_size=4, unique=True))
def test_wro_aka_round_trip(name, aliases):
    assume(name not in aliases)
    assume(not any(n.endswith(".") for n in (name, *aliases)))
    cell = ", a/k/a ".join([name, *aliases])
    assert split_wro_entities(cell) == [(name, aliases)]


@given(st.lists(st.tuples(names(WRO_SUFFIXES), st.lists(names(WRO_SUFFIXES), max_size=2, unique=True)),
                min_size=1, max_size=3))
def test_wro_semicolon_separates_entities(groups):
    assume(not any(n.endswith(".") for g in groups for n in (g[0], *g[1])))
    cell = "; ".join(", a/k/a ".join([n, *a]) for n, a in groups)
    assert split_wro_entities(cell) == [(n, a) for n, a in groups]


# --- identity -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [
    ("Hetian Haolin Hair Accessories Co. Ltd.", "HETIAN HAOLIN HAIR ACCESSORIES CO., LTD"),
    ("Huafu Fashion Co., Ltd. (and subsidiaries)", "Huafu Fashion Company Limited"),
    ("Qinghai Hide & Garment Factory", "Qinghai Hide and Garment Factory"),
    ("新疆东方希望有色金属有限公司", "新疆东方希望有色金属"),
])
def test_name_key_equal(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_group():
    assert name_key("Esquel Group") != name_key("Esquel")


def test_assign_ids_rules_in_order():
    known = [KnownEntity("acme-001", "Example Supplier One", ("ESO",), "S1"),
             KnownEntity("acme-002", "Example Supplier Two"),
             KnownEntity("acme-003", "Example Supplier Three", ("Example Three",))]
    cands = [Candidate("Example Supplier One Renamed", (), "S1"),   # source id
             Candidate("Example Three Holdings", ("Example Three",)),  # alias
             Candidate("EXAMPLE SUPPLIER TWO CO., LTD."),             # name
             Candidate("Example Supplier Four")]                      # new
    assert assign_ids("acme", cands, known, ["acme-007"]) == [
        ("acme-001", "source_id"), ("acme-003", "alias"), ("acme-002", "name"), ("acme-008", "new")]


def test_assign_ids_exact_name_wins_over_alias_and_claims_once():
    known = [KnownEntity("l-001", "Example A", ("Example B",)), KnownEntity("l-002", "Example B")]
    # "Example B" is l-002's name and l-001's alias: the name rule runs first over the whole file.
    assert assign_ids("l", [Candidate("Example A"), Candidate("Example B")], known) == [
        ("l-001", "name"), ("l-002", "name")]
    # Two rows with the same name: the second does not steal the first's id.
    assert assign_ids("l", [Candidate("Example A"), Candidate("Example A")], known) == [
        ("l-001", "name"), ("l-003", "new")]
