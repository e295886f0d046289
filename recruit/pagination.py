"""One way to page through any query: counted in SQL, links keep the rest of the URL."""

from dataclasses import dataclass
from math import ceil

from flask import current_app
from sqlalchemy import Select, func, select

from recruit.extensions import db


@dataclass
class Page:
    """A page of rows and what the pager needs to link to its neighbours."""

    items: list
    number: int
    per_page: int
    total: int
    # More rows than total matched: the count stopped at a cap, and so do the pages.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(args) -> int:
    """The page asked for in the query string, 1 when missing or nonsense."""
    try:
        return max(1, min(int(args.get("page", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(
    query: Select,
    args,
    per_page: int | None = None,
    counted: Select | None = None,
    total: int | None = None,
) -> Page:
    """Run one page of a select, and count all its rows in SQL: those of counted, when
    given, a select of the same rows without the joins and columns a count need not read.
    A total already known (a count the worker keeps) is not counted again."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    number = page_number(args)
    if total is None:
        total = count_rows(query if counted is None else counted)
    return Page(
        items=_window(query, number, per_page), number=number, per_page=per_page, total=total
    )


def count_rows(query: Select) -> int:
    """How many rows a select finds, counted in SQL."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def capped_slice(args, cap: int, per_page: int | None = None) -> tuple[int, int, int]:
    """The page asked for of a list that pages through its first `cap` rows only: its
    number, rows per page and how many rows it shows (none past the cap)."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    number = page_number(args)
    # A page past the cap is empty, as a page past the end is.
    return number, per_page, max(0, min(per_page, cap - (number - 1) * per_page))


def paginate_capped(
    query: Select | None,
    found: int,
    cap: int,
    args,
    per_page: int | None = None,
    items: list | None = None,
) -> Page:
    """Run one page of a select whose first `cap` rows are all it pages through; found
    is how many rows it has, counted no further than one past the cap (a page then says
    "more than" rather than visit every row to count it). items, when given, are the
    page's rows already read (with the count) and the select is not run."""
    number, per_page, shown = capped_slice(args, cap, per_page)
    if items is None:
        items = _window(query, number, per_page, shown)
    return Page(
        items=items,
        number=number,
        per_page=per_page,
        total=min(found, cap),
        more=found > cap,
    )


def _window(query: Select, number: int, per_page: int, limit: int | None = None) -> list:
    window = query.limit(per_page if limit is None else limit).offset((number - 1) * per_page)
    described = query.column_descriptions
    if len(described) > 1:
        rows = db.session.execute(window)
        if any(column["expr"] is column.get("entity") for column in described):
            # An object loaded with a joined collection comes once per row of it.
            rows = rows.unique()
        return [tuple(row) for row in rows]
    return list(db.session.scalars(window).unique().all())
