"""Reads for the child registry, always through the acting user's scope (outside = 404)."""

from __future__ import annotations

import datetime as dt
import operator
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from treem.core.access import (
    Cap,
    get_scoped_or_404,
    has_capability,
    scope_is_local,
    scope_paths,
    scoped,
)
from treem.core.models import Area, AreaLevel, AuditLog
from treem.core.pagination import counted_page
from treem.core.text import fold
from treem.registry import audit_actions
from treem.registry.models import (
    AGE_GROUP_BOUNDS,
    Caregiver,
    Child,
    ChildCircumstance,
    ChildQuerySet,
    ChildStatus,
    CircumstanceKind,
    DistinctChildren,
    Ethnicity,
    Support,
    unindexed_name_sort,
    years_before,
)
from treem.registry.search import WordsSearch, words_search, words_search_q
from treem.registry.timeline import describe

_DIGITS = re.compile(r"^[\d\s.\-]{6,}$")


@dataclass
class ChildFilters:
    q: str = ""
    village: str = ""  # Area key of a village (or a commune)
    sex: str = ""
    age_group: str = ""
    group: str = ""  # a special-circumstance letter slug, or "special" / "at_risk"
    schooling: str = ""
    poverty: str = ""
    status: str = "active"  # "active" (counted children), "all", or a status slug
    extra: dict[str, Any] = field(default_factory=dict)


def child_scope_q(user: Any, capability: str = Cap.REGISTRY_VIEW, prefix: str = "") -> Q:
    """The children `user` may see with `capability`, by the stored `area_path` (a prefix
    LIKE answered by the area_path index; no join with core_area)."""
    paths = scope_paths(user, capability)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    kept: list[str] = []
    for p in sorted(paths):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return reduce(operator.or_, (Q(**{f"{prefix}area_path__startswith": p}) for p in kept))


def children_in_scope(*, user: Any, capability: str = Cap.REGISTRY_VIEW) -> ChildQuerySet:
    return Child.objects.filter(child_scope_q(user, capability))


