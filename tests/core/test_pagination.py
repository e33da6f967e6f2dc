"""`counted_page` (a page and its count in one query) answers as Django's paginator."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator

from treem.core.models import Area
from treem.core.pagination import counted_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2, 3, "3", 99, "x", None, 0, -1])
def test_counted_page_answers_as_the_paginator(world: Any, number: Any) -> None:
    qs = Area.objects.order_by("key")
    assert qs.count() > 5
    ours = counted_page(qs, number, 2)
    theirs = Paginator(qs, 2).get_page(number)
    assert ours.number == theirs.number
    assert ours.paginator.count == theirs.paginator.count
    assert ours.paginator.num_pages == theirs.paginator.num_pages
    assert [a.pk for a in ours] == [a.pk for a in theirs]


def test_counted_page_of_nothing_is_an_empty_first_page(world: Any) -> None:
    page = counted_page(Area.objects.none(), 1, 50)
    assert page.number == 1 and page.paginator.count == 0 and list(page) == []


def test_counted_page_reads_rows_and_count_in_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    qs = Area.objects.order_by("key")
    total = qs.count()
    with django_assert_num_queries(1):
        page = counted_page(qs, 2, 3)
        rows = list(page)
        count = page.paginator.count
    assert len(rows) == 3 and count == total
