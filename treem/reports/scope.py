"""Which stored rows belong to an area: its subtree, plus pre-2025 units that became part of it."""

from __future__ import annotations

from functools import reduce

from django.db.models import Q

from treem.core.models import Area, AreaLevel
from treem.core.selectors import rollup_paths


def under_paths(paths: list[str], field: str = "area_path") -> Q:
    """Rows whose path column `field` (or a lookup to one, "area__path") starts with one
    of `paths`."""
    return reduce(lambda a, b: a | b, (Q(**{f"{field}__startswith": p}) for p in paths))


def data_paths(area: Area) -> list[str]:
    """Path prefixes whose data rolls up into `area`.

    `rollup_paths` adds the area's own same-level predecessors; for a province we also
    add the pre-2025 communes whose successors lie inside it (a dissolved district's
    commune sits under the old province's path, not the new one's).
    """
    paths = rollup_paths(area)
    if area.level < AreaLevel.COMMUNE:
        legacy = Area.objects.filter(
            level=AreaLevel.COMMUNE,
            valid_to__isnull=False,
            successors__path__startswith=area.path,
        ).values_list("path", flat=True)
        paths.extend(p for p in legacy.distinct() if not any(p.startswith(q) for q in paths))
    return paths