def _ongoing(prefix: str = "", on: dt.date | None = None) -> Q:
    today = on or dt.date.today()
    return Q(**{f"{prefix}removed_at__isnull": True}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


_HEALTH_CARD = re.compile(r"^[A-Za-z]{2}\d{6,}$")


def name_search_q(q: str, *, user: Any = None) -> Q | None:
    """The name/ID/caregiver condition for a search string (None when blank): see
    `name_search`. `user` is accepted for callers that pass it; scoping is the caller's."""
    search = name_search(q)
    return search.cond if search is not None else None


def name_search(q: str) -> WordsSearch | None:
    """The name/ID/caregiver search for a search string (None when blank).

    Digits are an ID number (exact on 12 digits, else its beginning, both on the unique
    index); two letters and digits a health-insurance card number; anything else a name:
    every folded word must start a word of the child's name, or every word a word of a
    caregiver's name, in any order (`treem/registry/search.py`, one GIN index on
    PostgreSQL).
    """
    raw = (q or "").strip()
    if not raw:
        return None
    if _DIGITS.match(raw):
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 12:
            return WordsSearch(Q(id_number=digits))
        return WordsSearch(Q(id_number__startswith=digits))
    if _HEALTH_CARD.match(raw):
        return WordsSearch(Q(health_insurance_number__istartswith=raw))
    return words_search(raw)


def search_rank_order(qs: ChildQuerySet, q: str, estimate: float = 0.0) -> ChildQuerySet:
    """Search results in the usual Vietnamese order (given name, then surname).

    A name search of two or more words matches few children (word pairs) and they are
    sorted after the GIN lookup: the sort expression is kept off the name_sort index on
    purpose, because walking that index looks cheap to the planner but the matches
    cluster where their given name sorts ("... Hoa" lies deep in the index), so the walk
    reads a large part of the table before it finds the first page."""
    words = fold(q).split()
    if connection.vendor == "postgresql" and len(words) >= 2 and not _DIGITS.match(q.strip()):
        return (
            qs.annotate(sort_unindexed=unindexed_name_sort())
            .order_by("sort_unindexed", "id")
            .in_bucket_rounds(estimate)
        )
    return qs.order_by("name_sort", "id")


def uses_trigram() -> bool:
    return connection.vendor == "postgresql"


def child_list(*, user: Any, filters: ChildFilters | None = None) -> QuerySet[Child]:
    """The children the user may see, filtered and in Vietnamese order (given name first)."""
    f = filters or ChildFilters()
    qs: Any = children_in_scope(user=user)
    if f.status == "active" or not f.status:
        qs = qs.active()  # merged records excluded with the rest
    elif f.status != "all":
        qs = qs.filter(status=f.status, merged_into__isnull=True)
    else:
        qs = qs.filter(merged_into__isnull=True)
    if f.village:
        area = Area.objects.filter(key=f.village).first()
        if area is None:
            return qs.none()
        qs = qs.filter(area_path__startswith=area.path)
    if f.sex in ("male", "female"):
        qs = qs.filter(sex=f.sex)
    if f.age_group in AGE_GROUP_BOUNDS:
        qs = qs.in_age_group(f.age_group)
    if f.group:
        circ = ChildCircumstance.objects.filter(_ongoing(), child_id=OuterRef("pk"))
        if f.group in ("special", "at_risk", "other"):
            circ = circ.filter(kind=f.group)
        else:
            circ = circ.filter(kind=CircumstanceKind.SPECIAL, group=f.group)
        qs = qs.filter(Exists(circ))
    if f.schooling:
        qs = qs.filter(schooling=f.schooling)
    if f.poverty:
        qs = qs.filter(poverty=f.poverty)
    search = name_search(f.q)
    if search is not None:
        # within a commune a search matches at most a few thousand children: read whole
        local = bool(f.village) or scope_is_local(user, Cap.REGISTRY_VIEW)
        estimate = 0.0 if local else search.estimated_matches()
        qs = search_rank_order(qs.filter(search.cond), f.q, estimate)
    else:
        qs = qs.order_by("name_sort", "id")
    return qs


# The columns of a child in the API's list (`api.child_json`, not in detail) and of the
# rows it joins: the rest (the search keys, the timestamps, the free texts) are neither
# read nor converted (at 1 M children a search's first page ~1 ms sooner).
API_LIST_FIELDS = (
    "id",
    "full_name",
    "birth_date",
    "birth_date_precision",
    "sex",
    "ethnicity__code",
    "id_number",
    "id_number_valid",
    "area__key",
    "area__name",
    "commune__key",
    "poverty",
    "schooling",
    "status",
    "version",
)


def child_list_page_qs(qs: QuerySet[Child]) -> QuerySet[Child]:
    """What an API list row shows: residence, ethnicity and the ongoing special groups."""
    return (
        qs.select_related("area", "commune", "ethnicity")
        .only(*API_LIST_FIELDS)
        .prefetch_related(_ongoing_prefetch())
    )


def _ongoing_prefetch() -> Prefetch:
    """Each child's ongoing circumstances (kind and group, in that order), read for a
    page of children in one query, as `ongoing_circumstances`."""
    ongoing = ChildCircumstance.objects.filter(_ongoing()).order_by("kind", "group")
    return Prefetch(
        "circumstances",
        queryset=ongoing.only("id", "child_id", "kind", "group"),
        to_attr="ongoing_circumstances",
    )


# The columns a list-page row shows (plus the sort key): the rest stay on disk.
LIST_ROW_FIELDS = (
    "id",
    "full_name",
    "name_sort",
    "status",
    "birth_date",
    "birth_date_precision",
    "sex",
    "area_id",
    "commune_id",
    "ethnicity_id",
    "id_number",
    "id_number_valid",
)


@lru_cache(maxsize=2)
def _ongoing_pairs(today: dt.date) -> Any:
    """PostgreSQL: a list row's ongoing circumstances as an array of "kind:group", as SQL
    compiled once a day. The subquery is written with the ORM (the same `_ongoing` as
    everywhere), compiled against the child table, and kept as `RawSQL`: a query using
    the ORM expression itself resolved and copied its whole inner query each time
    (measured: a twentieth of the list page's Python, then a thirtieth with one
    instance reused)."""
    from django.contrib.postgres.expressions import ArraySubquery

    ongoing = ChildCircumstance.objects.filter(_ongoing(on=today)).order_by("kind", "group")
    subquery = ArraySubquery(
        ongoing.filter(child_id=OuterRef("pk")).values_list(Concat("kind", Value(":"), "group"))
    )
    query = Child.objects.annotate(ongoing_pairs=subquery).query
    sql, params = query.get_compiler(connection=connection).compile(
        query.annotations["ongoing_pairs"]
    )
    # the outer reference is compiled as the child table's own name, which the list's
    # queries use as its alias (they never join the child table to itself)
    assert f"{connection.ops.quote_name(Child._meta.db_table)}." in sql, sql
    return RawSQL(sql, tuple(params), output_field=subquery.output_field)  # noqa: S611 (compiled by the ORM)


def child_list_rows_qs(
    qs: QuerySet[Child], *, with_commune: bool = False, today: dt.date | None = None
) -> QuerySet[Child]:
    """The list page's rows: sorted and cut in the child table alone (no joins before the
    sort, only the columns a row shows), each with its ongoing groups (`ongoing_groups`):
    on PostgreSQL an array read in the same query (evaluated for the page's rows only,
    after the sort), elsewhere one small query for the page. A second query names the
    communes when the list spans several. Village and ethnic group names come from
    `area_names` and `ethnicity_names`."""
    extra = [Prefetch("commune", queryset=Area.objects.only("id", "full_name"))]
    qs = qs.only(*LIST_ROW_FIELDS).prefetch_related(*(extra if with_commune else []))
    if connection.vendor == "postgresql":
        if not with_commune and tuple(qs.query.order_by) == ("name_sort", "id"):
            # A commune's page is read with its count over all its rows (`counted_page`):
            # sorted after they are read, never by walking the name index, which PostgreSQL
            # costs as if the count stopped at the page (measured at 1 M children: 2.0 s
            # walking the index over the province against 3 ms for the commune's rows).
            qs = qs.alias(sort_unindexed=unindexed_name_sort()).order_by("sort_unindexed", "id")
        return qs.annotate(ongoing_pairs=_ongoing_pairs(today or dt.date.today()))
    return qs.prefetch_related(_ongoing_prefetch())


def child_list_page(
    qs: QuerySet[Child], filters: ChildFilters, number: Any, per_page: int, *, with_commune: bool
) -> Page:
    """One page of the children list `qs` (the children `filters` select), its rows as
    `child_list_rows_qs` gives them.

    Above a commune (`with_commune`) the page is read by walking the name order and
    stopping after it (no count over the whole scope in the same query). In a commune
    the page comes with the count of all its rows (`counted_page`); on PostgreSQL, when
    every filter is one the scope index carries (residence, sex, date of birth, status:
    no search, group, schooling or poverty), in two steps: the page's ids and the count
    from that index alone, without visiting the commune's rows, then the page's rows by
    id (at 1 M children, a commune of 3,300: ~2.6 + 0.8 ms against ~5-7 ms)."""
    rows_qs = child_list_rows_qs(qs, with_commune=with_commune)
    if with_commune:
        return Paginator(rows_qs, per_page).get_page(number)
    indexed = not (filters.q or filters.group or filters.schooling or filters.poverty)
    if connection.vendor == "postgresql" and indexed and not filters.extra:
        # sorted after reading, never by walking the name index: see child_list_rows_qs
        ids = qs.alias(sort_unindexed=unindexed_name_sort()).order_by("sort_unindexed", "id")
        return counted_page(ids, number, per_page, rows=_rows_by_ids)
    return counted_page(rows_qs, number, per_page)


def _rows_by_ids(ids: list[int]) -> Iterable[Child]:
    """PostgreSQL: the list rows (`child_list_rows_qs`) of these children, in no order."""
    sql, params = _rows_by_ids_sql(dt.date.today())
    return Child.objects.raw(sql, [*params, ids])


@lru_cache(maxsize=2)
def _rows_by_ids_sql(today: dt.date) -> tuple[str, tuple[Any, ...]]:
    """The statement of `_rows_by_ids`, compiled once a day (the ongoing groups are those
    of a day) with one array parameter for the ids: built and compiled with the ORM on
    each page, it was a sixth of a commune list page's Python (instructions counted by
    bench/bench_page_instructions.py: 27.1 M a page, 25.1-25.6 M so)."""
    rows = child_list_rows_qs(Child.objects.all(), today=today).order_by()
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Child._meta.db_table)
    assert sql.endswith(f" FROM {table}"), sql  # the rows' columns, nothing filtered
    return f"{sql} WHERE {table}.{connection.ops.quote_name('id')} = ANY(%s)", tuple(params)


