"""Material input map: names, transitive "feeds", conservative unknowns, bom.csv extension and errors."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.errors import InputError
from laborlens.trace.material_data import SECTOR_LABELS
from laborlens.trace.materials import ASSUMED, FEEDS, NONE, SAME, MaterialMap, normalize_material

MAP = MaterialMap.default()


@pytest.mark.parametrize("written, canonical", [
    ("Poly-Silicon", "polysilicon"), ("poly silicon", "polysilicon"), ("POLYSILICON", "polysilicon"),
    ("PV module", "solar module"), ("PV Modules", "solar module"), ("solar panels", "solar module"),
    ("photovoltaic module", "solar module"), ("yarn", "cotton yarn"), ("Cotton Yarns", "cotton yarn"),
    ("Metallurgical-grade silicon", "metallurgical grade silicon"), ("silicon metal",
    "metallurgical grade silicon"),
    ("Tomatoes", "tomato"), ("tomato concentrate", "tomato paste"), ("番茄酱", "tomato paste"),
    ("Aluminium ingots", "aluminum"), ("aluminium profiles", "aluminum extrusion"), ("T-Shirts", "garment"),
    ("apparel", "garment"), ("home textiles", "home textile"), ("grey fabric", "greige fabric"),
    ("Lithium-ion batteries", "lithium ion battery"), ("jujubes", "red date"), ("Red Dates", "red date"),
    ("vinyl flooring", "pvc flooring"), ("Ｃｏｔｔｏｎ", "cotton"), ("多晶硅", "polysilicon"),
    ("  widgets  ", "widget"), ("glass", "glass"), ("", ""),
])
def test_normalize(written: str, canonical: str) -> None:
    assert normalize_material(written) == canonical


def test_canonical_names_are_fixed_points() -> None:
    for m in MAP.materials:
        assert normalize_material(m) == m


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_material(text)
    assert normalize_material(once) == once


@pytest.mark.parametrize("inp, out", [
    ("cotton", "garment"), ("seed cotton", "T-shirts"), ("yarn", "denim"), ("cotton", "home textiles"),
    ("quartzite", "solar module"), ("silica", "PV panels"), ("metallurgical grade silicon", "silicon wafer"),
    ("coal", "polysilicon"), ("bauxite", "aluminum foil"), ("alumina", "aluminium extrusions"),
    ("tomato", "ketchup"), ("tomato paste", "canned tomatoes"), ("coal", "pvc flooring"), ("salt",
    "pvc resin"),
    ("lithium ore", "lithium-ion battery"), ("aluminum", "lithium ion battery"), ("iron ore", "steel pipe"),
    ("copper ore", "copper wire"), ("red dates", "jujube paste"), ("fish", "fish fillet"),
])
def test_feeds_is_transitive(inp: str, out: str) -> None:
    assert MAP.feeds(inp, out)
    assert MAP.relation(inp, out) == FEEDS


@pytest.mark.parametrize("inp, out", [
    ("garment", "cotton"), ("cotton", "solar module"), ("aluminum", "tomato paste"), ("polysilicon",
    "garment"),
    ("solar module", "polysilicon"), ("tomato", "garment"), ("steel", "cotton yarn"),
])
def test_unrelated_materials_do_not_feed(inp: str, out: str) -> None:
    assert not MAP.feeds(inp, out)
    assert MAP.relation(inp, out) == NONE


def test_relation_kinds() -> None:
    assert MAP.relation("Cotton Yarn", "yarn") == SAME
    assert MAP.relation("widget", "garment") == ASSUMED and MAP.feeds("widget", "garment")
    assert MAP.relation("cotton", "gizmo") == ASSUMED  # unknown output: anything may feed it
    assert MAP.chain("cotton", "garment")[0] == "cotton" and MAP.chain("cotton", "garment")[-1] == "garment"
    assert MAP.chain("garment", "cotton") == []


def test_conversion_factors() -> None:
    assert MAP.conversion("cotton", "cotton yarn") == pytest.approx(0.9)
    assert MAP.conversion("cotton", "fabric") == pytest.approx(0.9 * 0.93)  # best chain product
    assert MAP.conversion("yarn", "cotton yarn") == 1.0
    assert MAP.conversion("cotton", "solar module") == 0.0
    assert MAP.conversion("solar cell", "solar module") is None  # feeds, mass not comparable
    assert MAP.conversion("coal", "metallurgical grade silicon") == 0.0  # reductant: taints, no mass
    assert MAP.conversion("widget", "garment") is None


def test_raw_materials_and_sectors() -> None:
    assert MAP.is_raw("cotton") and MAP.is_raw("bauxite") and MAP.is_raw("quartz")
    assert not MAP.is_raw("cotton yarn") and not MAP.is_raw("widget")
    assert "Apparel" in MAP.sectors("T-shirts")
    assert MAP.sectors("PV modules") == ("Silica-based products (incl. polysilicon; downstream solar)",)
    assert MAP.sectors("widget") == ()


def test_sector_labels_match_bundled_sector_list() -> None:
    path = resources.files("laborlens.refdata") / "data" / "uflpa_high_priority_sectors.csv"
    with path.open(encoding="utf-8") as fh:
        listed = {row["sector"] for row in csv.DictReader(fh)}
    assert set(SECTOR_LABELS.values()) == listed
    covered = {label for m in MAP.materials for label in MAP.sectors(m)}
    assert covered == listed  # every high-priority sector has materials in the map


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bom.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_bom_extends_map(tmp_path: Path) -> None:
    bom = _write(tmp_path, "output,input,ratio\nWidgets,Cotton yarn,0.5\nGizmo,widget,\n"
                           "solar modules,busbar ribbon,\n")
    ext = MAP.with_bom(bom)
    assert ext.relation("cotton", "gizmo") == FEEDS  # known now, through cotton -> yarn -> widget -> gizmo
    assert ext.conversion("cotton yarn", "widgets") == pytest.approx(0.5)
    assert ext.conversion("widget", "gizmo") == 1.0  # ratio defaults to 1.0
    assert ext.relation("busbar ribbon", "PV module") == FEEDS
    assert not ext.feeds("widget", "cotton")
    assert MAP.relation("cotton", "gizmo") == ASSUMED  # the shared default is not modified


def test_bom_overrides_builtin_factor(tmp_path: Path) -> None:
    ext = MAP.with_bom(_write(tmp_path, "input,output,ratio\ncotton,yarn,0.8\n"))
    assert ext.conversion("cotton", "cotton yarn") == pytest.approx(0.8)


@pytest.mark.parametrize("text, row, column", [
    ("output,ratio\nyarn,1\n", 1, "input"),
    ("output,input,ratio\nyarn,cotton,0.9\ngarment,,1\n", 3, "input"),
    ("output,input,ratio\n,cotton,1\n", 2, "output"),
    ("output,input,ratio\nyarn,cotton,abc\n", 2, "ratio"),
    ("output,input,ratio\nyarn,cotton,-1\n", 2, "ratio"),
    ("output,input,ratio\nyarn,cotton,inf\n", 2, "ratio"),
    ("output,input\nyarn,cotton yarn\n", 2, "input"),
    ("output,input\n---,cotton\n", 2, "output"),
])
def test_bad_bom_rows_name_file_row_column(tmp_path: Path, text: str, row: int, column: str) -> None:
    bom = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        MAP.with_bom(bom)
    assert exc.value.file == str(bom) and exc.value.row == row and exc.value.column == column
    assert f":{row}:{column}" in str(exc.value)


def test_missing_bom_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        MAP.with_bom(tmp_path / "nope.csv")
