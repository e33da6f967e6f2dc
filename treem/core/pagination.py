"""List answers: `{"items": [...], "count": N}` with `page` and `page_size` (up to 500)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def counted_page(
    qs: QuerySet[Any],
    number: Any,
    per_page: int,
    *,
    rows: Callable[[list[Any]], Iterable[Any]] | None = None,
) -> Page:
    """The page `number` of `qs`, as `Paginator(qs, per_page).get_page(number)` gives it,
    read with its rows' total in the same query (`COUNT(*) OVER ()`): a list page costs
    one query for its rows and count instead of two. A page past the end (or a number
    that is not one) falls back to Paginator's own answer: the last page, or the first.

    With `rows`, `qs` gives only the page's primary keys and the total (PostgreSQL may
    read them from an index alone, without visiting the rows it skips), and
    `rows(keys)` the page's objects, which are put in the keys' order."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1
    counted = qs.annotate(**{TOTAL: Window(Count("*"))})
    if wanted >= 1:
        start = (wanted - 1) * per_page
        if rows is None:
            objects = list(counted[start : start + per_page])
            total = getattr(objects[0], TOTAL) if objects else 0
        else:
            keys = list(counted.values_list("pk", TOTAL)[start : start + per_page])
            total = keys[0][1] if keys else 0
            objects = _in_order(rows, [k for k, _total in keys])
        if objects:
            paginator = Paginator(qs, per_page)
            paginator.__dict__["count"] = total  # the cached_property
            page = paginator.page(wanted)
            page.object_list = objects
            return page
    if rows is None:
        page = Paginator(qs, per_page).get_page(number)
        page.object_list = list(page.object_list)
        return page
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = _in_order(rows, list(page.object_list))
    return page


def _in_order(rows: Callable[[list[Any]], Iterable[Any]], keys: list[Any]) -> list[Any]:
    by_key = {obj.pk: obj for obj in rows(keys)} if keys else {}
    return [by_key[k] for k in keys if k in by_key]
