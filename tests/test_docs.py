"""The README is the front door: every command and setting must be documented there."""

from pathlib import Path

import typer.main

from laborlens.cli import app
from laborlens.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(cmd, prefix: str = "laborlens") -> list[str]:
    out = []
    if hasattr(cmd, "commands"):  # a group (Typer bundles its own click, so no isinstance check)
        for name, sub in cmd.commands.items():
            out.append(f"{prefix} {name}")
            out.extend(_commands(sub, f"{prefix} {name}"))
    return out


def test_every_command_is_in_the_readme():
    assert len(_commands(typer.main.get_command(app))) > 10
    missing = [c for c in _commands(typer.main.get_command(app)) if c not in README and c != "laborlens version"]
    assert missing == []


def test_every_setting_is_in_the_readme():
    for name in Settings.model_fields:
        assert f"LABORLENS_{name.upper()}" in README


def test_readme_gives_the_two_setup_commands():
    assert "make demo" in README and "make test" in README
