"""Screening jobs: upload supply-chain files, follow progress, read verdicts and findings, download."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from laborlens import exports, jobs
from laborlens.api import auth, results, views
from laborlens.api.auth import Principal
from laborlens.api.deps import RunnerDep, SettingsDep, StoreDep
from laborlens.api.models import FindingList, JobList, JobOut, PartyDetail, VerdictDetail, VerdictPage
from laborlens.screen import browse

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
Viewer = Annotated[Principal, Depends(auth.viewer)]
Analyst = Annotated[Principal, Depends(auth.analyst)]
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="Job id (16 hex digits).")]
_TABLE = {"type": "string", "format": "binary"}
_UPLOAD_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["parties", "links", "shipments"],
    "properties": {"parties": _TABLE, "links": _TABLE, "shipments": _TABLE}}}}}}


@router.get("", response_model=JobList)
def list_jobs(user: Viewer, store: StoreDep, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict:
    """Recent screening jobs, newest first."""
    return {"jobs": [j.to_dict() for j in jobs.list_jobs(store, limit)]}


@router.post("", response_model=JobOut, status_code=202, openapi_extra=_UPLOAD_SCHEMA)
async def start_job(user: Analyst, request: Request, settings: SettingsDep) -> dict:
    """Upload ``parties``, ``links`` and ``shipments`` (each .csv, .xlsx, .json or .jsonl) as
    multipart/form-data and start screening them in the background. The upload is streamed to disk and
    refused with 413 past the server's size limit. Poll ``GET /api/jobs/{id}`` for progress."""
    job = await views.start_upload_job(request, settings, user.username)
    return job.to_dict()


@router.get("/{job_id}", response_model=JobOut)
def get_job(user: Viewer, job_id: JobId, store: StoreDep) -> dict:
    """Status (``queued``, ``running``, ``done``, ``failed``), progress (0..1), message (the running stage
    and its count) and the summary: ``summary.stages`` lists the pipeline's stages in order (key, label,
    done, total, unit, state done/running/planned, seconds, note) while the job runs and after; once done
    the summary also has the verdict counts and the list editions screened against."""
    return jobs.get_job(store, job_id).to_dict()


Flag = Literal["priority_sector", "ilab", "wro_scope", "indicators", "traced", "untraced"]
Sort = Literal["verdict", "shipment_id", "exporter", "importer", "material", "tier"]


class VerdictQuery:
    """The results filter as query parameters (the same as the results page's URL)."""

    def __init__(self, verdict: Literal["presumption", "review", "clear"] | None = None,
                 importer: Annotated[str | None, Query(max_length=200,
                                                       description="Part of the importer's id or name.")] = None,
                 flag: Annotated[list[Flag] | None, Query(max_length=6, description=(
                     "Due-diligence flags every row must carry (repeat for several): priority_sector, ilab, "
                     "wro_scope, indicators (any of those), traced (to origin), untraced (stops at an "
                     "untraced tier)."))] = None,
                 rule: Annotated[str | None, Query(max_length=50, description=(
                     "A finding rule (list_match, xuar_location, wro_scope, ilab_good, mass_balance, ...) of "
                     "a party on the verdict's evidence paths or untraced tiers."))] = None,
                 q: Annotated[str | None, Query(max_length=200, description="Search text.")] = None,
                 sort: Sort = "verdict", desc: bool = False) -> None:
        self.filter = browse.VerdictFilter.of(verdict, importer, list(flag or []), rule, q, sort, desc)


VerdictQueryDep = Annotated[VerdictQuery, Depends()]


@router.get("/{job_id}/verdicts", response_model=VerdictPage)
def verdicts(user: Viewer, job_id: JobId, store: StoreDep, query: VerdictQueryDep,
             offset: Annotated[int, Query(ge=0)] = 0,
             limit: Annotated[int, Query(ge=1, le=5000)] = 100) -> dict:
    """Shipment verdicts, worst first by default; filter by verdict, importer, flags, finding rule and
    search text (the results page's URL parameters), page with offset/limit. ``total`` counts the rows the
    filter admits, ``counts`` the run's verdicts."""
    return results.filter_verdicts(jobs.load_result(store, job_id), query.filter, offset, limit)


@router.get("/{job_id}/verdicts.{fmt}", response_class=Response,
            responses={200: {"content": {t: {} for t in exports.MEDIA_TYPES.values()}}})
