"""The fast matching path gives the same answers as the plain one: pair for pair (features, alignment and
explanation parts), name for name (score, decision, entity, explanation) and row for row through the bulk
engine with its memory of repeated names. Rows come from the phenomena generator (variants and hard
negatives of listed and generated entities) and the unlisted corpus, with fresh seeds."""

from __future__ import annotations

import csv
import random

import pytest

from laborlens.match import features as F
from laborlens.match.bench import grown_list
from laborlens.match.engine import match_file
from laborlens.match.matcher import Matcher
from laborlens.match.phenomena import phenomena_rows, unlisted_rows
from laborlens.match.service import chinese_names
from laborlens.names.normalize import Token
from laborlens.refdata.bundled import bundled_entries


@pytest.fixture(scope="module")
def entries():
    return grown_list(bundled_entries("uflpa"), 110, seed=29)


@pytest.fixture(scope="module")
def fast(entries) -> Matcher:
    return Matcher(entries, extra_names=chinese_names(entries))


@pytest.fixture(scope="module")
def plain(entries) -> Matcher:
    return Matcher(entries, extra_names=chinese_names(entries), reference=True)


@pytest.fixture(scope="module")
def names(entries) -> list[str]:
    rng = random.Random(13)
    rows = phenomena_rows(entries, chinese_names(entries), seed=31)
    picked = rng.sample(rows, 450)
    unlisted = unlisted_rows(150, 60, seed=37)
    return [r.name for r in picked] + [r.name for r in unlisted]


def test_fast_alignment_equals_the_plain_one_pair_for_pair(fast, names):
    pairs = hows = 0
    for x in names:
        forms = fast.query_forms(x)
        for ni in sorted(fast.index.candidates(forms)):
            y = fast.index.names[ni]
            for f in forms:
                a = F.pair_features(y.form, f, fast.index.idf)
                b = F.pair_features(y.form, f, fast.index.idf, reference=True)
                assert a == b, (y.name, x, f.reading)
                pairs += 1
                hows += any(how for *_, how in b.matched if any(
                    k in how for k in ("joined", "initials", "truncated", "pinyin syllables")))
    # the rows reach the second pass (runs joined, initials) and the truncation branch, not just exact words
    assert pairs > 1500
    assert hows > 50


def test_run_hits_skip_only_what_cannot_reach_the_bar():
    """Every run the memoised side leaves out scores below 0.85 by ``word_sim`` itself."""
    rng = random.Random(7)
    syll = ["jing", "ao", "hai", "dong", "tai", "yang", "xin", "jiang", "hua", "li", "an", "en", "zhuang", "e"]
    latin = ["textile", "tex", "motors", "mortars", "gold", "gld", "abc", "a", "b", "c", "44", "group", "co"]
    for _ in range(400):
        words = [rng.choice(syll + latin) for _ in range(rng.randint(2, 6))]
        toks = tuple(Token(w, w, "distinct") for w in words)
        side = F._Side(toks)
        for _ in range(5):
            w = "".join(rng.choice(syll + latin) for _ in range(rng.randint(1, 3)))
            found = {(j, n) for j, n, *_ in side.hits(w)}
            for j, n, cat, ini, *_ in side.runs:
                sim = 1.0 if cat == w else F.word_sim(w, cat)[0]
                expect = sim >= 0.85 or (len(w) <= 5 and w == ini)
                assert ((j, n) in found) == expect, (w, cat)


def test_fast_matcher_answers_as_the_plain_one(fast, plain, names):
    decisions = set()
    for x in names:
        for country in ("CN", ""):
            a = fast.match(x, country, top=3)
            b = plain.match(x, country, top=3)
            assert [r.to_dict() for r in a] == [r.to_dict() for r in b], x
            decisions.add(a[0].decision)
    assert decisions == {"match", "review", "clear"}


def test_engine_memory_of_repeated_names_changes_no_row(fast, names, tmp_path):
    rng = random.Random(3)
    rows = [rng.choice(names[:120]) for _ in range(600)]  # every name several times, in random order
    q = tmp_path / "q.csv"
    with q.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country"])
        for i, n in enumerate(rows):
            w.writerow([f"q{i}", n, "CN" if i % 3 else ""])

    def read(path):
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))

    with_memo, without, two = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    match_file(fast, q, with_memo, workers=1)
    match_file(fast, q, without, workers=1, memo=0)
    match_file(fast, q, two, workers=2, memo=50)  # a small memory: answers dropped and scored again
    assert read(with_memo) == read(without) == read(two)
    assert len(read(with_memo)) == 601
