"""Readings added to name analysis: Chinese names in other romanisations and scripts read back to pinyin
(names/romanisation.py: Hong Kong (Cantonese) and Wade–Giles spellings, Russian Palladius transcription),
address tails, brand initials and parent groups; and the signs of the fitted model's weights."""

import pytest

from laborlens.match import evaluate as ev
from laborlens.match.features import FEATURES, IDX, pair_features
from laborlens.match.model import load
from laborlens.match.service import compare
from laborlens.names.normalize import analyze
from laborlens.names.qualifiers import legal_tail
from laborlens.names.romanisation import palladius, palladius_word, romanised_runs

FLAGGED = ("match", "review")


def _readings(name: str) -> list[list[str]]:
    return [[t.text for t in f.tokens] for f in analyze(name)]


@pytest.mark.parametrize("name, word", [
    ("Wah Fook Fashion Co., Ltd.", "huafu"),  # 华福
    ("Hon Hai Precision Industry Co., Ltd.", "honghai"),  # 鸿海 (Taiwanese spelling)
    ("Kam Po Mining", "jinbao"),  # 金宝
    ("Fujian Min Lung Warehousing Co., Ltd.", "minlong"),  # Min is not "mining" here
    ("Hsin Yi Textile Co.", "xinyi"),  # Wade–Giles
    ("Cheung Kong Holdings", "changjiang"),  # 长江
])
def test_hong_kong_and_wade_giles_syllables_read_as_pinyin(name, word):
    assert any(word in r for r in _readings(name)), _readings(name)


def test_plain_english_and_pinyin_names_get_no_romanised_reading():
    # one syllable alone, or syllables that are all pinyin, are left as written
    assert romanised_runs(["golden", "sun", "trading"]) == []
    assert romanised_runs(["zhong", "tai", "chemical"]) == []
    assert len(analyze("Golden Sun Trading Ltd")) == len(analyze("Golden Moon Trading Ltd"))


@pytest.mark.parametrize("pinyin, cyrillic", [
    ("xin", "синь"), ("jiang", "цзян"), ("zhong", "чжун"), ("hui", "хуэй"), ("xue", "сюэ"), ("yuan", "юань"),
    ("zi", "цзы"), ("shi", "ши"), ("ri", "жи"), ("jun", "цзюнь"), ("guo", "го"), ("mei", "мэй"),
])
def test_palladius_syllables(pinyin, cyrillic):
    assert palladius(pinyin) == cyrillic


@pytest.mark.parametrize("word, pinyin", [
    ("Синьцзян", "xinjiang"), ("Дацюань", "daquan"), ("Чжунтай", "zhongtai"), ("Шаньдун", "shandong"),
    ("Мейцзя", "meijia"),  # е for э, as Russian writers often spell it
])
def test_russian_transcription_of_chinese_names(word, pinyin):
    assert palladius_word(word) == pinyin


def test_ordinary_russian_words_are_not_read_as_pinyin():
    assert palladius_word("Ромашка") == "" and palladius_word("Москва") == ""


def test_cyrillic_name_gets_a_russian_reading():
    rs = _readings("Синьцзян Чжунтай Кемикал Ко., Лтд.")
    assert ["xinjiang", "zhongtai", "chemical", "co", "ltd"] in rs, rs
    r = compare("Синьцзян Чжунтай Кемикал Ко., Лтд.", "Xinjiang Zhongtai Chemical Co., Ltd.")
    assert r.decision in FLAGGED
    assert compare("Синьцзян Чжунтай Кемикал Ко., Лтд.", "Xinjiang Zhongtai Chemical Co., Ltd.").score > \
        compare("Синьцзян Хуафу Кемикал Ко., Лтд.", "Xinjiang Zhongtai Chemical Co., Ltd.").score


def test_cantonese_brand_meets_its_pinyin_listing():
    assert compare("Wah Fook Color Spinning Co., Ltd.", "Huafu Color Spinning Co., Ltd.").decision in FLAGGED
    assert compare("Hung Yuen Green Energy Co., Ltd.", "Hongyuan Green Energy Co., Ltd.").decision in FLAGGED
    # another Cantonese brand is another company
    assert compare("Wing On Color Spinning Co., Ltd.", "Huafu Color Spinning Co., Ltd.").decision == "clear"


def test_legal_form_a_name_ends_with_decides():
    assert legal_tail("Becker GmbH & Co. KG") == "gmbhcokg" and legal_tail("Becker GmbH & Co. GmbH") == "gmbh"
    listed = analyze("Becker Metallbau GmbH & Co. KG")[0]
    other = pair_features(listed, analyze("Becker Metallbau GmbH & Co. GmbH")[0], {})
    manifest = pair_features(listed, analyze("BECKER METALLBAU GMBH CO KG")[0], {})
    assert other.values[IDX["legal_conflict"]] == 1.0 and manifest.values[IDX["legal_agree"]] == 1.0


def test_subsidiary_of_a_listing_that_covers_subsidiaries():
    r = compare("Haole Logistics (Qingyang) Co., Ltd.",
                "Liaoyang Haole Lithium Battery Group Co., Ltd. and its subsidiaries")
    assert r.decision in FLAGGED


def test_shipped_weights_have_the_sign_of_their_evidence():
    m = load()
    for f, w in zip(FEATURES, m.weights, strict=True):
        if f in ev.POSITIVE:
            assert w >= 0, f
        if f in ev.NEGATIVE:
            assert w <= 0, f
    assert m.weights[FEATURES.index("brand_cover")] >= 0 and m.weights[FEATURES.index("cover_all")] > 0


def test_address_after_a_name_is_also_read_without_it():
    rs = _readings("HUANGSHI FUHUAXIN 4 MINING MILL NO 18 INDUSTRIAL ROAD")
    assert ["huangshi", "fuhuaxin", "4", "mining", "mill"] in rs, rs
    # a number that is part of the name is kept: nothing after it is a road
    assert all(r[:2] == ["xinjiang", "no"] for r in _readings("Xinjiang No. 2 Cotton Mill"))


def test_two_letter_brand_initials_are_not_a_legal_form():
    toks = analyze("Tianshui XT Plastics Group")[0].tokens
    assert [(t.text, t.kind) for t in toks][:2] == [("tianshui", "place"), ("xt", "distinct")]


def test_subsidiary_name_without_its_parent_group():
    rs = _readings("Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.")
    assert ["xinjiang", "bayi", "iron", "and", "steel", "co", "ltd"] in rs, rs
    assert compare("XINJIANG BAYI IRON AND STEEL CO LTD",
                   "Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.").decision in FLAGGED