def ongoing_groups(child: Child) -> list[tuple[str, str]]:
    """(kind, group) of a list row's ongoing circumstances (see `child_list_rows_qs`)."""
    pairs = getattr(child, "ongoing_pairs", None)
    if pairs is not None:
        return [(kind, group) for kind, _colon, group in (p.partition(":") for p in pairs)]
    return [(c.kind, c.group) for c in getattr(child, "ongoing_circumstances", [])]


def _words_start(typed: list[str], folded: str) -> bool:
    """Whether every typed (folded) word starts a word of the folded name."""
    words = folded.split()
    return all(any(w.startswith(t) for w in words) for t in typed)


def caregiver_matches(q: str, children: Iterable[Child]) -> dict[int, Caregiver]:
    """For a name search, the caregiver each listed child was found by, when the typed
    words are not in the child's own name ("nguyen van" lists Lê Khánh An, whose father
    is Nguyễn Văn Bình): the list says so instead of showing an unexplained match. One
    query for the page's rows found that way; {} for a blank, ID-number or card search."""
    raw = (q or "").strip()
    typed = list(dict.fromkeys(fold(raw).split()))
    if not typed or _DIGITS.match(raw) or _HEALTH_CARD.match(raw):
        return {}
    ids = [c.pk for c in children if not _words_start(typed, fold(c.full_name))]
    if not ids:
        return {}
    found: dict[int, Caregiver] = {}
    carers = (
        Caregiver.objects.filter(child_id__in=ids, removed_at__isnull=True)
        .only("child_id", "full_name", "name_folded", "relation")
        .order_by("child_id", "relation", "id")
    )
    for carer in carers:
        if carer.child_id not in found and _words_start(typed, carer.name_folded):
            found[carer.child_id] = carer
    return found


