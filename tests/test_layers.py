"""The library never imports an edge: every module outside ``cli/``, ``api/``, ``web/`` and the migrations
is parsed and each of its imports (top-level or inside a function, absolute or relative) checked."""

from __future__ import annotations

import ast
from pathlib import Path

import laborlens

SRC = Path(laborlens.__file__).resolve().parent
EDGES = ("cli", "api", "web")


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out += [(node.lineno, name)] + [(node.lineno, f"{name}.{a.name}") for a in node.names]
    return out


def library_modules() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py"))
            if p.relative_to(SRC).parts[0] not in EDGES and "migrations" not in p.parts]


def test_the_walk_sees_the_library() -> None:
    names = {_module(p) for p in library_modules()}
    assert {"laborlens.service.rrm", "laborlens.cases.defenders.records", "laborlens.audit"} <= names
    assert not any(n.startswith(tuple(f"laborlens.{e}" for e in EDGES)) for n in names)


def test_the_library_imports_no_edge() -> None:
    edges = tuple(f"laborlens.{e}" for e in EDGES)
    bad = [f"{p.relative_to(SRC)}:{line} imports {name}"
           for p in library_modules() for line, name in _imports(p)
           if name in edges or name.startswith(tuple(f"{e}." for e in edges))]
    assert not bad, "library modules must not import cli/api/web:\n" + "\n".join(bad)


def test_the_check_would_catch_one(tmp_path) -> None:
    """The parser above really finds edge imports (absolute, relative, in a function)."""
    probe = SRC / "cases" / "_probe_for_layers_test.py"
    probe.write_text("def f():\n    from laborlens.api.auth import require\n    from ..web import render\n",
                     encoding="utf-8")
    try:
        names = [n for _, n in _imports(probe)]
    finally:
        probe.unlink()
    assert "laborlens.api.auth" in names and "laborlens.web" in names
