"""Every link a persona is shown leads somewhere: a crawl of each persona's pages, following
the links they see, meets no 404 (a link to what they may not open) and no error."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.conftest import World
from tests.plans.conftest import plan, sample_data  # noqa: F401  (fixtures)
from tests.reports.conftest import Kids, kids  # noqa: F401  (fixture)
from treem.plans.models import Plan

pytestmark = pytest.mark.django_db

SKIP = ("/dang-xuat/", "/i18n/", "/api/", "/static/", "/media/")
DOWNLOADS = (".xlsx", "/word/", "/excel/", "xuat", "/docx/", "tep-goc", "minh-chung", "so-theo-doi")
HREF = re.compile(r'<a [^>]*href="(/[^"#]*)')


def crawl(client, limit: int = 80) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = ["/"]
    per_shape: Counter[str] = Counter()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        res = client.get(path)
        seen[path] = res.status_code
        if res.status_code != 200 or "text/html" not in res.get("Content-Type", ""):
            continue
        for href in HREF.findall(res.content.decode()):
            href = href.replace("&amp;", "&")
            if any(s in href for s in SKIP) or any(d in href for d in DOWNLOADS):
                continue
            shape = re.sub(r"\d+", "N", href.split("?")[0])
            if per_shape[shape] >= 2:
                continue
            per_shape[shape] += 1
            queue.append(href)
    return seen


@pytest.mark.parametrize(
    "persona",
    ["officer", "leader", "collaborator", "focal_point", "province_officer", "admin"],
)
def test_no_link_a_persona_sees_leads_to_a_404(
    kids: Kids,  # noqa: F811
    plan: Plan,  # noqa: F811
    persona: str,
    client_for,
) -> None:
    w: World = kids.world
    seen = crawl(client_for(getattr(w, persona)))
    bad = {path: code for path, code in seen.items() if code not in (200, 302)}
    assert len(seen) > 3, seen
    assert not bad, bad
