"""Name analysis: properties (idempotent, order- and punctuation-free keys) and each phenomenon."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.names.chinese import readings, to_simplified
from laborlens.names.normalize import analyze, clean, name_key
from laborlens.names.vocab import pinyin_syllable_count

words = st.lists(st.text(alphabet=string.ascii_letters, min_size=2, max_size=10), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_clean_is_idempotent(text):
    assert clean(clean(text)) == clean(text)


@settings(max_examples=200, deadline=None)
@given(words, st.randoms())
def test_word_order_does_not_change_key(ws, rnd):
    shuffled = ws[:]
    rnd.shuffle(shuffled)
    assert name_key(" ".join(ws)) == name_key(" ".join(shuffled))


@settings(max_examples=200, deadline=None)
@given(words, st.sampled_from([",", ".", " - ", " & ", "  ", "/", "(", ")"]))
def test_punctuation_and_case_do_not_change_key(ws, sep):
    plain = " ".join(ws)
    noisy = sep.join(w.upper() for w in ws)
    assert name_key(noisy.replace("&", " ")) == name_key(plain.replace("&", " "))


@pytest.mark.parametrize("raw, expect, kind", [
    ("XINJIANG GCL NEW ENGY MATLS TECH CO LTD", ["energy", "material", "technology"], "generic"),
    ("SHANDONG MEIJIA GRP CO LTD", ["group"], "org"),
    ("Example Intl Trading", ["international"], "generic"),
    ("ACME MFG CORP", ["manufacturing"], "generic"),
])
def test_abbreviations_expand(raw, expect, kind):
    toks = {t.text: t for t in analyze(raw)[0].tokens}
    for e in expect:
        assert e in toks and toks[e].how.startswith("abbreviation")


@pytest.mark.parametrize("a, b", [
    ("Acme Co., Ltd.", "ACME COMPANY LIMITED"),
    ("Acme Corp.", "Acme Corporation"),
    ("Acme Co Ltd", "acme co. ltd"),
])
def test_legal_forms_share_one_spelling(a, b):
    assert name_key(a) == name_key(b)


def test_legal_forms_are_kept_and_marked_not_deleted():
    kinds = {t.text: t.kind for t in analyze("Acme Trading Co., Ltd.")[0].tokens}
    assert kinds["co"] == "legal" and kinds["ltd"] == "legal" and kinds["acme"] == "distinct"


@pytest.mark.parametrize("spelling, canonical", [
    ("Hotan", "hetian"), ("Khotan", "hetian"), ("Kashgar", "kashi"), ("Aksu", "akesu"),
    ("Turpan", "tulufan"), ("Urumqi", "wulumuqi"), ("Yarkant", "shache"), ("Korla", "kuerle"),
])
def test_place_spellings_meet(spelling, canonical):
    toks = analyze(f"{spelling} Example Textile")[0].tokens
    assert toks[0].text == canonical and toks[0].kind == "place"


def test_traditional_becomes_simplified():
    assert to_simplified("華孚時尚") == "华孚时尚"


@pytest.mark.parametrize("zh, words", [
    ("新疆东方希望有色金属有限公司", {"xinjiang", "east", "hope", "nonferrous", "metal"}),
    ("某某纺织有限公司", {"textile"}),
    ("甲乙新能源科技有限公司", {"new", "energy", "technology"}),
    ("丙丁煤电有限公司", {"coal", "electricity"}),
    ("戊己钢铁集团", {"iron", "steel", "group"}),
])
def test_chinese_terms_are_translated(zh, words):
    got = {t.text for f in analyze(zh) for t in f.tokens}
    assert words <= got


def test_place_polyphones_read_as_places():
    text = readings("长治华丰纺织")[0].text
    assert text.startswith("changzhi")


@pytest.mark.parametrize("word, n", [("tianmei", 2), ("zhongtai", 2), ("xinjiang", 2), ("iznc", 0), ("gcl", 0)])
def test_pinyin_syllable_count(word, n):
    assert pinyin_syllable_count(word) == n


def test_pinyin_written_out_meets_english_terms():
    toks = {t.text for t in analyze("Example Xin Nengyuan Youxian Gongsi")[0].tokens}
    assert {"new", "energy"} <= toks


@pytest.mark.parametrize("name, legal", [
    ("Tridonex S. de R.L. de C.V.", {"s", "r", "l", "c", "v"}),
    ("Example Sdn. Bhd.", {"sdn", "bhd"}),
    ("PT Example Indonesia Tbk", {"pt", "tbk"}),
    ("Example GmbH", {"gmbh"}),
])
def test_foreign_legal_forms_are_recognised(name, legal):
    kinds = {t.text: t.kind for t in analyze(name)[0].tokens}
    assert all(kinds[w] == "legal" for w in legal)
    assert kinds["example" if "example" in kinds else "tridonex"] == "distinct"
