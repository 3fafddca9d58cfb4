"""Case work as printable, self-contained documents (CLI ``--html`` / ``--pdf``): the page templates of
``web/templates/cases`` rendered with ``standalone=True``, so the same markup and the one stylesheet
(inlined) serve the browser and the printout. PDF through WeasyPrint when it is installed."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from markupsafe import Markup

from laborlens.cases import progress, safeguards
from laborlens.cases.rrm.board import CaseView, timeline
from laborlens.cases.rrm.clocks import ClockRow
from laborlens.errors import LaborlensError
from laborlens.web.render import TEMPLATES, templates

STYLESHEET = TEMPLATES.parent / "static" / "app.css"


def render_document(template: str, **data: Any) -> str:
    # The stylesheet is inlined (a document must print on its own); web pages link it instead, as the
    # Content-Security-Policy forbids inline styles there.
    head = Markup("<style>\n{}\n</style>").format(Markup(STYLESHEET.read_text(encoding="utf-8")))
    return templates.get_template(template).render(standalone=True, standalone_head=head, nav=[], link=False,
                                                   base="", **data)


def board_html(views: list[CaseView], clocks: list[ClockRow], as_of: Any,
               include_closed: bool = False) -> str:
    return render_document("cases/rrm_board.html", views=views, clocks=clocks, as_of=as_of,
                           include_closed=include_closed)


def case_html(view: CaseView) -> str:
    return render_document("cases/rrm_case.html", v=view, entries=timeline(view))


def review_html(summary: safeguards.ReviewSummary, as_of: Any) -> str:
    return render_document("cases/safeguard_review.html", s=summary, labels=safeguards.SCORE_LABELS,
                           as_of=as_of, weight=safeguards.PRIORITY_WEIGHT)


def report_fields(report: progress.ProgressReport) -> dict[str, Any]:
    return {f.name: getattr(report, f.name) for f in fields(report)}


def report_html(report: progress.ProgressReport) -> str:
    return render_document("cases/progress_report.html", **report_fields(report))


def write_html(html: str, path: Path | str, pdf: Path | str | None = None) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    if pdf:
        write_pdf(html, pdf)
    return out


def write_pdf(html: str, path: Path | str) -> Path:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint present but Pango missing
        raise LaborlensError(f"PDF output needs WeasyPrint and its system libraries (Pango): {exc}") from None
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    HTML(string=html, base_url=str(TEMPLATES)).write_pdf(str(out))
    return out
