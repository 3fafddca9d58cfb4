"""The entity- and brand-disjoint protocol, on a small generated set (the full run is `bench match`)."""

from collections import defaultdict

import pytest

from laborlens.match import evaluate as ev
from laborlens.match.matcher import Matcher
from laborlens.match.phenomena import FOLDS, fold_of, phenomena_rows, synthetic_entities, unlisted_rows
from laborlens.match.service import chinese_names
from laborlens.refdata.bundled import bundled_entries


@pytest.fixture(scope="module")
def small():
    entries = list(bundled_entries("uflpa"))
    ds = ev.build(entries, chinese_names(entries), synthetic=30, unlisted_cn=300, unlisted_foreign=100)
    m = Matcher(ds.entries, extra_names=ds.extra_names)
    return ds, ev.collect(m, ds.rows)


def test_generator_covers_every_phenomenon_with_labels():
    syn, comps = synthetic_entities(40, seed=9)
    rows = phenomena_rows(syn, None, comps, seed=9)
    kinds = {r.kind for r in rows}
    for k in ("manifest", "truncated", "abbreviation", "typo", "brand_edit", "chinese_script", "pinyin",
              "pinyin_syllables", "pinyin_initials", "cyrillic", "legal_form", "neg_brand_swap",
              "neg_same_brand_other_place_industry", "neg_frame_only"):
        assert k in kinds, k
    assert all(bool(r.expected) != r.kind.startswith("neg") for r in rows)
    assert rows == phenomena_rows(syn, None, comps, seed=9)  # reproducible
    unl = unlisted_rows(200, 100, seed=4)
    assert {r.kind.split("_")[2] for r in unl} >= {"cn", "de", "ru", "ja"} and not any(r.expected for r in unl)


def test_folds_never_share_an_entity_or_a_brand(small):
    ds, _ = small
    folds_of_entity: dict[str, set[int]] = defaultdict(set)
    folds_of_group: dict[str, set[int]] = defaultdict(set)
    for r in ds.rows:
        if r.expected:
            folds_of_entity[r.expected].add(ds.fold(r))
        folds_of_group[r.group].add(ds.fold(r))
    assert all(len(f) == 1 for f in folds_of_entity.values())
    assert all(len(f) == 1 for f in folds_of_group.values())
    # the Esquel entities (one brand) sit in one fold
    esquel = {r.group for r in ds.rows if r.expected in ("uflpa-008", "uflpa-037", "uflpa-038", "uflpa-039")}
    assert len(esquel) == 1 and len({fold_of(g) for g in esquel}) == 1 and FOLDS >= 3


def test_held_out_figures_come_from_models_that_did_not_see_the_fold(small):
    ds, cands = small
    preds, ths, models = ev.cross_validate(ds, cands)
    assert len(models) == FOLDS and len({m.weights for m in models}) == FOLDS
    rep = ev.report(ds.rows, preds, ths)
    assert set(rep) == {"flagged", "match"}
    assert rep["flagged"]["f1"] > 0.85 and rep["match"]["precision"] > 0.9, rep["flagged"]
    assert "neg_unlisted_cn_chinese" in rep["flagged"]["per_kind"]
