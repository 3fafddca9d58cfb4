"""Matching, table-driven by phenomenon. Listed names below are real UFLPA entries (bundled list); queries
are written from the phenomena, not copied from the development set."""

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborlens.match import Matcher, compare_names
from laborlens.match.service import build_matcher
from laborlens.model import WatchEntry
from laborlens.refdata.bundled import bundled_entries

from conftest import SHARED


@pytest.fixture(scope="module")
def m() -> Matcher:
    return build_matcher(bundled_entries("uflpa"))


MATCHES = [
    # manifest style, upper case, no punctuation
    ("XINJIANG EAST HOPE NONFERROUS METALS CO LTD", "uflpa-005"),
    ("TURPAN ESQUEL TEXTILE COMPANY LIMITED", "uflpa-039"),
    # abbreviations
    ("XINJIANG TENGXIANG MAGNESIUM PRODS CO LTD", "uflpa-031"),
    ("RARE EARTH MAGNESIUM TECH GRP HLDGS LTD", "uflpa-033"),
    # truncated at ~35 characters on a bill of lading
    ("XINJIANG TIANMIAN FOUNDATION TEXTIL", "uflpa-058"),
    ("BAOWU GROUP XINJIANG BAYI IRON AND S", "uflpa-034"),
    # run-together and split words
    ("ASHELECOPPER CO LTD", "uflpa-030"),
    ("TENGXIANGMAGNESIUM PRODUCTS", "uflpa-031"),
    ("Xinjiang Join World Co", "uflpa-044"),
    # place spellings
    ("Hotan Haolin Hair Accessories", "uflpa-003"),
    ("Kashi Construction Engineering Group Co Ltd", "uflpa-029"),
    ("Tulufan Esquel Textile Co., Ltd.", "uflpa-039"),
    # typos
    ("Xinjiang Tengxaing Magnesium Products", "uflpa-031"),
    ("Shuangliang Silicon Materals (Baotou)", "uflpa-049"),
    # word order
    ("Silicon Materials Shuangliang Baotou Co", "uflpa-049"),
    # Chinese script: translated terms, transliterated brands, traditional characters
    ("新疆腾翔镁制品有限公司", "uflpa-031"),
    ("新疆天山毛纺织股份有限公司", "uflpa-059"),
    ("昌吉溢達紡織有限公司", "uflpa-008"),
    ("新疆大全新能源股份有限公司", "uflpa-004"),
    ("新疆协鑫新能源材料科技有限公司", "uflpa-006"),
    # Chinese names of entities with no Chinese alias: translation, transliteration, glosses, provinces
    ("包头美科硅能源有限公司", "uflpa-048"),
    ("河北番茄工业有限公司", "uflpa-069"),
    ("内蒙古骑乐源食品有限公司", "uflpa-071"),
    ("东莞绿洲鞋业有限公司", "uflpa-026"),  # 绿洲 → oasis (CC-CEDICT)
    ("中棉集团新疆棉业有限公司", "uflpa-019"),  # 中棉 → China Cotton
    # pinyin written out where the list translates
    ("Xinjiang Dongfang Xiwang Youse Jinshu", "uflpa-005"),
    ("Xinjiang Daquan Xin Nengyuan", "uflpa-004"),
]


FLAGGED = ("match", "review")


@pytest.mark.parametrize("query, expected", MATCHES)
def test_variants_are_flagged_against_their_listing(m, query, expected):
    """Issue 9: the fitted scorer's target is the flagged reading (match or review); which of the two is
    the model's call, not a hand-set gate."""
    r = m.best(query, "CN")
    assert r.entity_id == expected, r.explanation()
    assert r.decision in FLAGGED, r.explanation()


@pytest.mark.parametrize("query, expected", [
    ("XINJIANG EAST HOPE NONFERROUS METALS CO LTD", "uflpa-005"),
    ("Xinjiang Daqo New Energy Co., Ltd.", "uflpa-004"),
])
def test_the_listed_name_itself_is_a_match(m, query, expected):
    r = m.best(query, "CN")
    assert (r.entity_id, r.decision) == (expected, "match"), r.explanation()


NON_MATCHES = [
    # place + industry + legal form alone never make a match
    "Xinjiang New Energy Co., Ltd.",
    "Xinjiang Textile Co., Ltd.",
    "Hetian Hair Accessories Co., Ltd.",
    # same frame, different distinctive word
    "Xinjiang Jinhua Magnesium Products Co., Ltd.",
    "Baotou Xinyuan Silicon Energy Co., Ltd.",
    "Tianjin Tianmei Food Co., Ltd.",  # Tianmei is not Tianwei: two valid pinyin names
    "Aksu Jinfeng Color Spinning Co., Ltd.",
    # a shared brand with another place and another industry is another company
    "Weifang Zhongtai Paper Products Co., Ltd.",
    # decoys
    "Xinjiang Road Trading (Shanghai) Co., Ltd.",
    "Example Outdoor Apparel Inc.",
]


