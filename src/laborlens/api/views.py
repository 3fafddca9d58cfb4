"""Glue shared by the API routers and the pages: library calls plus the audit events the web adds, and the
shaping of library objects into plain dicts. Routers and pages stay one call deep."""

from __future__ import annotations

import secrets
import shutil
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from laborlens import audit, jobs
from laborlens.api.uploads import receive_files
from laborlens.errors import InputError, NotFound
from laborlens.fsutil import private_dir
from laborlens.ingest.limits import Limits
from laborlens.ingest.loader import TABLE_NAMES, read_files
from laborlens.refdata import editions as ed
from laborlens.refdata.catalog import CATALOG, UFLPA_GAP
from laborlens.service import Context
from laborlens.service import lists as lists_service
from laborlens.settings import Settings
from laborlens.store import Store

IMPORT_FORMATS = ("auto", "csv", "ftm", "html", "wro")
TABLE_SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl")
DOWNLOADS = {"report.html": "text/html; charset=utf-8", "report.pdf": "application/pdf",
             "verdicts.csv": "text/csv; charset=utf-8", "findings.jsonl": "application/x-ndjson",
             "result.json": "application/json"}


# --- lists -----------------------------------------------------------------------------------------------

def edition_dict(e: ed.EditionInfo) -> dict[str, Any]:
    d = asdict(e)
    d.pop("list_name", None)
    return d


def lists_overview(store: Store) -> dict[str, Any]:
    out = []
    for w in ed.watchlists(store):
        warning = None
        if w.name == "uflpa" and not w.edition.user_imported:
            warning = f"The bundled UFLPA Entity List is {UFLPA_GAP}"
        out.append({"name": w.name, "title": w.title, "bundled": w.bundled, "current": edition_dict(w.edition),
                    "editions": [edition_dict(e) for e in ed.edition_history(store, w.name)],
                    "warning": warning})
    refs = [{"name": i.name, "title": i.title, "edition": i.edition, "source": i.source, "coverage": i.coverage}
            for i in CATALOG.values() if i.kind == "reference"]
    return {"watchlists": out, "references": refs}


async def import_uploaded_list(request: Request, ctx: Context, list_name: str | None) -> ed.ImportReport:
    """Stream the uploaded list into ``LABORLENS_HOME/imports`` (kept: the edition's source points there)
    and import it through :func:`laborlens.service.lists.import_list` (which audits it, as it does for the
    CLI). Without ``list_name`` the form field names the list."""
    ctx.require("admin")
    if list_name is not None:
        ed.check_list_name(list_name)
    dest = ctx.settings.ensure_home() / "imports" / secrets.token_hex(6)
    private_dir(dest)
    try:
        got = await receive_files(request, dest, {"file": ()})
        if list_name is None:
            list_name = ed.check_list_name(got.fields.get("list_name", "").strip())
        if "file" not in got.files:
            raise InputError("choose a list file to import", column="file")
        fmt = got.fields.get("format") or "auto"
        if fmt not in IMPORT_FORMATS:
            raise InputError(f"format must be one of {', '.join(IMPORT_FORMATS)}", column="format")
        label = (got.fields.get("label") or "").strip()[:200] or None
        try:
            return lists_service.import_list(ctx, got.files["file"], list_name, fmt, label)
        except InputError as exc:
            raise _client_named(exc, dest) from None
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise


def import_summary(report: ed.ImportReport) -> dict[str, Any]:
    return {"list_name": report.list_name, "unchanged": report.unchanged,
            "edition": edition_dict(report.edition),
            "previous": edition_dict(report.previous) if report.previous else None,
            "added": len(report.added), "removed": len(report.removed), "renamed": len(report.renamed),
            "updated": len(report.updated)}


def _client_named(exc: InputError, folder: Path) -> InputError:
    """The error with the server's folder taken out of the file names (file:row:column stays)."""
    err = InputError(str(exc).replace(f"{folder}/", "").replace(str(folder), "upload"))
    err.http_status = exc.http_status
    return err


# --- jobs ------------------------------------------------------------------------------------------------

async def start_upload_job(request: Request, settings: Settings, actor: str) -> jobs.JobInfo:
    """Stream parties/links/shipments into a new job folder and start screening it."""
    job_id, data_dir = jobs.new_job_dir(settings)
    try:
        got = await receive_files(request, data_dir, dict.fromkeys(TABLE_NAMES, TABLE_SUFFIXES))
        empty = [f for f, n in got.sizes.items() if n == 0]
        if empty:
            raise InputError(f"empty file for {', '.join(empty)}", column=empty[0])
        missing = [t for t in TABLE_NAMES if t not in got.files]
        if missing:
            raise InputError(f"upload parties, links and shipments; missing: {', '.join(missing)}",
                             column=missing[0])
        try:  # the strict readers of `laborlens load`, before a job is started
            read_files(dict(got.files), Limits.from_settings(settings))
        except InputError as exc:
            raise _client_named(exc, data_dir) from None
    except BaseException:
        jobs.discard_job_dir(settings, job_id)
        raise
    return request.app.state.runner.start(job_id, actor, data_dir, got.describe())


def download_path(store: Store, job_id: str, name: str) -> Path:
    if name not in DOWNLOADS:
        raise NotFound(f"no download {name!r}; available: {', '.join(DOWNLOADS)}")
    job = jobs.get_job(store, job_id)
    if job.status != "done":
        raise NotFound(f"job {job_id} has no results yet (status: {job.status})")
    path = jobs.output_dir(store, job_id) / name
    if not path.is_file():
        raise NotFound(f"job {job_id} did not produce {name}")
    return path


def record_download(store: Store, actor: str, job_id: str, name: str) -> None:
    with store.session() as s:
        audit.record(s, actor, "export.download", job_id, {"file": name})


def evidence_pack(store: Store, job_id: str, actor: str) -> Path:
    """A zip of everything the job wrote (report, verdicts, findings, result.json) plus its inputs; built
    once next to them (results do not change after a job is done) and streamed from disk."""
    job = jobs.get_job(store, job_id)
    if job.status != "done":
        raise NotFound(f"job {job_id} has no results yet (status: {job.status})")
    out = jobs.output_dir(store, job_id)
    target = out.parent / "evidence.zip"
    if not target.exists():
        tmp = out.parent / f".evidence-{secrets.token_hex(4)}.partial"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for folder, prefix in ((out, "results"), (out.parent / "in", "inputs")):
                for p in sorted(folder.rglob("*")) if folder.is_dir() else ():
                    if p.is_file() and not p.name.startswith("."):
                        z.write(p, f"laborlens-{job_id}/{prefix}/{p.relative_to(folder)}")
        tmp.replace(target)
    record_download(store, actor, job_id, "evidence.zip")
    return target


# --- audit -----------------------------------------------------------------------------------------------

def audit_view(s: Session, limit: int, action: str | None) -> dict[str, Any]:
    return {"chain": asdict(audit.verify(s)), "head": audit.signed_head(s),
            "events": [audit.event_dict(e) for e in audit.events(s, limit, action)]}


def audit_export(s: Session, actor: str, fmt: str) -> tuple[str, str]:
    """The whole log with the chain check and the signed head (see :func:`laborlens.audit.export`)."""
    return fmt, audit.export(s, actor, fmt)
