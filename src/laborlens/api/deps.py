"""Typed dependencies the routers and pages take: the store, one unit of work, the job runner, the matcher,
and the use-case :class:`~laborlens.service.Context` of a caller with the route's role."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from laborlens.accounts import ROLES, Principal
from laborlens.api import auth
from laborlens.jobqueue import QueueRunner
from laborlens.jobs import JobRunner
from laborlens.match.matcher import Matcher
from laborlens.service import Context, SystemClock
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
RunnerDep = Annotated[JobRunner | QueueRunner, Depends(get_runner)]
# scope="function": the unit of work commits when the endpoint returns, before the response is sent, so a
# failed commit is an error response rather than a silent loss.
SessionDep = Annotated[Session, Depends(_unit_of_work, scope="function")]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]


# --- the use-case context, with the route's role declared once --------------------------------------------

def context(role: str) -> Callable[..., Awaitable[Context]]:
    """A dependency: the :class:`Context` of a caller holding ``role`` (401 unknown, 403 too low, CSRF for
    browser sessions, all by :func:`laborlens.api.auth.require`). The route's role is declared here only;
    :func:`route_roles` reads it back for the authorisation tables."""
    needed = auth.require(role)

    async def dependency(request: Request, principal: Principal = Depends(needed)) -> Context:  # noqa: B008
        state = request.app.state
        return Context(settings=state.settings, store=state.store, principal=principal,
                       clock=getattr(state, "clock", None) or SystemClock())

    dependency.__name__ = f"context_{role}"
    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


ViewerCtx = Annotated[Context, Depends(context("viewer"))]
AnalystCtx = Annotated[Context, Depends(context("analyst"))]
AdminCtx = Annotated[Context, Depends(context("admin"))]


def route_roles(routes: Iterable[BaseRoute], prefixes: tuple[str, ...] = ("",)) -> dict[tuple[str, str], str]:
    """(method, path) -> the least role each route's dependencies demand ("public" when none does)."""

    def roles(dep: Dependant) -> list[str]:
        found = [getattr(dep.call, "required_role", None)]
        return [r for r in found if r] + [r for d in dep.dependencies for r in roles(d)]

    out: dict[tuple[str, str], str] = {}
    for ctx in iter_route_contexts(list(routes)):
        route, path = ctx.original_route, str(ctx.path)
        if not isinstance(route, APIRoute) or not path.startswith(prefixes):
            continue
        found = roles(route.dependant)
        role = max(found, key=ROLES.index) if found else "public"
        out.update({(m, path): role for m in route.methods or () if m != "HEAD"})
    return out
