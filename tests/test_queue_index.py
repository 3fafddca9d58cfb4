"""The review queue reads each run's candidate matches from an index, not from result.json on every
request: a run is indexed when it is recorded, a repeat request parses nothing, another process reads the
index file, a new run is indexed once, and a rewritten result.json is indexed again (the queue follows)."""

from __future__ import annotations

import json
from pathlib import Path

from test_review import LINKS, PARTIES, ctx_for, matcher, screen_run  # noqa: F401 - the module fixture

from laborlens.model import Link, Party
from laborlens.review import QueueFilter, review_queue
from laborlens.review import index as ix
from laborlens.screen import screen_tables, write_outputs
from laborlens.screen.result import ScreenResult
from laborlens.store.models import Job

HOSHINE = Party("Q", "Hoshine Silicon Industry (Shanshan) Co", "CN", "Shanghai")


def _keys(items) -> list[tuple]:
    return [(it.party_id, it.entity_id, it.run.id, it.runs) for it in items]


def _direct(store) -> list[tuple]:
    """What the queue would hold when built from the results themselves (the index forgotten on disk)."""
    import shutil

    shutil.rmtree(store.settings.home / "index", ignore_errors=True)
    ix.forget()
    return _keys(review_queue(store, QueueFilter(include_decided=True)))


def test_the_queue_reads_its_index_and_follows_new_and_rewritten_runs(settings, store, matcher,  # noqa: F811
                                                                      tmp_path):
    ctx = ctx_for(settings, store)
    ix.forget()
    start = dict(ix.stats)
    first = screen_run(ctx, matcher, tmp_path, "first")
    assert ix.stats["parsed"] == start["parsed"] + 1  # indexed when recorded
    assert (settings.home / "index" / "review-queue" / f"{first}.json").exists()
    q1 = review_queue(store)
    assert [(it.party_id, it.entity_id) for it in q1] == [("P", "uflpa-004")]
    parsed = ix.stats["parsed"]
    for _ in range(3):
        assert _keys(review_queue(store)) == _keys(q1)
    assert ix.stats["parsed"] == parsed  # repeat requests parse no result

    ix.forget()  # another process: it reads the small index file, not result.json
    hits = ix.stats["file_hits"]
    assert _keys(review_queue(store)) == _keys(q1)
    assert ix.stats["parsed"] == parsed and ix.stats["file_hits"] == hits + 1

    second = screen_run(ctx, matcher, tmp_path, "second", parties=[*PARTIES, HOSHINE],
                        links=[*LINKS, Link("Q", "EXP", "polysilicon")])
    assert ix.stats["parsed"] == parsed + 1  # only the new run
    q2 = review_queue(store)
    assert {it.party_id for it in q2} == {"P", "Q"} and all(it.run.id == second for it in q2)
    assert next(it for it in q2 if it.party_id == "P").runs == 2
    assert _keys(q2) == _direct(store)

    # rewrite the first run's result without P (a corrected re-screen into the same folder)
    with store.session() as s:
        out = Path(s.get(Job, first).out_dir)
    r = screen_tables([PARTIES[0], PARTIES[2]], [], [], matcher)
    write_outputs(r, out, html=False, pdf=False)
    parsed = ix.stats["parsed"]
    again = review_queue(store)  # this process's entry and the file are stale by the result's stamp
    assert ix.stats["parsed"] == parsed + 1
    assert next(it for it in again if it.party_id == "P").runs == 1  # the rewritten first run lost it
    assert _keys(again) == _direct(store)
    cached = json.loads((settings.home / "index" / "review-queue" / f"{first}.json").read_text())
    assert cached["items"] == []
    assert not ScreenResult.from_json(json.loads((out / "result.json").read_text())).findings
