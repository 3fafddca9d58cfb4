"""The Typer application object and helpers shared by command modules. Commands stay thin."""

from __future__ import annotations

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from laborlens.errors import LaborlensError
from laborlens.settings import Settings, load_settings
from laborlens.store import Store, open_store

console = Console()


class _Group(TyperGroup):
    """Maps library errors to exit codes (2 bad input, 1 internal) for every command, in one place."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)  # type: ignore[arg-type]  # typer vendors click's Context type
        except LaborlensError as exc:
            click.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="laborlens",
    cls=_Group,
    help="Forced-labor screening, UFLPA supply-chain tracing and labor-rights case work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def settings() -> Settings:
    return load_settings()


def store() -> Store:
    return open_store(load_settings())


@app.command()
def version() -> None:
    """Print the laborlens version."""
    from laborlens import __version__

    console.print(f"laborlens {__version__}")