def area_names(ids: Iterable[int], known: Iterable[Area] = ()) -> dict[int, str]:
    """{area id: name} for these ids: from the areas already read (`known`, such as the
    villages a page offers in its filter), the rest in one query."""
    names = {a.pk: a.name for a in known}
    missing = set(ids) - names.keys()
    if missing:
        names.update(Area.objects.filter(pk__in=missing).values_list("id", "name"))
    return names


_ETHNICITY_NAMES: dict[int, str] = {}
_ETHNICITY_READ = [0.0]
ETHNICITY_NAMES_SECONDS = 300


def ethnicity_names(ids: Iterable[int] = ()) -> dict[int, str]:
    """{id: name} of the 54 official ethnic groups (reference data, seeded by a data
    migration): read again every few minutes, or when asked for an id not read yet, so
    list pages need no query for them."""
    stale = time.monotonic() - _ETHNICITY_READ[0] > ETHNICITY_NAMES_SECONDS
    if stale or not _ETHNICITY_NAMES.keys() >= set(ids):
        _ETHNICITY_NAMES.clear()
        _ETHNICITY_NAMES.update(Ethnicity.objects.values_list("id", "name"))
        _ETHNICITY_READ[0] = time.monotonic()
    return _ETHNICITY_NAMES


def child_get(*, user: Any, pk: Any, capability: str = Cap.REGISTRY_VIEW) -> Child:
    child = get_scoped_or_404(
        Child.objects.select_related("area", "commune", "ethnicity", "merged_into", "created_by"),
        user,
        capability,
        pk=pk,
    )
    return child


def child_detail(*, user: Any, pk: Any) -> dict[str, Any]:
    """Everything about a child for its page."""
    child = child_get(user=user, pk=pk)
    caregivers = list(child.caregivers.filter(removed_at__isnull=True).order_by("relation", "id"))
    circumstances = list(
        child.circumstances.filter(removed_at__isnull=True)
        .select_related("verified_by")
        .order_by("kind", "group", "-start_date")
    )
    supports = list(child.supports.filter(removed_at__isnull=True).order_by("-date", "-id"))
    moves = list(
        child.moves.select_related("from_area", "to_area", "from_commune", "to_commune").order_by(
            "-date", "-id"
        )
    )
    merged_from = list(Child.objects.filter(merged_into=child).order_by("pk"))
    return {
        "child": child,
        "caregivers": caregivers,
        "circumstances": circumstances,
        "supports": supports,
        "moves": moves,
        "merged_from": merged_from,
        "timeline": child_timeline(child=child, merged_ids=[c.pk for c in merged_from]),
        "support_total": sum((s.amount or 0) for s in supports),
    }


# A child's history names the actions as the audit page does (`audit_actions`), a merge
# from the side of the record that kept both histories.
ACTION_LABELS = {
    **audit_actions.ACTIONS,
    "child.merge": _("Gộp hồ sơ trùng vào hồ sơ này"),
}


