"""WeasyPrint is an optional extra (`laborlens[pdf]`): without it everything but the PDF works, and asking
for a PDF says which extra to install."""

from __future__ import annotations

import builtins

import pytest

from laborlens.report import render


@pytest.fixture()
def no_weasyprint(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_pdf_support_names_the_extra_when_weasyprint_is_missing(no_weasyprint, tmp_path):
    assert "laborlens[pdf]" in render.pdf_support()
    with pytest.raises(Exception, match=r"laborlens\[pdf\]"):
        render.render_pdf("<html><main>x</main></html>", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_pdf_support_is_empty_when_installed():
    assert render.pdf_support() == ""


def test_demo_without_weasyprint_writes_everything_but_the_pdf(no_weasyprint, cli, tmp_path):
    r = cli("demo", "--out", tmp_path / "d")
    assert r.exit_code == 0, r.output
    assert "laborlens[pdf]" in " ".join(r.output.split())
    out = tmp_path / "d" / "screening"
    assert (out / "verdicts.csv").exists() and (out / "report.html").exists()
    assert not (out / "report.pdf").exists()


def test_screen_pdf_without_weasyprint_says_which_extra(no_weasyprint, cli, tmp_path):
    from laborlens.demo import generate_demo

    data = tmp_path / "data"
    generate_demo(data)
    r = cli("screen", data, "-o", tmp_path / "out", "--pdf")
    assert r.exit_code != 0 and "laborlens[pdf]" in " ".join(r.output.split())
