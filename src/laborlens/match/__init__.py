"""Watchlist matching for real-world company names: explained, calibrated and fast."""

from laborlens.match.matcher import Matcher, MatchResult, Thresholds, compare_names

__all__ = ["Matcher", "MatchResult", "Thresholds", "compare_names"]
