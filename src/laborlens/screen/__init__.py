"""Screening: rules → findings → verdicts, one entry point for CLI, API and bulk engines."""

from laborlens.screen.run import ScreenResult, Verdict, screen_dir, screen_tables, to_json, write_outputs

__all__ = ["ScreenResult", "Verdict", "screen_dir", "screen_tables", "to_json", "write_outputs"]