@pytest.mark.parametrize("query", NON_MATCHES)
def test_non_listed_names_do_not_match(m, query):
    r = m.best(query, "CN")
    assert r.decision != "match", r.explanation()


def test_explanation_lists_alias_transformations_and_discounts(m):
    r = m.best("XINJIANG GREAT NEW ENGY CO LTD", "CN")
    assert r.entity_id == "uflpa-004"
    text = r.explanation()
    assert "via alias 'Xinjiang Great New Energy Co., Ltd.'" in text
    assert "abbreviation ENGY→energy" in text
    assert "discounted co, ltd" in text
    # every feature of the model, with its value and contribution in words
    from laborlens.match.features import FEATURES

    assert len(r.evidence) == len(FEATURES)
    assert "distinctive words of the listed name found = 1.00" in text


def test_explanation_says_why_a_near_miss_is_not_a_match():
    r = compare_names("Xinjiang Jinhua Magnesium Products Co., Ltd.", "Xinjiang Tengxiang Magnesium Products Co., Ltd.")
    assert r.decision != "match"
    assert "distinctive words of the listed name found = 0.00" in r.explanation()
    assert "missing tengxiang" in r.explanation()


def test_chinese_reading_is_explained(m):
    r = m.best("新疆天山毛纺织股份有限公司")
    assert "Chinese" in r.reading or "Chinese script" in r.explanation()
    assert r.entity_id == "uflpa-059" and r.decision in FLAGGED
    assert "Chinese" in r.explanation()


def test_country_conflict_lowers_score(m):
    same = m.best("Xinjiang Zhongtai Chemical Co", "CN").score
    other = m.best("Xinjiang Zhongtai Chemical Co", "DE").score
    assert other < same


def test_address_supports_and_never_demotes(m):
    name = "HOSHINE INDUSTRY CO LTD"
    agree = m.best(name, "CN", "Shanshan County, Turpan, Xinjiang")
    none = m.best(name, "CN")
    elsewhere = m.best(name, "CN", "Jiaxing, Zhejiang")  # a subsidiary's plant may be anywhere
    assert agree.score > none.score == elsewhere.score
    assert "address agrees: shanshan" in agree.explanation()


@pytest.mark.parametrize("country", ["CN", "CHN", "China", "China (Mainland)", "PRC", "中国"])
def test_country_spellings_agree(m, country):
    r = m.best("XINJIANG BAYI IRON AND STEEL CO LTD", country)
    assert r.decision in FLAGGED and "country" in r.explanation() and "differs" not in r.explanation()


def test_person_names_rank_by_evidence():
    """Person names lie outside the fitted domain (company names); the evidence still ranks them."""
    same = compare_names("John A. Smith", "Smith, John").score
    initial = compare_names("J. Smith", "John Smith").score
    other = compare_names("Mary Smith", "John Smith").score
    assert same > other and initial > other


def test_compare_pair_api():
    r = compare_names("CAMEL GRP CO LTD", "Camel Group Co., Ltd.")
    assert r.decision in FLAGGED and 0.0 < r.score < 1.0


def test_retrieval_never_loses_the_true_candidate_on_the_labelled_set(m):
    path = SHARED / "eval" / "uflpa_dev_queries.csv"
    if not path.exists():
        from conftest import need_service

        need_service("labelled set", f"{path} not found (shared/ sits beside the checkout)")
    pos = {e.entity_id: i for i, e in enumerate(m.index.entries)}
    lost = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["expected"]:
                continue
            cands = {m.index.names[i].entry for i in m.index.candidates(m.query_forms(row["name"]))}
            if pos[row["expected"]] not in cands:
                lost.append(row["name"])
    assert lost == []


def test_retrieval_cost_does_not_grow_with_list_size():
    """Candidates scored per query stay bounded when the list grows 40-fold with unrelated names."""
    base = list(bundled_entries("uflpa"))
    filler = [WatchEntry(f"x-{i}", f"Filler{i:05d}qz Widget Manufacturing Co., Ltd.", list_name="x")
              for i in range(3000)]
    small, big = Matcher(base), Matcher(base + filler)
    q = small.query_forms("XINJIANG DAQO NEW ENERGY CO LTD")
    assert len(big.index.candidates(q)) <= len(small.index.candidates(q)) + 5


