"""Progress of a screening by its real stages, with real counts.

A run goes through these stages, in this order (sources are the registered finding sources, see
:mod:`laborlens.screen.sources`)::

    read          reading and validating the input files        files read of the tables found
    validate      checking rows and references                  rows checked
    prepare       loading the watchlists and analyst decisions  list entries
    volumes       reconciling volumes per party (mass balance)  links
    lists         matching party names against the watchlists   names matched of the parties' names
    xuar          locating parties (XUAR gazetteer)             parties
    goods, mass_balance, grievances, ...                        (the other finding sources: findings made)
    trace         tracing every shipment upstream               graph searches done
    verdicts      deciding each shipment's verdict              shipments decided
    write         writing verdicts, findings, the evidence pack files written

:class:`Stages` records each stage (label, ``done`` of ``total`` in its ``unit``, seconds) and calls the
caller's ``progress(fraction, message)`` as it moves: the message names the stage and its count ("matching
party names against the watchlists: 1,200 of 5,400 names"), and the fraction is the weighted share of the
planned stages finished plus the current stage's ``done/total``. The weights are rough relative costs, so
the bar moves faster through cheap stages; what it shows is always the stage the run is in.

Callers that pass a plain ``progress(fraction, message)`` callable (the CLI, benchmarks) get the same
messages; the job runner reads :meth:`Stages.snapshot` for the stage list it stores with the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Progress = Callable[[float, str], None]

# rough relative costs of the stages, for the bar only (names not listed weigh DEFAULT_WEIGHT)
WEIGHTS = {"read": 4.0, "validate": 2.0, "prepare": 10.0, "volumes": 2.0, "lists": 30.0, "xuar": 6.0,
           "goods": 2.0, "grievances": 1.0, "trace": 15.0, "verdicts": 8.0, "write": 12.0}
DEFAULT_WEIGHT = 1.0
LABELS = {"read": "reading the input files", "validate": "validating rows and references",
          "prepare": "loading the watchlists and analyst decisions",
          "volumes": "reconciling volumes per party (mass balance)",
          "trace": "tracing every shipment upstream", "verdicts": "deciding each shipment's verdict",
          "write": "writing verdicts, findings and the evidence pack"}

__all__ = ["LABELS", "Progress", "Stage", "Stages", "as_stages"]


@dataclass(slots=True)
class Stage:
    key: str
    label: str
    total: int = 0
    unit: str = ""
    done: int = 0
    started: float = 0.0
    seconds: float = 0.0
    state: str = "running"  # running | done
    note: str = ""  # what the stage found, once done ("3 flagged")

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "done": self.done, "total": self.total,
                "unit": self.unit, "state": self.state, "seconds": round(self.seconds, 3),
                "note": self.note}

    def message(self) -> str:
        if self.total and self.state == "running":
            return f"{self.label}: {self.done:,} of {self.total:,} {self.unit}".rstrip()
        if self.total:
            return f"{self.label}: {self.total:,} {self.unit}".rstrip()
        return self.label


class Stages:
    """The stages of one run. ``progress`` receives (fraction, message) at every change."""

    def __init__(self, progress: Progress | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._progress = progress
        self._clock = clock
        self.history: list[Stage] = []
        self._plan: list[str] = []
        self._labels: dict[str, str] = {}
        self._weights: dict[str, float] = {}

    def __call__(self, fraction: float, message: str = "") -> None:
        """A plain ``progress(fraction, message)`` report (screen functions that know no stages)."""
        if self._progress:
            self._progress(fraction, message)

    # -- planning ---------------------------------------------------------------------------------------
    def plan(self, stages: Sequence[str | tuple[str, str]]) -> None:
        """Announce stages to come (keys, or (key, label) pairs), after those already planned; a stage
        planned twice keeps its place."""
        for item in stages:
            key, label = item if isinstance(item, tuple) else (item, LABELS.get(item, item))
            if key not in self._plan:
                self._plan.append(key)
                self._labels[key] = label

    def weigh(self, key: str, weight: float) -> None:
        """This run's relative cost of a stage, where the caller knows better (a PDF makes writing slow)."""
        self._weights[key] = float(weight)

    @property
    def current(self) -> Stage | None:
        return self.history[-1] if self.history and self.history[-1].state == "running" else None

    # -- moving -----------------------------------------------------------------------------------------
    def start(self, key: str, label: str = "", total: int = 0, unit: str = "") -> Stage:
        """End the running stage and start ``key`` (its planned label unless ``label`` is given)."""
        self.end()
        self.plan([(key, label or LABELS.get(key, key))])
        st = Stage(key, label or self._labels.get(key, key), max(0, int(total)), unit, started=self._clock())
        self.history.append(st)
        self._emit()
        return st

    def update(self, done: int, total: int | None = None, unit: str | None = None) -> None:
        """The running stage has done ``done`` (of ``total`` ``unit``, when it learns them only now)."""
        st = self.current
        if st is None:
            return
        if total is not None:
            st.total = max(0, int(total))
        if unit is not None:
            st.unit = unit
        st.done = max(0, min(int(done), st.total) if st.total else int(done))
        self._emit()

    def end(self, note: str = "") -> None:
        st = self.current
        if st is None:
            return
        st.done = st.total if st.total else st.done
        st.seconds = self._clock() - st.started
        st.state = "done"
        if note:
            st.note = note
        self._emit()

    def finish(self) -> None:
        """The run is over: end the running stage and report 100 %."""
        self.end()
        if self._progress:
            self._progress(1.0, "done")

    # -- reading ----------------------------------------------------------------------------------------
    def fraction(self) -> float:
        weight = {k: self._weights.get(k, WEIGHTS.get(k, DEFAULT_WEIGHT)) for k in self._plan}
        total = sum(weight.values()) or 1.0
        done = 0.0
        for st in self.history:
            w = weight.get(st.key, DEFAULT_WEIGHT)
            if st.state == "done":
                done += w
            elif st.total:
                done += w * st.done / st.total
        return max(0.0, min(0.99, done / total))  # 1.0 only when finish() says so

    def message(self) -> str:
        st = self.current or (self.history[-1] if self.history else None)
        return st.message() if st is not None else "starting"

    def snapshot(self) -> list[dict[str, Any]]:
        """Every stage so far (finished ones and the running one), then the planned ones still to come."""
        seen = {st.key for st in self.history}
        return [st.to_dict() for st in self.history] + [
            {"key": k, "label": self._labels.get(k, k), "done": 0, "total": 0, "unit": "", "state": "planned",
             "seconds": 0.0, "note": ""} for k in self._plan if k not in seen]

    def _emit(self) -> None:
        if self._progress:
            self._progress(self.fraction(), self.message())


def as_stages(progress: Progress | Stages | None) -> Stages:
    """The caller's Stages, or new Stages reporting to a plain ``progress(fraction, message)``."""
    return progress if isinstance(progress, Stages) else Stages(progress)
