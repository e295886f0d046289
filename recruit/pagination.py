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


def paginate(query: Select, args, per_page: int | None = None) -> Page:
    """Run one page of a select, and count all its rows in SQL."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    number = page_number(args)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    window = query.limit(per_page).offset((number - 1) * per_page)
    if len(query.column_descriptions) > 1:
        items = [tuple(row) for row in db.session.execute(window).unique()]
    else:
        items = db.session.scalars(window).unique().all()
    return Page(items=list(items), number=number, per_page=per_page, total=total or 0)
