"""Evidence packs: HTML (Jinja2) and PDF (WeasyPrint) with charts and tier maps."""

from laborlens.report.render import render_html, render_pdf

__all__ = ["render_html", "render_pdf"]