def child_timeline(*, child: Child, merged_ids: list[int] | None = None) -> list[AuditLog]:
    """The child's audit rows (and those of records merged into it), newest first, with
    the decisions that another record of the same name and birth date is a different
    child (and their undoing)."""
    ids = [str(child.pk), *(str(i) for i in merged_ids or [])]
    rows = list(
        AuditLog.objects.filter(object_type=Child._meta.label_lower, object_id__in=ids)
        .select_related("actor")
        .exclude(action="child.move_in")
        .order_by("-at", "-id")[:200]
    )
    other = {
        str(pk): second if first == child.pk else first
        for pk, first, second in DistinctChildren.objects.filter(
            Q(first=child) | Q(second=child)
        ).values_list("pk", "first_id", "second_id")
    }
    if other:
        decided = AuditLog.objects.filter(
            object_type=DistinctChildren._meta.label_lower, object_id__in=list(other)
        ).select_related("actor")
        rows = sorted([*rows, *decided], key=lambda r: (r.at, r.pk), reverse=True)[:200]
    for row in rows:
        row.label = ACTION_LABELS.get(row.action, row.action)  # type: ignore[attr-defined]
        # the person's name where the account still exists; the audit keeps the username
        name = row.actor.get_full_name() if row.actor is not None else ""
        row.who = name or row.actor_name  # type: ignore[attr-defined]
    describe(rows)  # row.changes: what changed, in words
    for row in rows:
        if row.object_type == DistinctChildren._meta.label_lower:
            row.changes = [  # type: ignore[attr-defined]
                _("Hồ sơ #%(pk)s là một trẻ khác") % {"pk": other[row.object_id]}
            ]
    return rows


def circumstance_get(*, user: Any, pk: Any) -> ChildCircumstance:
    return get_scoped_or_404(
        ChildCircumstance.objects.select_related("child__area"),
        user,
        Cap.REGISTRY_VIEW,
        field="child__area",
        pk=pk,
    )


def support_get(*, user: Any, pk: Any) -> Support:
    return get_scoped_or_404(
        Support.objects.select_related("child__area"),
        user,
        Cap.REGISTRY_VIEW,
        field="child__area",
        pk=pk,
    )


def caregiver_get(*, user: Any, pk: Any) -> Caregiver:
    return get_scoped_or_404(
        Caregiver.objects.select_related("child__area"),
        user,
        Cap.REGISTRY_VIEW,
        field="child__area",
        pk=pk,
    )


def merge_log_get(*, user: Any, pk: Any) -> AuditLog:
    log = AuditLog.objects.filter(pk=pk, action="child.merge").first()
    if log is None:
        raise Http404
    child_get(user=user, pk=int(log.object_id))
    return log


def villages_for(*, user: Any, commune: Area | None) -> list[Area]:
    """Villages the user may pick in filters/forms (a collaborator: only theirs), in
    code order. A commune's villages are reference data (loaded with the areas, changed
    by an administrative reform): they are read again every few minutes, so list pages
    need no query for them; the user's scope is checked on each call."""
    if commune is None:
        return []
    now = time.monotonic()
    cached = _VILLAGES.get(commune.pk)
    if cached is None or now - cached[0] > VILLAGES_SECONDS:
        villages = list(
            Area.objects.filter(
                parent=commune, level=AreaLevel.VILLAGE, valid_to__isnull=True
            ).order_by("code")
        )
        cached = _VILLAGES[commune.pk] = (now, villages)
    return [v for v in cached[1] if has_capability(user, Cap.REGISTRY_VIEW, v)]


_VILLAGES: dict[int, tuple[float, list[Area]]] = {}  # commune id -> (read at, villages)
VILLAGES_SECONDS = 300


def forget_villages() -> None:
    """Read the communes' villages again at the next call (an area was saved)."""
    _VILLAGES.clear()


def similar_children(
    *, user: Any, full_name: str, birth_date: dt.date | None = None, limit: int = 10
) -> list[Child]:
    """Search-before-create: children in scope whose name matches (and birth year when given)."""
    words = fold(full_name).split()
    cond = words_search_q(full_name)
    if (len(words) < 2 and not birth_date) or cond is None:
        return []
    qs = children_in_scope(user=user).filter(merged_into__isnull=True)
    qs = qs.filter(cond)
    if birth_date:
        qs = qs.filter(birth_date__year=birth_date.year)
    return list(qs.select_related("area").order_by("name_sort", "id")[:limit])