def verdicts_export(user: Viewer, job_id: JobId, fmt: Literal["csv", "xlsx"], store: StoreDep,
                    query: VerdictQueryDep) -> Response:
    """Every verdict the filter admits (all pages, in its order) as CSV or XLSX, party names beside the
    ids; cells that a spreadsheet would run as a formula are written as text."""
    table = browse.export_table(results.as_result(jobs.load_result(store, job_id)), query.filter)
    views.record_download(store, user.username, job_id, f"verdicts.{fmt} (filtered)")
    return Response(exports.to_bytes(table, fmt), media_type=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{job_id}-verdicts.{fmt}"'})


@router.get("/{job_id}/verdicts/{shipment_id}", response_model=VerdictDetail)
def verdict(user: Viewer, job_id: JobId, shipment_id: Annotated[str, Path(max_length=200)],
            store: StoreDep) -> dict:
    """One shipment's verdict with its evidence path and the tier map: the parties upstream of the exporter
    (``nodes`` with their tier, findings and whether they lie on an evidence path) and the links between
    them (``edges``), plus the findings on the evidence paths with their sources and list editions."""
    return results.verdict_detail(jobs.load_result(store, job_id), shipment_id)


@router.get("/{job_id}/findings", response_model=FindingList)
def findings(user: Viewer, job_id: JobId, store: StoreDep,
             party_id: Annotated[str | None, Query(max_length=200)] = None,
             severity: Literal["presumption", "review"] | None = None) -> dict:
    """Party findings (list hits, XUAR locations, sector and ILAB indicators), each with rule, source and
    list edition; filter by party or severity."""
    items = results.findings_for(jobs.load_result(store, job_id), party_id, severity)
    return {"total": len(items), "items": items}


@router.get("/{job_id}/parties/{party_id}", response_model=PartyDetail)
def party(user: Viewer, job_id: JobId, party_id: Annotated[str, Path(max_length=200)], store: StoreDep) -> dict:
    """One party: its details, findings, the shipments it touches, and its suppliers and buyers."""
    return results.party_detail(jobs.load_result(store, job_id), party_id)


@router.get("/{job_id}/files/{name}", response_class=FileResponse,
            responses={200: {"content": {t: {} for t in views.DOWNLOADS.values()}}})
def download(user: Viewer, job_id: JobId,
             name: Literal["report.html", "report.pdf", "verdicts.csv", "findings.jsonl", "result.json"],
             store: StoreDep) -> FileResponse:
    """Download one file of the evidence pack. The HTML report is served sandboxed (no scripts)."""
    path = views.download_path(store, job_id, name)
    views.record_download(store, user.username, job_id, name)
    inline = name in ("report.html", "report.pdf")
    return FileResponse(path, media_type=views.DOWNLOADS[name], filename=f"{job_id}-{name}",
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; "
                                                            "style-src 'unsafe-inline'"})


@router.get("/{job_id}/evidence.zip", response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}}}})
def evidence(user: Viewer, job_id: JobId, store: StoreDep) -> FileResponse:
    """The whole evidence pack as one zip: report (HTML, PDF), verdicts, findings, result.json and the
    uploaded input files."""
    return FileResponse(views.evidence_pack(store, job_id, user.username), media_type="application/zip",
                        filename=f"laborlens-{job_id}-evidence.zip")


@router.get("/{job_id}/findings.ftm.json", responses={200: {"content": {"application/x-ndjson": {}}}},
            response_class=StreamingResponse)
def findings_ftm(user: Viewer, job_id: JobId, store: StoreDep) -> StreamingResponse:
    """The job's parties with findings as FollowTheMoney JSON lines: a ``Company`` per party (findings in
    ``notes``) and an ``UnknownLink`` from a party to each listed entity its name matches."""
    import json

    from laborlens.ftm.export import finding_entities

    result = jobs.load_result(store, job_id)
    views.record_download(store, user.username, job_id, "findings.ftm.json")
    lines = (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in finding_entities(result))
    return StreamingResponse(lines, media_type="application/x-ndjson",
                             headers={"Content-Disposition":
                                      f'attachment; filename="{job_id}-findings.ftm.json"'})


def _context(user: Principal, settings: SettingsDep, store: StoreDep):
    from laborlens.service.context import Context

    return Context(settings=settings, store=store, principal=user)


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel(user: Analyst, job_id: JobId, store: StoreDep, settings: SettingsDep, runner: RunnerDep) -> dict:
    """Cancel a queued or running job (409 once it has ended). A running job stops at once where the
    server or worker owns its process, else at its next progress step."""
    return runner.cancel(_context(user, settings, store), job_id).to_dict()


@router.post("/{job_id}/retry", response_model=JobOut, status_code=202)
def retry(user: Analyst, job_id: JobId, store: StoreDep, settings: SettingsDep, runner: RunnerDep) -> dict:
    """Run a failed or cancelled job again on the same uploaded files (409 otherwise)."""
    return runner.retry(_context(user, settings, store), job_id).to_dict()
