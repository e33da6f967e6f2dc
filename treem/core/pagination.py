"""List answers: `{"items": [...], "count": N}` with `page` and `page_size` (up to 500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from ninja import Schema
from ninja.errors import HttpError

MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = 1
    page_size: int = 50


def paginate(
    qs: QuerySet[Any] | list[Any],
    page: int,
    page_size: int,
    serialize: Callable[[Any], Any] | None = None,
    count_cap: int | None = None,
) -> dict[str, Any]:
    """One page of `qs`. With `count_cap`, counting stops after that many rows and the
    answer says `"count_capped": true` (the count is then a lower bound): a search that
    matches tens of thousands is refined, not paged through, and an exact count of it
    reads every match."""
    if page < 1:
        raise HttpError(422, "Tham số page phải từ 1 trở lên.")
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise HttpError(422, f"Tham số page_size phải từ 1 đến {MAX_PAGE_SIZE}.")
    capped = False
    if isinstance(qs, QuerySet) and count_cap is not None:
        count = qs.order_by()[: count_cap + 1].count()
        capped = count > count_cap
        count = min(count, count_cap)
    else:
        count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    start = (page - 1) * page_size
    items = list(qs[start : start + page_size])
    if serialize is not None:
        items = [serialize(i) for i in items]
    answer: dict[str, Any] = {"items": items, "count": count}
    if capped:
        answer["count_capped"] = True
    return answer


TOTAL = "_page_total"  # the window count a page's rows carry (see `counted_page`)


def counted_page(qs: QuerySet[Any], number: Any, per_page: int) -> Page:
    """The page `number` of `qs`, as `Paginator(qs, per_page).get_page(number)` gives it,
    read with its rows' total in the same query (`COUNT(*) OVER ()`): a list page costs
    one query for its rows and count instead of two. A page past the end (or a number
    that is not one) falls back to Paginator's own answer: the last page, or the first."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    if wanted >= 1:
        start = (wanted - 1) * per_page
        rows = list(qs.annotate(**{TOTAL: Window(Count("*"))})[start : start + per_page])
        if rows:
            paginator = Paginator(qs, per_page)
            paginator.__dict__["count"] = getattr(rows[0], TOTAL)  # the cached_property
            page = paginator.page(wanted)
            page.object_list = rows
            return page
    page = Paginator(qs, per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page
