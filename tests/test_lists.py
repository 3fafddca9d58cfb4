"""Watchlist editions in the store (seed, import, stable ids, rollback) and ``laborlens lists``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from laborlens.errors import InputError
from laborlens.refdata import editions as ed
from laborlens.refdata.catalog import CATALOG
from laborlens.store.models import ListEdition, ListEntry

FIX = Path(__file__).parent / "fixtures" / "lists"


def n_editions(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ListEdition))


def ids_by_name(store, list_name: str) -> dict[str, str]:
    return {e.name: e.entity_id for e in ed.current_entries(store, [list_name])}


# --- seeding and reading --------------------------------------------------------------------------------

def test_bundled_lists_become_edition_1_once(store):
    assert ed.seed_bundled(store) == ["uflpa", "wro"]
    assert ed.seed_bundled(store) == []
    from laborlens.store import open_store

    assert ed.seed_bundled(open_store(store.settings)) == []  # a new Store object: still seeded once
    assert n_editions(store) == 2
    uflpa = ed.current_entries(store, ["uflpa"])
    assert len(uflpa) == 75 and uflpa[0].entity_id == "uflpa-001"
    assert uflpa[0].edition == "uflpa #1 (bundled 2025-01 (partial))"
    haolin = next(e for e in uflpa if e.entity_id == "uflpa-003")
    assert haolin.aliases == ("Hotan Haolin Hair Accessories", "Hollin Hair Accessories")
    wro = ed.current_entries(store, ["wro"])
    assert {e.kind for e in wro} == {"entity", "scope"}
    assert {"wro-041.1", "wro-041.2"} <= {e.entity_id for e in wro}


def test_current_entries_all_lists_and_unknown_list(store):
    ed.import_list(store, FIX / "acme_restricted_1.csv", "acme_restricted")
    lists = {e.list_name for e in ed.current_entries(store)}
    assert lists == {"uflpa", "wro", "acme_restricted"}
    with pytest.raises(InputError, match="unknown watchlist 'nope'"):
        ed.current_entries(store, ["uflpa", "nope"])


def test_new_bundled_release_is_appended_unless_user_imported(store, monkeypatch):
    ed.seed_bundled(store)
    real = ed._sha256
    monkeypatch.setattr(ed, "_sha256", lambda p: "0" * 64 if p == CATALOG["wro"].path else real(p))
    ed._seeded.discard(store)
    assert ed.seed_bundled(store) == ["wro"]  # the "new" bundled wro file becomes wro #2
    ed.import_list(store, FIX / "dhs_uflpa_a.html", "uflpa")
    monkeypatch.setattr(ed, "_sha256", lambda p: "1" * 64 if p in (CATALOG["wro"].path, CATALOG["uflpa"].path)
                        else real(p))
    ed._seeded.discard(store)
    assert ed.seed_bundled(store) == ["wro"]  # uflpa's current edition is the user's: left alone
    assert [e.seq for e in ed.edition_history(store, "wro")] == [1, 2, 3]


# --- import: stable ids, report ---------------------------------------------------------------------------

def test_dhs_page_editions_keep_bundled_ids(store):
    r1 = ed.import_list(store, FIX / "dhs_uflpa_a.html", "uflpa")
    assert r1.edition.seq == 2 and r1.edition.label.startswith("uflpa #2 (")
    assert r1.edition.label.endswith(", dhs_uflpa_a.html)")
    ids = ids_by_name(store, "uflpa")
    assert ids["Hetian Haolin Hair Accessories Co. Ltd."] == "uflpa-003"
    assert ids["Xinjiang Daqo New Energy Co., Ltd."] == "uflpa-004"
    assert ids["Hefei Meiling Co., Ltd."] == "uflpa-036"  # via the bundled alias
    assert ids["Kingherbs Limited"] == "uflpa-073"
    assert len(r1.removed) == 75 - 11 and r1.added == []
    assert ("uflpa-036", "Changhong Meiling Co., Ltd.", "Hefei Meiling Co., Ltd.") in r1.renamed

    r2 = ed.import_list(store, FIX / "dhs_uflpa_b.html", "uflpa", label="DHS page excerpt B")
    assert r2.edition.label.endswith(", DHS page excerpt B)")
    assert r2.added == [("uflpa-076", "Hetian Taida Apparel Co., Ltd.")]
    assert r2.removed == [("uflpa-073", "Kingherbs Limited")]
    assert r2.renamed == [("uflpa-036", "Hefei Meiling Co., Ltd.", "Changhong Meiling Co., Ltd.")]
    assert r2.previous is not None and r2.previous.seq == 2
    ids = ids_by_name(store, "uflpa")
    assert ids["Changhong Meiling Co., Ltd."] == "uflpa-036"
    assert ids["Hetian Taida Apparel Co., Ltd."] == "uflpa-076"
    entry = ed.current_entries(store, ["uflpa"])[0]
    assert entry.edition == r2.edition.label


def test_ftm_editions_source_ids_and_returning_entity(store):
    r1 = ed.import_list(store, FIX / "us_dhs_uflpa_1.ftm.json", "uflpa")
    ids = ids_by_name(store, "uflpa")
    assert ids["Huafu Fashion Co., Ltd."] == "uflpa-054"  # "(and subsidiaries)" ignored for identity
    assert ids["Xinjiang Production and Construction Corps"] == "uflpa-007"
    assert r1.edition.fmt == "ftm"
    r2 = ed.import_list(store, FIX / "us_dhs_uflpa_2.ftm.json", "uflpa")
    assert r2.renamed == [("uflpa-036", "Hefei Meiling Co., Ltd.", "Changhong Meiling Co., Ltd.")]
    # Esquel Group was in the bundled edition, not in file 1: it comes back with its old id.
    assert r2.added == [("uflpa-037", "Esquel Group")]
    assert r2.id_rules["source_id"] == 5
    with ed_session(store) as s:
        extra = s.scalars(select(ListEntry.extra).join(ListEdition)
                          .where(ListEdition.seq == 3, ListEntry.entity_id == "uflpa-054")).one()
    assert extra["subsidiaries"] == ["Aksu Huafu Color Spinning Co., Ltd."]
    assert extra["source_id"] == "fixture-uflpa-huafu" and extra["id_rule"] == "source_id"


def ed_session(store):
    return store.session()


def test_custom_list_ids_rename_remove_add(store):
    r1 = ed.import_list(store, FIX / "acme_restricted_1.csv", "acme_restricted")
    assert r1.previous is None
    assert [eid for eid, _ in r1.added] == [f"acme_restricted-00{i}" for i in (1, 2, 3)]
    r2 = ed.import_list(store, FIX / "acme_restricted_2.csv", "acme_restricted")
    assert r2.renamed == [("acme_restricted-001", "Example Restricted Supplier 1",
                           "Example Restricted Supplier 1 Holdings")]
    assert r2.removed == [("acme_restricted-002", "Example Restricted Supplier 2")]
    assert r2.added == [("acme_restricted-004", "Example Restricted Supplier 4")]
    assert r2.updated == [("acme_restricted-003", "Example Restricted Supplier 3 Trading Company Limited")]


def test_wro_import_matches_bundled_by_name(store):
    r = ed.import_list(store, FIX / "cbp_wro_sample.csv", "wro")
    ids = ids_by_name(store, "wro")
    assert ids["Yunnan Machinery"] == "wro-004"
    assert ids["Baoding LYSZD Trade and Business Co., Ltd"] == "wro-041.2"
    assert ids["Fishing Vessel: Da Wang 1"] == "wro-037"
    assert r.added == [] and r.renamed == []


def test_reimport_identical_file_is_harmless(store, tmp_path):
    ed.import_list(store, FIX / "acme_restricted_1.csv", "acme_restricted")
    before = n_editions(store)
    copy = tmp_path / "same_bytes.csv"
    shutil.copy(FIX / "acme_restricted_1.csv", copy)
    r = ed.import_list(store, copy, "acme_restricted")
    assert r.unchanged and r.edition.seq == 1
    assert n_editions(store) == before


def test_list_names_are_checked(store):
    for bad in ("ACME", "acme-restricted", "", "a b", "acme\n"):
        with pytest.raises(InputError):
            ed.import_list(store, FIX / "acme_restricted_1.csv", bad)
    with pytest.raises(InputError, match="reference table"):
        ed.import_list(store, FIX / "acme_restricted_1.csv", "ilab")


def test_parse_error_writes_nothing(store):
    ed.seed_bundled(store)
    before = n_editions(store)
    with pytest.raises(InputError):
        ed.import_list(store, FIX / "malformed_empty_name.csv", "acme_restricted")
    assert n_editions(store) == before


# --- rollback -------------------------------------------------------------------------------------------

def test_rollback_restores_previous_and_ids_are_not_reused(store):
    ed.import_list(store, FIX / "dhs_uflpa_a.html", "uflpa")
    ed.import_list(store, FIX / "dhs_uflpa_b.html", "uflpa")
    r = ed.rollback(store, "uflpa")
    assert r.retired.seq == 3 and r.current.seq == 2
    assert "Hefei Meiling Co., Ltd." in ids_by_name(store, "uflpa")
    history = ed.edition_history(store, "uflpa")
    assert [(e.seq, e.current, e.retired_at is not None) for e in history] == [
        (1, False, False), (2, True, False), (3, False, True)]
    # Importing B again records edition 4 and gives Hetian Taida its id from the retired edition.
    r4 = ed.import_list(store, FIX / "dhs_uflpa_b.html", "uflpa")
    assert r4.edition.seq == 4 and r4.added == [("uflpa-076", "Hetian Taida Apparel Co., Ltd.")]


def test_rollback_refuses_only_edition(store):
    with pytest.raises(InputError, match="only one edition"):
        ed.rollback(store, "uflpa")
    with pytest.raises(InputError, match="unknown watchlist"):
        ed.rollback(store, "acme_restricted")


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_lists_overview_warns_partial_and_names_every_list(cli):
    r = cli("lists")
    assert r.exit_code == 0, r.output
    for name in CATALOG:
        assert name in r.output
    assert "PARTIAL: 75 of the 144 entities" in r.output
    assert "laborlens lists import dhs_uflpa.html --list uflpa" in r.output
    assert "us_dhs_uflpa" in r.output


def test_cli_overview_drops_warning_after_user_import_and_shows_custom_lists(cli_admin, cli):
    r = cli("lists", "import", FIX / "dhs_uflpa_a.html", "--list", "uflpa")
    assert r.exit_code == 0 and "drops 64 of the 75 entries" in r.output  # an excerpt: warned
    assert cli("lists", "import", FIX / "acme_restricted_1.csv", "--list", "acme_restricted").exit_code == 0
    r = cli("lists")
    assert "PARTIAL" not in r.output
    assert "acme_restricted" in r.output and "custom" in r.output  # (table cells wrap at 80 columns)


def test_cli_import_editions_show_rollback(cli_admin, cli):
    r = cli("lists", "import", FIX / "dhs_uflpa_a.html", "--list", "uflpa")
    assert r.exit_code == 0, r.output
    r = cli("lists", "import", FIX / "dhs_uflpa_b.html", "--list", "uflpa", "--format", "html")
    assert r.exit_code == 0, r.output
    assert "added 1, removed 1, renamed 1" in r.output
    assert "+ uflpa-076  Hetian Taida Apparel Co., Ltd." in r.output
    assert "- uflpa-073  Kingherbs Limited" in r.output
    assert "~ uflpa-036  Hefei Meiling Co., Ltd.  ->  Changhong Meiling Co., Ltd." in r.output
    assert "uflpa #3" in r.output
    r = cli("lists", "import", FIX / "dhs_uflpa_b.html", "--list", "uflpa")
    assert "identical to the current edition" in r.output
    r = cli("lists", "editions", "uflpa")
    assert r.exit_code == 0 and "current" in r.output and "bundled" in r.output
    r = cli("lists", "show", "uflpa", "--limit", "3")
    assert r.exit_code == 0 and "uflpa-001" in r.output and "showing 3 of 11" in r.output
    r = cli("lists", "rollback", "uflpa")
    assert r.exit_code == 0 and "current edition is now uflpa #2" in r.output
    r = cli("lists", "show", "sectors", "--limit", "2")
    assert r.exit_code == 0 and "showing 2 of 12 rows" in r.output


def test_cli_malformed_file_exit_2_names_file_and_row_store_unchanged(cli_admin, cli, store):
    ed.seed_bundled(store)
    before = n_editions(store)
    r = cli("lists", "import", FIX / "malformed_empty_name.csv", "--list", "acme_restricted")
    assert r.exit_code == 2
    assert "malformed_empty_name.csv:3:name" in r.output
    r = cli("lists", "import", FIX / "malformed.ftm.json", "--list", "uflpa")
    assert r.exit_code == 2 and "malformed.ftm.json:2:" in r.output
    assert n_editions(store) == before


def test_cli_usage_errors_exit_2(cli_admin, cli):
    assert cli("lists", "rollback", "uflpa").exit_code == 2
    assert cli("lists", "import", FIX / "acme_restricted_1.csv", "--list", "Bad-Name").exit_code == 2
    assert cli("lists", "import", FIX / "nope.csv", "--list", "acme").exit_code == 2
    r = cli("lists", "import", FIX / "acme_restricted_1.csv", "--list", "a", "--format", "xml")
    assert r.exit_code == 2


def test_cli_import_and_rollback_are_audited_like_the_api(cli_admin, cli, store):
    from laborlens import audit

    assert cli("lists", "import", FIX / "acme_restricted_1.csv", "--list", "acme_restricted").exit_code == 0
    assert cli("lists", "import", FIX / "acme_restricted_2.csv", "--list", "acme_restricted").exit_code == 0
    assert cli("lists", "rollback", "acme_restricted").exit_code == 0
    with store.session() as s:
        events = [(e.actor, e.action, e.target) for e in reversed(audit.events(s, 50))
                  if e.action.startswith("list.")]
        assert audit.verify(s).ok
    assert events == [("cli-admin", "list.import", "acme_restricted")] * 2 + [
        ("cli-admin", "list.rollback", "acme_restricted")]


def test_cli_import_needs_an_admin(cli, store, monkeypatch):
    from laborlens.accounts import add_user

    with store.session() as s:
        add_user(s, "ann", "analyst password", "analyst")
    monkeypatch.setenv("LABORLENS_PASSWORD", "analyst password")
    r = cli("lists", "import", FIX / "acme_restricted_1.csv", "--list", "acme_restricted", "--as", "ann")
    assert r.exit_code == 2 and "needs the admin role" in r.output