def test_generated_variants_of_the_whole_list_with_the_shipped_model(m):
    """Variants of all 75 listed entities (a regression guard; the held-out figures are the bench's)."""
    from laborlens.match import evaluate as ev
    from laborlens.match.phenomena import phenomena_rows
    from laborlens.match.service import chinese_names

    rows = phenomena_rows(m.entries, chinese_names(m.entries))
    assert len({r.kind for r in rows if r.expected}) >= 12
    preds = [(x.entity_id, x.score) for x in (m.best(r.name, r.country) for r in rows)]
    rep = ev.report(rows, preds, m.thresholds)["flagged"]
    assert rep["precision"] >= 0.9 and rep["recall"] >= 0.9, {k: rep[k] for k in ("precision", "recall")}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80),
                 st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=20),
                 st.lists(st.sampled_from(["Xinjiang", "Co", "Ltd", "新疆", "有限公司", "Hotan", "TECH", "&", "(",
                                           "Daqo", "大全", "—", "ＸＩＮＪＩＡＮＧ"]), max_size=8).map(" ".join)),
       st.sampled_from(["", "CN", "VN", "China", "US"]), st.text(max_size=40))
def test_any_text_gets_a_well_formed_answer(m, name, country, address):
    r = m.best(name, country, address)
    assert 0.0 <= r.score <= 1.0
    assert r.decision in ("match", "review", "clear")
    if r.decision == "match":
        assert r.entity_id and r.entity_name and r.matched, r.explanation()
    if not r.entity_id:
        assert r.decision != "match" and r.score <= m.thresholds.review
    assert isinstance(r.explanation(), str)


def test_calibrate_save_goes_to_this_home_and_is_audited(cli, home, tmp_path):
    from laborlens import audit
    from laborlens.settings import Settings
    from laborlens.store import open_store

    p = tmp_path / "lab.csv"
    p.write_text("name,expected\nXINJIANG DAQO NEW ENGY CO LTD,uflpa-004\nExample Outdoor Apparel Inc.,\n"
                 "CAMEL GRP CO LTD,uflpa-011\nExample Widget Trading Co.,\n", encoding="utf-8")
    r = cli("calibrate", p, "--save")
    assert r.exit_code == 0, r.output
    assert (home / "calibration.json").exists()
    with open_store(Settings()).session() as s:
        assert any(e.action == "thresholds.calibrate" for e in audit.events(s))


def test_bill_of_lading_truncation_at_any_length(m):
    """Every listed name, upper-cased and cut at 18..45 characters, is still flagged as a listed entity."""
    import re

    total = flagged = 0
    for e in m.entries:
        for n in e.all_names:
            if re.search(r"[\u4e00-\u9fff]", n):
                continue
            up = re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9 ]", " ", n.upper())).strip()
            for cut in range(18, 46):
                q = up[:cut]
                if q != up and len(q.split()) >= 2:
                    total += 1
                    flagged += m.best(q, "CN").decision in FLAGGED
    assert total > 1000 and flagged / total >= 0.93


@pytest.mark.parametrize("query, expected", [
    ("TO THE ORDER OF CAMEL GROUP CO LTD", "uflpa-011"),
    ("XINJIANG ZHONGTAI CHEMICAL CO LTD C/O EXAMPLE LOGISTICS", "uflpa-010"),
    ("EXAMPLE FORWARDING OBO XINJIANG ZHONGTAI CHEMICAL CO LTD", "uflpa-010"),
    ("XINJIANG ZHONGTAI CHEMICAL CO LTD NO 39 EXAMPLE ROAD URUMQI", "uflpa-010"),
    ("XIN JIANG ZHONGTAI CHEMICAL", "uflpa-010"),
    ("Hoshine Silicon (Jiaxing) Co Ltd", "uflpa-001"),  # the listing covers subsidiaries
    ("XPCC 1ST DIVISION", "uflpa-007"),
])
def test_manifest_wording_and_subsidiaries(m, query, expected):
    r = m.best(query, "CN")
    assert r.entity_id == expected and r.decision in FLAGGED, r.explanation()


@pytest.mark.parametrize("query", [
    "新疆新能源材料科技有限公司",  # GCL's Chinese name without its brand 协鑫
    "新疆哈巴河铜业股份有限公司",  # Ashele's without 阿舍勒
    "新疆和众股份有限公司",  # 众和 (Joinworld) with its characters swapped
])
def test_chinese_names_without_the_brand_do_not_match(m, query):
    assert m.best(query, "CN").decision != "match"


def test_other_scripts_are_transliterated(m):
    """Cyrillic (and Greek, kana...) is read through normality's transliteration, not sent to a person."""
    forms = m.query_forms("ООО Синьцзян Чжунтай Кемикал")
    assert forms[0].reading == "transliterated to Latin"
    assert [t.text for t in forms[0].tokens][:2] == ["ooo", "sinczan"]
    r = m.best("Ксинджианг Жонгтаи Чемицал Co Ltd", "CN")  # English spelling written in Cyrillic letters
    assert r.entity_id == "uflpa-010" and "zhongtai=zongtai" in r.explanation(), r.explanation()
