"""The fitted scorer's parts: graded word similarity, qualifiers, the model file, the evaluation protocol."""

import csv
import pickle

import pytest

from laborlens.match import Matcher
from laborlens.match.features import FEATURES, word_sim
from laborlens.match.model import MODEL, load
from laborlens.match.service import ZH_NAMES, build_matcher, compare
from laborlens.names.qualifiers import legal_forms, numbers
from laborlens.refdata.bundled import bundled_entries

FLAGGED = ("match", "review")


@pytest.fixture(scope="module")
def m() -> Matcher:
    return build_matcher(bundled_entries("uflpa"))


def test_brand_similarity_by_pinyin_syllable():
    haolan = word_sim("haolin", "haolan")[0]
    minling = word_sim("minlong", "minling")[0]
    zhongtai = word_sim("zhongtian", "zhongtai")[0]
    tianmei = word_sim("tianwei", "tianmei")[0]
    assert haolan > zhongtai and minling > zhongtai and zhongtai > tianmei
    assert word_sim("haolin", "haolan")[1] == "pinyin syllables"
    assert 0.5 < word_sim("motors", "mortars")[0] < 1 and 0.5 < word_sim("gold", "gld")[0] < 1


@pytest.mark.parametrize("words, value", [
    (("1st", "division"), {1}), (("first", "division"), {1}), (("forty", "four"), {44}), (("44",), {44}),
    (("three",), {3}), (("iii",), {3}), (("fund", "ii"), {2}),
])
def test_numbers_in_any_spelling(words, value):
    assert numbers(words) == frozenset(value)


def test_legal_forms_expand_and_conflict():
    assert legal_forms("Foo Aktiengesellschaft") == legal_forms("Foo AG") == {"ag"}
    assert legal_forms("Foo Gesellschaft mit beschränkter Haftung") == {"gmbh"}
    assert legal_forms("Foo Co., Ltd.") == legal_forms("Foo Company Limited")
    same = compare("Siemens Aktiengesellschaft", "Siemens AG").score
    other = compare("Siemens GmbH", "Siemens AG").score
    assert same > other and compare("Siemens GmbH", "Siemens AG").decision != "match"


def test_country_qualifier_names_another_subsidiary():
    assert compare("Volvo (Finland) AB", "Volvo (Sweden) AB").decision == "clear"
    assert compare("VOLVO SWEDEN AB", "Volvo (Sweden) AB").decision in FLAGGED


def test_initials_dotted_spaced_and_reordered():
    dotted = compare("A.B.C. Trading GmbH", "ABC Trading GmbH")
    spaced = compare("A B C Trading GmbH", "ABC Trading GmbH")
    reordered = compare("C.B.A. Trading GmbH", "ABC Trading GmbH")
    assert dotted.decision in FLAGGED and spaced.decision in FLAGGED
    assert reordered.decision != "match" and reordered.score < dotted.score


def test_numbers_as_qualifiers():
    assert compare("No. 3 Cotton Mill of Shihezi", "Shihezi Third Cotton Mill").score > \
        compare("No. 4 Cotton Mill of Shihezi", "Shihezi Third Cotton Mill").score


def test_syllable_by_syllable_pinyin_and_pinyin_initials(m):
    r = m.best("Dong Hai Jing Ao Tai Yang Neng Ke Ji You Xian Gong Si", "CN")
    assert r.entity_id == "uflpa-045" and r.decision in FLAGGED, r.explanation()
    r = m.best("Xin Jiang You Se Jin Shu Gong Ye Ji Tuan You Xian Gong Si", "CN")
    assert r.entity_id == "uflpa-043" and r.decision in FLAGGED, r.explanation()


def test_one_syllable_of_the_brand_changed_is_reviewed_not_cleared(m):
    for q, eid in (("Hetian Haolan Hair Accessories Co. Ltd.", "uflpa-003"),
                   ("Fujian Minling Warehousing Co., Ltd.", "uflpa-020")):
        r = m.best(q, "CN")
        assert r.entity_id == eid and r.decision in FLAGGED, r.explanation()


def test_same_brand_with_conflicting_place_and_industry_is_clear(m):
    r = m.best("Sichuan Meijia Cotton Mill", "CN")
    assert r.decision == "clear", r.explanation()


def test_every_listed_english_name_meets_its_chinese_name():
    """`laborlens compare` of each listed entity's English name and its registered Chinese name."""
    with ZH_NAMES.open(encoding="utf-8") as fh:
        pairs = [(r["listed_name"], r["name_zh"]) for r in csv.DictReader(fh)]
    assert len(pairs) >= 20
    for en, zh in pairs:
        assert compare(en, zh).decision in FLAGGED, (en, zh, compare(en, zh).explanation())
        assert compare(zh, en).decision in FLAGGED, (zh, en)


def test_model_file_is_versioned_and_matches_the_features():
    model = load(MODEL)
    assert len(model.weights) == len(FEATURES) and model.version
    assert 0.0 < model.review <= model.match < 1.0
    assert model.provenance.get("rows", 0) > 1000 and "held_out" in model.provenance


def test_no_evidence_forces_certainty():
    """A logistic model over bounded features: no single feature can make a score exactly 0 or 1."""
    model = load(MODEL)
    for x in ([0.0] * len(FEATURES), [1.0] * len(FEATURES)):
        assert 0.0 < model.probability(x) < 1.0
    assert len(model.explain([0.5] * len(FEATURES))) == len(FEATURES)


def test_matcher_pickles_and_needs_no_settings(m, monkeypatch):
    import laborlens.settings as settings_mod

    def boom(*_a, **_k):
        raise AssertionError("the matcher must not load settings")

    monkeypatch.setattr(settings_mod, "load_settings", boom)
    fresh = Matcher(list(m.entries))
    clone = pickle.loads(pickle.dumps(fresh))
    q = "XINJIANG EAST HOPE NONFERROUS METALS CO LTD"
    assert clone.best(q).score == fresh.best(q).score


def test_saving_thresholds_needs_an_admin(tmp_path):
    from laborlens.accounts import Forbidden, Principal
    from laborlens.match.calibrate import save_thresholds
    from laborlens.match.matcher import Thresholds
    from laborlens.service.context import Context

    class _S:
        home = tmp_path

    ctx = Context(_S(), None, Principal(1, "v", "viewer", "cli"))  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        save_thresholds(ctx, Thresholds(0.9, 0.5), {"f1": 1.0}, "x.csv")
    assert not (tmp_path / "calibration.json").exists()


def test_every_listed_name_itself_and_its_manifest_form_is_a_match(m):
    """A listed name compared with itself, or keyed the way carriers write it (upper case, no punctuation),
    is a `match` — whatever its brand (an ordinary English word such as "Camel" included)."""
    from laborlens.match.phenomena import manifest
    from laborlens.names.chinese import has_han

    entries = [e for e in bundled_entries("uflpa") if e.kind == "entity"]
    assert len(entries) >= 70
    missed = []
    for e in entries:
        for name in e.all_names:
            if has_han(name):
                continue
            for q in (name, manifest(name)):
                r = m.best(q, e.country)
                if (r.entity_id, r.decision) != (e.entity_id, "match"):
                    missed.append((q, r.entity_id, r.decision, round(r.score, 3)))
    assert not missed, missed
    assert compare("Camel Group Co., Ltd.", "Camel Group Co., Ltd.").decision == "match"
    assert compare("Camel Group Co., Ltd.", "CAMEL GRP CO LTD").decision == "match"
