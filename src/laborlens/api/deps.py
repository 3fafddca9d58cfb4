"""Typed dependencies the routers take: the store, one unit of work, the job runner and the matcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from laborlens.jobs import JobRunner
from laborlens.match.matcher import Matcher
from laborlens.settings import Settings
from laborlens.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


def _unit_of_work(request: Request) -> Iterator[Session]:
    with request.app.state.store.session() as s:
        yield s


class MatcherCache:
    """One matcher per set of current list editions: rebuilt only after an import or a rollback."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._matcher: Matcher | None = None

    def fresh(self, store: Store) -> Matcher | None:
        """The cached matcher if the lists have not changed since it was built, else None (cheap)."""
        key = _editions_key(store)
        with self._lock:
            return self._matcher if self._matcher is not None and key == self._key else None

    def get(self, store: Store) -> Matcher:
        from laborlens.match.service import matcher_for_store

        key = _editions_key(store)
        with self._lock:
            if self._matcher is None or key != self._key:
                # the key again after the build: building may seed the bundled lists
                self._matcher = matcher_for_store(store)
                self._key = _editions_key(store)
            return self._matcher


def _editions_key(store: Store) -> tuple:
    """What decides the current editions, in one small query (this runs on every screening request; the
    full watchlist summary with its entity counts cost more than the screening itself)."""
    from sqlalchemy import select

    from laborlens.store.models import ListEdition

    with store.engine.connect() as c:
        return tuple(c.execute(select(ListEdition.id, ListEdition.sha256, ListEdition.retired_at)
                               .order_by(ListEdition.id)).all())


async def get_matcher(request: Request) -> Matcher:
    # On the event loop when the cached matcher is current (no thread hop per request); a (re)build takes
    # seconds, so it runs in the thread pool and other requests go on meanwhile.
    cache, store = request.app.state.matchers, request.app.state.store
    return cache.fresh(store) or await run_in_threadpool(cache.get, store)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
# scope="function": the unit of work commits when the endpoint returns, before the response is sent, so a
# failed commit is an error response rather than a silent loss.
SessionDep = Annotated[Session, Depends(_unit_of_work, scope="function")]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
