"""USMCA Rapid Response Labor Mechanism cases: lifecycle (intake and events), clocks, the board and
timelines, evidence custody, and the 26 real cases.

``from laborlens.cases.rrm import lifecycle, clocks, board, evidence, real``.
"""
