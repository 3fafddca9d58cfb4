"""XUAR place detection in addresses and company names, in any script."""

from laborlens.geo.xuar import XuarDetector, XuarResult, detect_many, detect_xuar, get_detector

__all__ = ["XuarDetector", "XuarResult", "detect_many", "detect_xuar", "get_detector"]
