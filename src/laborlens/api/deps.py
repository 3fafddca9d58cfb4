"""Typed dependencies the routers take: the store, one unit of work, the job runner and the matcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from laborlens.jobqueue import QueueRunner
from laborlens.jobs import JobRunner
from laborlens.match.matcher import Matcher
from laborlens.settings import Settings
from laborlens.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_runner(request: Request) -> JobRunner | QueueRunner:
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

    def get(self, store: Store) -> Matcher:
        from laborlens.match.service import matcher_for_store
        from laborlens.refdata.editions import watchlists

        key = tuple((w.name, w.edition.seq, w.edition.sha256) for w in watchlists(store))
        with self._lock:
            if self._matcher is None or key != self._key:
                self._matcher, self._key = matcher_for_store(store), key
            return self._matcher


def get_matcher(request: Request) -> Matcher:
    return request.app.state.matchers.get(request.app.state.store)


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner | QueueRunner, Depends(get_runner)]
# scope="function": the unit of work commits when the endpoint returns, before the response is sent, so a
# failed commit is an error response rather than a silent loss.
SessionDep = Annotated[Session, Depends(_unit_of_work, scope="function")]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
