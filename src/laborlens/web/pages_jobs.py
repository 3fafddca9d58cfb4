"""Pages: upload files for screening, follow the job, browse verdicts, shipments (tier map) and parties."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from laborlens import decisions, jobs
from laborlens.api import auth, results, views
from laborlens.api.auth import Principal
from laborlens.api.deps import SessionDep, SettingsDep, StoreDep
from laborlens.names.normalize import name_key
from laborlens.paging import MAX_PER_PAGE
from laborlens.screen import browse
from laborlens.web.render import flash, redirect, render, safe_next

router = APIRouter()
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
PER_PAGE = 50  # rows per page of the results table unless the URL says otherwise
PER_PAGE_CHOICES = (25, 50, 100, 200, 500)


@router.get("/upload")
def upload_page(request: Request, user: Analyst) -> Response:
    return render(request, "upload.html", active="upload", limit_mb=request.app.state.upload_limit // 2**20)


@router.post("/upload")
async def upload(request: Request, user: Analyst, settings: SettingsDep) -> Response:
    job = await views.start_upload_job(request, settings, user.username)
    return redirect(f"/jobs/{job.id}")


@router.get("/jobs/{job_id}")
def job_page(request: Request, user: Viewer, job_id: JobId, store: StoreDep,
             verdict: Annotated[str, Query(pattern="^(|presumption|review|clear)$")] = "",
             importer: Annotated[str, Query(max_length=200)] = "",
             flag: Annotated[list[str] | None, Query(max_length=len(browse.FLAGS))] = None,
             rule: Annotated[str, Query(max_length=50)] = "",
             q: Annotated[str, Query(max_length=200)] = "",
             sort: Annotated[str, Query(pattern="^(" + "|".join(browse.SORTS) + ")$")] = "verdict",
             desc: bool = False,
             page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
             per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
             format: Annotated[str, Query(pattern="^(html|csv|xlsx)$")] = "html") -> Response:  # noqa: A002
    """The run's results, filtered, sorted and paged on the server: every filter is a GET parameter, so a
    URL shows the same rows to whoever opens it; ``format=csv|xlsx`` exports every row of the filter."""
    job = jobs.get_job(store, job_id)
    if not job.done:
        return render(request, "job_running.html", active="dashboard", job=job,
                      stages=job.summary.get("stages") or [])
    flt = browse.VerdictFilter.of(verdict, importer, flag or [], rule, q, sort, desc)
    raw = jobs.load_result(store, job_id)
    result = results.as_result(raw)
    if format != "html":
        from laborlens.web.pages_review import export

        views.record_download(store, user.username, job_id, f"verdicts.{format} (filtered)")
        return export(browse.export_table(result, flt), format, f"{job_id}-verdicts")
    vp = browse.verdict_page(result, flt, page, per_page)

    def url(page_no: int = 1, **override: object) -> str:
        """This page's URL with the filter (changed by ``override``), the page size and page ``page_no``."""
        params = flt.params(**override)
        if vp.page.per_page != PER_PAGE:
            params.append(("per_page", str(vp.page.per_page)))
        if page_no > 1:
            params.append(("page", str(page_no)))
        return f"/jobs/{job_id}" + ("?" + urlencode(params) if params else "")

    return render(request, "job.html", active="dashboard", job=job, summary=raw.get("summary") or {},
                  vp=vp, p=vp.page, flt=flt, url=url, flags=browse.FLAGS, per_page_choices=PER_PAGE_CHOICES,
                  default_per_page=PER_PAGE, mass_balance=raw.get("mass_balance") or [],
                  party_name=result.party_name, stages=job.summary.get("stages") or [])


@router.get("/jobs/{job_id}/shipments/{shipment_id}")
def shipment_page(request: Request, user: Viewer, job_id: JobId,
                  shipment_id: Annotated[str, Path(max_length=200)], store: StoreDep) -> Response:
    job = jobs.get_job(store, job_id)
    detail = results.verdict_detail(jobs.load_result(store, job_id), shipment_id)
    return render(request, "shipment.html", active="dashboard", job=job, d=detail, v=detail["verdict"])


@router.get("/jobs/{job_id}/parties/{party_id}")
def party_page(request: Request, user: Viewer, job_id: JobId, party_id: Annotated[str, Path(max_length=200)],
               store: StoreDep, s: SessionDep) -> Response:
    job = jobs.get_job(store, job_id)
    result = jobs.load_result(store, job_id)
    detail = results.party_detail(result, party_id)
    p = detail["party"]
    # the run's stored list findings, as screened then (a new check is one click away on /check)
    matches = detail["matches"]
    match = next((m for m in matches if m["severity"] != "info"), matches[0] if matches else None)
    local = next((m for m in matches if m is not match and m["severity"] != "info"), None)
    keys = {name_key(n) for n in (p.get("name"), p.get("name_local")) if n}
    history = [d for d in decisions.history(s) if d.name_key in keys]
    lists = (result.get("summary") or {}).get("lists") or []
    return render(request, "party.html", active="dashboard", job=job, d=detail, party=p, match=match,
                  local=local, history=history, lists=lists)


@router.post("/decisions")
def decide(request: Request, user: Analyst, s: SessionDep,
           party_name: Annotated[str, Form(min_length=1, max_length=500)],
           entity_id: Annotated[str, Form(min_length=1, max_length=100)],
           list_name: Annotated[str, Form(min_length=1, max_length=100)],
           verdict: Annotated[str, Form(pattern="^(confirmed|dismissed)$")],
           note: Annotated[str, Form(max_length=2000)] = "",
           country: Annotated[str, Form(max_length=100)] = "",
           back: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    decisions.record_decision(s, user.username, party_name, entity_id, list_name, verdict, note, country)
    flash(request, f"Recorded: {entity_id} {verdict} for {party_name}. Later screenings will cite it.")
    return redirect(safe_next(back))