# --------------------------------------------------------------------------- duplicates


@dataclass
class DuplicateGroup:
    reason: str  # "name_dob" | "id"
    children: list[Child]


def probable_duplicates(
    *, user: Any, area: Area | None = None, limit: int = 200
) -> list[DuplicateGroup]:
    """Records with the same folded name + date of birth in the same commune."""
    qs = (
        children_in_scope(user=user, capability=Cap.REGISTRY_VIEW)
        .filter(merged_into__isnull=True, birth_date__isnull=False)
        .exclude(name_folded="")
    )
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    keys = (
        qs.values("commune_id", "name_folded", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_folded", "birth_date")[:limit]
    )
    key_rows = list(keys)
    if not key_rows:
        return []
    cond = Q()
    for k in key_rows:
        cond |= Q(
            commune_id=k["commune_id"], name_folded=k["name_folded"], birth_date=k["birth_date"]
        )
    rows = (
        qs.filter(cond)
        .select_related("area", "ethnicity")
        .annotate(
            n_caregivers=Count(
                "caregivers", filter=Q(caregivers__removed_at__isnull=True), distinct=True
            ),
        )
        .order_by("name_folded", "birth_date", "pk")
    )
    grouped: dict[tuple[Any, ...], list[Child]] = defaultdict(list)
    for child in rows:
        grouped[(child.commune_id, child.name_folded, child.birth_date)].append(child)
    groups = [group for group in grouped.values() if len(group) > 1]
    # the pairs an officer found to be different children: a group every pair of which
    # is one of them has been checked
    ids = [c.pk for group in groups for c in group]
    distinct = set(
        DistinctChildren.objects.filter(
            first_id__in=ids, second_id__in=ids, undone_at__isnull=True
        ).values_list("first_id", "second_id")
    )
    return [
        DuplicateGroup("name_dob", group)
        for group in groups
        if any((a.pk, b.pk) not in distinct for i, a in enumerate(group) for b in group[i + 1 :])
    ]


def distinct_decisions(
    *, user: Any, area: Area | None = None, limit: int = 50
) -> list[DistinctChildren]:
    """The latest "different children" decisions in the user's scope, undone ones too."""
    qs = scoped(
        DistinctChildren.objects.select_related("first", "second", "decided_by"),
        user,
        Cap.REGISTRY_EDIT,
    )
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return list(qs.order_by("-created_at", "-id")[:limit])


def distinct_decision_get(*, user: Any, pk: int) -> DistinctChildren:
    """One decision in the user's scope (404 outside it)."""
    return get_scoped_or_404(DistinctChildren.objects.all(), user, Cap.REGISTRY_EDIT, pk=pk)


def merge_history(*, user: Any, area: Area | None = None, limit: int = 50) -> list[AuditLog]:
    qs = AuditLog.objects.filter(action="child.merge")
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    logs = list(qs.order_by("-at", "-id")[: limit * 2])
    visible_ids = set(
        children_in_scope(user=user)
        .filter(pk__in=[int(log.object_id) for log in logs])
        .values_list("pk", flat=True)
    )
    undone = set(
        AuditLog.objects.filter(
            action="child.unmerge", object_id__in=[log.object_id for log in logs]
        ).values_list("after__merge_log", flat=True)
    )
    result = []
    for log in logs:
        if int(log.object_id) in visible_ids:
            log.undone = log.pk in undone  # type: ignore[attr-defined]
            result.append(log)
    return result[:limit]


# --------------------------------------------------------------------------- data quality

QUALITY_CHECKS: list[tuple[str, Any]] = []


MISMATCH_GROUPS = ("a", "n", "h")  # the groups whose record can contradict them


def _quality_conditions() -> dict[str, Any]:
    from treem.registry.models import Caregiver as CG

    has_caregiver = Exists(CG.objects.filter(child_id=OuterRef("pk"), removed_at__isnull=True))

    def holds(group: str) -> Exists:
        return Exists(
            ChildCircumstance.objects.filter(
                _ongoing(), child_id=OuterRef("pk"), kind=CircumstanceKind.SPECIAL, group=group
            )
        )

    # Điều 10 defines three groups (`MISMATCH_GROUPS`) by facts the record also holds: an
    # orphan of both parents (a) with a father or mother recorded as not dead or missing; a
    # child with a serious illness (n) whose household is neither poor nor near-poor; a
    # child who left school to earn a living (h) recorded as at school.
    parent_alive = Exists(
        CG.objects.filter(
            child_id=OuterRef("pk"),
            removed_at__isnull=True,
            relation__in=["father", "mother"],
        ).exclude(status__in=["dead", "missing"])
    )
    at_school = ["nursery", "kindergarten", "primary", "lower_secondary", "upper_secondary"]
    mismatch = (
        (holds("a") & Q(parent_alive))
        | (holds("n") & ~Q(poverty__in=["poor", "near_poor"]))
        | (holds("h") & Q(schooling__in=at_school))
    )
    return {
        "no_id": Q(id_number__isnull=True),
        "bad_id": Q(id_number_valid=False),
        "no_name": Q(full_name=""),
        "no_birth_date": Q(birth_date__isnull=True),
        "no_sex": Q(sex=""),
        "no_ethnicity": Q(ethnicity__isnull=True),
        "no_caregiver": ~has_caregiver,
        "group_mismatch": mismatch,
        "bad_carer_id": Exists(
            CG.objects.filter(
                child_id=OuterRef("pk"), removed_at__isnull=True, id_number_valid=False
            )
        ),
    }


QUALITY_LABELS = {
    "no_id": _("Chưa có số định danh"),
    "bad_id": _("Số định danh sai cấu trúc hoặc không khớp"),
    "no_name": _("Thiếu họ tên"),
    "no_birth_date": _("Thiếu ngày sinh"),
    "no_sex": _("Thiếu giới tính"),
    "no_ethnicity": _("Thiếu dân tộc"),
    "no_caregiver": _("Thiếu thông tin cha, mẹ, người chăm sóc"),
    "group_mismatch": _("Nhóm hoàn cảnh đặc biệt không khớp hồ sơ"),
    "bad_carer_id": _("Số định danh của cha, mẹ, người chăm sóc sai"),
}


def data_quality_summary(*, user: Any, area: Area | None = None) -> dict[str, Any]:
    """Counts of each problem over the active children, per village in a commune (and
    per commune above one: a province's thousands of villages, many named alike, would
    say little), with the totals.

    Rows: {"area_id", "name", "village" (False: the commune itself, children recorded
    without a village), "total", one count per problem}; `by` says what a row is.

    One GROUP BY for the problems read from the child's own row, grouped by the id alone
    (the groups are estimated well and hashed; with the area's columns the estimate
    reached the number of children and 1 M rows were sorted on disk), the names read for
    the rows found. The problems that look at other tables are counted apart, each
    as a condition of its own rather than a probe per child inside the counts (1 M
    probes run one after the other): children without a caregiver by an anti-join
    (parallel), group mismatches among the children holding one of `MISMATCH_GROUPS`
    (a semi-join first), wrong caregiver ID numbers from the few caregivers holding one
    (a semi-join). Measured at 1 M children: 0.99 s for the counts with the
    mismatches inside, 0.21 + 0.20 s apart."""
    qs = children_in_scope(user=user).active()
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    by = "commune" if area is not None and area.level < AreaLevel.COMMUNE else "village"
    group = "commune_id" if by == "commune" else "area_id"
    conds = _quality_conditions()
    # counted apart, each in a query of its own (see above); the group mismatches among the
    # children holding one of those groups only (1.5 % of them): a semi-join first
    holders = ChildCircumstance.objects.filter(
        _ongoing(), kind=CircumstanceKind.SPECIAL, group__in=MISMATCH_GROUPS
    ).order_by()
    apart = {
        "no_caregiver": qs.filter(conds["no_caregiver"]),
        "group_mismatch": qs.filter(pk__in=holders.values("child_id")).filter(
            conds["group_mismatch"]
        ),
        # the few children with a caregiver whose number fails: a semi-join from those
        "bad_carer_id": qs.filter(
            pk__in=Caregiver.objects.filter(removed_at__isnull=True, id_number_valid=False)
            .order_by()
            .values("child_id")
        ),
    }
    aggregates = {key: Count("id", filter=cond) for key, cond in conds.items() if key not in apart}
    rows = list(qs.values(group).annotate(total=Count("id"), **aggregates).order_by())
    counted_apart = {
        key: dict(part.values(group).annotate(n=Count("id")).values_list(group, "n"))
        for key, part in apart.items()
    }
    areas = {
        a["id"]: a
        for a in Area.objects.filter(pk__in=[r[group] for r in rows]).values(
            "id", "name", "full_name", "level", "code"
        )
    }
    for r in rows:
        a = areas[r[group]]
        r["area_id"] = r.pop(group)
        r["name"] = a["full_name"] if by == "commune" else a["name"]
        r["village"] = a["level"] == AreaLevel.VILLAGE
        r["sort"] = (a["level"], a["code"])
        for key, counts in counted_apart.items():
            r[key] = counts.get(r["area_id"], 0)
    rows.sort(key=lambda r: r.pop("sort"))
    totals = {key: sum(r[key] for r in rows) for key in [*conds, "total"]}
    return {"rows": rows, "totals": totals, "keys": list(conds), "by": by}


def data_quality_list(
    *,
    user: Any,
    problem: str,
    area: Area | None = None,
    village: int | None = None,
    commune: int | None = None,
) -> QuerySet[Child]:
    """The active children with `problem`, in the area, a village or a commune of it."""
    conds = _quality_conditions()
    if problem not in conds:
        raise Http404
    qs = children_in_scope(user=user).active()
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    if village:
        qs = qs.filter(area_id=village)
    if commune:
        qs = qs.filter(commune_id=commune)
    qs = qs.filter(conds[problem]).select_related("area", "ethnicity").order_by("name_sort", "id")
    if problem == "bad_carer_id":  # whose number, for the export's detail column
        qs = qs.prefetch_related(
            Prefetch(
                "caregivers",
                queryset=Caregiver.objects.filter(removed_at__isnull=True, id_number_valid=False),
                to_attr="wrong_id_carers",
            )
        )
    return qs


# --------------------------------------------------------------------------- counts


def registry_counts(*, user: Any, area: Area) -> dict[str, int]:
    """Counts for the dashboard (active children under the area)."""
    if not has_capability(user, Cap.REGISTRY_VIEW, area) and not _sees_part_of(user, area):
        return {}
    qs = children_in_scope(user=user).active().filter(area_path__startswith=area.path)
    conds = _quality_conditions()
    problem = Q()
    for key in ("no_id", "bad_id", "no_name", "no_birth_date", "no_sex", "no_ethnicity"):
        problem |= conds[key]

    kinds = (CircumstanceKind.SPECIAL, CircumstanceKind.AT_RISK)
    if area.level >= AreaLevel.COMMUNE:
        # a commune's few thousand children: one aggregate, an index probe per child
        def having(kind: str) -> Q:
            ongoing = ChildCircumstance.objects.filter(_ongoing(), kind=kind)
            return Q(Exists(ongoing.filter(child_id=OuterRef("pk"))))

        return qs.aggregate(
            total=Count("id"),
            special=Count("id", filter=having(kinds[0])),
            at_risk=Count("id", filter=having(kinds[1])),
            problems=Count("id", filter=problem),
        )
    # A district or province (up to millions of children): a million index probes inside
    # the aggregate ran one after the other (1.5 s for 1 M children), and a look-up table
    # probed per child (`pk__in` in the aggregate) degrades to a scan of the whole table
    # per child once it outgrows work_mem (~100,000 children with a circumstance). The
    # children are counted in one parallel scan, those with a circumstance from the
    # circumstances' side, joined to the counted children (a semi-join, which spills to
    # disk when it must).
    counts = qs.aggregate(total=Count("id"), problems=Count("id", filter=problem))
    with_kind = dict(
        ChildCircumstance.objects.filter(_ongoing(), kind__in=kinds, child_id__in=qs.values("pk"))
        .order_by()  # (the model's ordering by child would join the child table)
        .values("kind")
        .annotate(n=Count("child_id", distinct=True))
        .values_list("kind", "n")
    )
    counts["special"] = with_kind.get(kinds[0], 0)
    counts["at_risk"] = with_kind.get(kinds[1], 0)
    return counts


def _sees_part_of(user: Any, area: Area) -> bool:
    paths = scope_paths(user, Cap.REGISTRY_VIEW)
    if paths is None:
        return True
    return any(p.startswith(area.path) for p in paths)


def status_label(status: str) -> str:
    return str(dict(ChildStatus.choices).get(status, status))


__all__ = [
    "ChildFilters",
    "child_detail",
    "child_get",
    "child_list",
    "data_quality_list",
    "data_quality_summary",
    "probable_duplicates",
    "registry_counts",
    "similar_children",
    "uses_trigram",
    "years_before",
]
