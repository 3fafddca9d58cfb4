"""Pages of the review loop: the queue (filters and page in the URL, bulk confirm/dismiss with a note,
assignment, CSV/XLSX export of the filtered rows), the runs list (names) and the run diff."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from sqlalchemy import select
from starlette.responses import Response

from laborlens import csvout, exports
from laborlens.api import auth
from laborlens.api.auth import Principal
from laborlens.api.deps import AnalystCtx, StoreDep
from laborlens.errors import InputError
from laborlens.exports import Table
from laborlens.review import (
    QueueFilter,
    QueueItem,
    diff_results,
    export_table,
    list_runs,
    load_run_result,
    paginate,
    review_queue,
)
from laborlens.service import review as uc
from laborlens.store.models import User
from laborlens.web.render import flash, redirect, render, safe_next

router = APIRouter()
ROUTE_ROLES = {("GET", "/review"): "viewer", ("POST", "/review/decide"): "analyst",
               ("POST", "/review/assign"): "analyst", ("GET", "/runs"): "viewer",
               ("POST", "/runs/{run_id}/name"): "analyst", ("GET", "/runs/diff"): "viewer",
               ("GET", "/search"): "viewer", ("GET", "/entities/{entity_id}"): "viewer",
               ("POST", "/check/batch"): "viewer"}
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]


def _subject_value(it: QueueItem) -> str:
    return json.dumps([it.party_name, it.entity_id, it.list_name, it.country, it.party_id, it.run.id],
                      ensure_ascii=False)


def _subjects(values: list[str]) -> list[uc.Subject]:
    out = []
    for i, v in enumerate(values, 1):
        try:
            parts = [str(x) for x in json.loads(v)]
            out.append(uc.Subject(*parts[:6]))
        except (ValueError, TypeError) as exc:
            raise InputError(f"selected match {i} is not readable", column="subject") from exc
    return out


def export(table: Table, fmt: str, stem: str) -> Response:
    """An export table (the rows a filter shows, every page) as a CSV or XLSX download."""
    return Response(exports.to_bytes(table, fmt), media_type=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


@router.get("/review")
def review_page(request: Request, user: Viewer, store: StoreDep,
                rule: Annotated[str, Query(max_length=50)] = "",
                list: Annotated[str, Query(max_length=100)] = "",  # noqa: A002 - the URL parameter's name
                sector: Annotated[str, Query(max_length=200)] = "",
                importer: Annotated[str, Query(max_length=200)] = "",
                assignee: Annotated[str, Query(max_length=100)] = "",
                decided: bool = False,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                per_page: Annotated[int, Query(ge=1, le=500)] = 50,
                format: Annotated[str, Query(pattern="^(html|csv|xlsx)$")] = "html") -> Response:  # noqa: A002
    flt = QueueFilter(rule, list, sector, importer, assignee, decided)
    items = review_queue(store, flt)
    if format != "html":
        return export(export_table(items), format, "review-queue")
    params = {k: v for k, v in (("rule", rule), ("list", list), ("sector", sector), ("importer", importer),
                                ("assignee", assignee), ("decided", "true" if decided else "")) if v}
    with store.session() as s:
        analysts = [u.username for u in s.scalars(select(User).where(User.disabled.is_(False)))
                    if u.role in ("analyst", "admin")]
    all_items = review_queue(store, QueueFilter(include_decided=decided))
    choices = {
        "list": sorted({it.list_name for it in all_items}),
        "sector": sorted({sec for it in all_items for sec in it.sectors}),
    }
    return render(request, "review.html", active="review", p=paginate(items, page, per_page), flt=flt,
                  params=params, query=urlencode(params), analysts=analysts, choices=choices,
                  subject_value=_subject_value, back=str(request.url.path) + ("?" + request.url.query
                                                                              if request.url.query else ""))


@router.post("/review/decide")
def review_decide(request: Request, ctx: AnalystCtx,
                  verdict: Annotated[str, Form(pattern="^(confirmed|dismissed)$")],
                  subject: Annotated[list[str] | None, Form(max_length=uc.MAX_BULK)] = None,
                  note: Annotated[str, Form(max_length=2000)] = "",
                  back: Annotated[str, Form(max_length=2000)] = "/review") -> Response:
    ids = uc.decide(ctx, _subjects(subject or []), verdict, note)
    flash(request, f"{verdict.capitalize()} {len(ids)} match(es) with your note; later screenings cite it.")
    return redirect(safe_next(back, "/review"))


@router.post("/review/assign")
def review_assign(request: Request, ctx: AnalystCtx,
                  subject: Annotated[list[str] | None, Form(max_length=uc.MAX_BULK)] = None,
                  assignee: Annotated[str, Form(max_length=100)] = "",
                  back: Annotated[str, Form(max_length=2000)] = "/review") -> Response:
    n = uc.assign(ctx, _subjects(subject or []), assignee)
    flash(request, f"{n} match(es) " + (f"assigned to {assignee}." if assignee else "returned to the pool."))
    return redirect(safe_next(back, "/review"))


@router.get("/runs")
def runs_page(request: Request, user: Viewer, store: StoreDep) -> Response:
    runs = list_runs(store, 500)
    done = [r for r in runs if r.status == "done"]
    return render(request, "runs.html", active="runs", runs=runs, done=done)


@router.post("/runs/{run_id}/name")
def runs_name(request: Request, ctx: AnalystCtx, run_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")],
              name: Annotated[str, Form(max_length=200)] = "",
              back: Annotated[str, Form(max_length=2000)] = "/runs") -> Response:
    uc.name_run(ctx, run_id, name)
    flash(request, f"Run {run_id[:8]} named {name!r}." if name.strip() else f"Run {run_id[:8]}: name removed")
    return redirect(safe_next(back, "/runs"))


@router.get("/runs/diff")
def diff_page(request: Request, user: Viewer, store: StoreDep,
              a: Annotated[str, Query(min_length=1, max_length=200)],
              b: Annotated[str, Query(min_length=1, max_length=200)],
              kind: Annotated[str, Query(max_length=40)] = "") -> Response:
    (ra, res_a), (rb, res_b) = load_run_result(store, a), load_run_result(store, b)
    d = diff_results(res_a, res_b, ra.label, rb.label)
    changes = [c for c in d.changes if not kind or c.kind == kind]
    return render(request, "run_diff.html", active="runs", d=d, ra=ra, rb=rb, changes=changes, kind=kind,
                  by_kind=d.by_kind())


@router.get("/search")
def search_page(request: Request, user: Viewer, store: StoreDep,
                q: Annotated[str, Query(max_length=200)] = "") -> Response:
    from laborlens.review.search import search

    return render(request, "search.html", active="search", q=q, hits=search(store, q))


@router.get("/entities/{entity_id}")
def entity_view(request: Request, user: Viewer, store: StoreDep,
                entity_id: Annotated[str, Path(max_length=100)]) -> Response:
    from laborlens.review.search import entity_page

    return render(request, "entity.html", active="search", e=entity_page(store, entity_id))


BATCH_MAX = 2000  # rows per batch check in the browser; `laborlens match` takes millions


def batch_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a name-check CSV, or an InputError naming file, row and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", file=filename) from exc
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip().lower() for c in reader.fieldnames or []]
    if "name" not in cols:
        raise InputError("needs a 'name' column (optional: id, country, address)", file=filename, row=1,
                         column="name")
    rows = []
    for i, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        if None in raw:
            raise InputError("more cells than columns", file=filename, row=i)
        if not row.get("name"):
            raise InputError("empty name", file=filename, row=i, column="name")
        rows.append(row)
        if len(rows) > BATCH_MAX:
            raise InputError(f"more than {BATCH_MAX} rows: use `laborlens match` for large files",
                             file=filename, row=i)
    if not rows:
        raise InputError("no rows", file=filename, row=2)
    return rows


@router.post("/check/batch")
async def check_batch(request: Request, user: Viewer) -> Response:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise InputError("choose a CSV file", column="file")
    name = upload.filename or "upload.csv"
    rows = batch_rows(await upload.read(), name)
    matcher = request.app.state.matchers.get(request.app.state.store)
    buf = io.StringIO()
    w = csvout.writer(buf)
    w.writerow(["row", "id", "name", "country", "rank", "entity_id", "entity_name", "list", "edition",
                "score", "decision", "explanation"])
    for i, row in enumerate(rows, start=2):
        found = [r for r in matcher.match(row["name"], row.get("country", ""), row.get("address", ""), top=5)
                 if r.entity_id] or matcher.match(row["name"], row.get("country", ""), row.get("address", ""))
        for rank, r in enumerate(found, 1):
            w.writerow([i, row.get("id", ""), row["name"], row.get("country", ""), rank, r.entity_id,
                        r.entity_name, r.list_name, r.edition, f"{r.score:.4f}", r.decision, r.explanation()])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="name-check.csv"'})
