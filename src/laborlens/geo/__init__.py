"""XUAR place detection in addresses and company names, in any script.

Layout: ``gazetteer`` (the picklable name index), ``scan_*`` (one scanner per script or code family behind
the ``model.Scanner`` protocol, returning ``model.Evidence``), ``decide`` (evidence -> result), ``xuar`` (the
detector and module API), ``xuar_tables`` (curated names and words, each with its reason)."""

from laborlens.geo.gazetteer import Gazetteer, get_gazetteer
from laborlens.geo.model import Evidence, Scanner
from laborlens.geo.xuar import XuarDetector, XuarResult, detect_many, detect_xuar, get_detector

__all__ = ["Evidence", "Gazetteer", "Scanner", "XuarDetector", "XuarResult", "detect_many", "detect_xuar",
           "get_detector", "get_gazetteer"]
