"""The review loop: a queue of list matches awaiting an analyst's decision across every run in the store,
assignments, named runs, and what changed between two runs (run diff).

Reads only; the state changes (assign, decide one or many, name a run) are use cases in
:mod:`laborlens.service.review`.
"""

from laborlens.review.diff import RunDiff, ShipmentChange, diff_results
from laborlens.review.queue import QueueFilter, QueueItem, export_table, paginate, review_queue
from laborlens.review.runs import RunRef, find_run, list_runs, load_result_file, load_run_result

__all__ = ["QueueFilter", "QueueItem", "RunDiff", "RunRef", "ShipmentChange", "diff_results", "export_table",
           "find_run", "list_runs", "load_result_file", "load_run_result", "paginate", "review_queue"]
