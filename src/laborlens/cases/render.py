"""HTML from the templates in ``cases/templates`` and optional PDF through WeasyPrint.

Autoescaping is on: case text comes from users and sources and must never become markup."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from laborlens.errors import LaborlensError

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["label"] = lambda v: str(v).replace("_", " ")
    return e


def render(template: str, **ctx) -> str:
    return env().get_template(template).render(**ctx)


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
