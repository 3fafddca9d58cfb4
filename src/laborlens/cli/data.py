"""Commands registered on the shared app."""
from laborlens.cli.app import app, console  # noqa: F401
