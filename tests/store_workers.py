"""Work for the processes the concurrency tests start (importable by spawned children)."""

from __future__ import annotations


def write_events(barrier, worker: int, count: int) -> None:
    """Open the store from the environment, wait for the others, then append ``count`` audited writes, each
    its own unit of work (every other one an analyst decision, the rest bare audit events)."""
    from laborlens import audit, decisions
    from laborlens.settings import Settings
    from laborlens.store import open_store

    store = open_store(Settings())
    barrier.wait(timeout=60)
    for i in range(count):
        with store.session() as s:
            if i % 2:
                decisions.record_decision(s, f"w{worker}", f"Party {worker}-{i}", "E1", "uflpa", "dismissed")
            else:
                audit.record(s, f"w{worker}", "test.write", f"{worker}-{i}")
    store.engine.dispose()
