"""One page of a filtered list, for the tables that page on the server (run results, review queue)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_PER_PAGE = 1000

__all__ = ["MAX_PER_PAGE", "Page", "paginate"]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``rows`` of page ``page`` (1-based) of ``total`` items, ``per_page`` to a page."""

    rows: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when there is none)."""
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paginate(items: Sequence[T], page: int = 1, per_page: int = 50) -> Page[T]:
    """Page ``page`` of ``items``; a page past the end shows the last page, a size is kept in 1..1000."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    pages = max(1, -(-len(items) // per_page))
    page = max(1, min(page, pages))
    return Page(list(items[(page - 1) * per_page: page * per_page]), page, per_page, len(items))
