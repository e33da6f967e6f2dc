"""The child registry: children, caregivers, special circumstances, support received.

Other apps code against these names (see the issue's data model). Rows written in
bulk (import, demo) must call `Child.set_derived()` first so the search and sort
columns are filled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.base import ModelState
from django.db.models.functions import Now
from django.db.models.signals import post_init, pre_init
from django.utils.translation import gettext_lazy as _

from treem.core.dates import years_before
from treem.core.models import Area, AreaOwned
from treem.core.text import clean, collation_string, fold, fold_tokens_sorted
from treem.registry.idnumber import check_id_number
from treem.registry.search import (
    first_round,
    search_words_for,
    second_round,
    sqlite_search_words,
)

ADULT_AGE = 16  # Luật Trẻ em 2016, Điều 1: a child is a person under 16


class Ethnicity(models.Model):
    """The 54 official ethnic groups (codes of Quyết định 121-TCTK/PPCĐ), seeded as data."""

    code = models.CharField(_("mã dân tộc"), max_length=2, unique=True)
    name = models.CharField(_("tên dân tộc"), max_length=60)
    name_folded = models.CharField(max_length=60, default="", db_index=True)

    class Meta:
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SearchWordsField(models.Field):
    """The words a child is found by (see treem/registry/search.py): text[] with a GIN
    index on PostgreSQL; on SQLite a space-padded text " an nguyen ~lan ~lan|tran " for
    LIKE (`sqlite_search_words`)."""

    description = "search words"
    audited = False  # derived from the name and caregivers: kept out of audit rows

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str:
        return "text[]" if connection.vendor == "postgresql" else "text"

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        # Keys are only ever compared for equality: byte order (COLLATE "C") keeps the
        # GIN index's comparisons off the database's locale (measured: a tenth of an
        # import's time in PostgreSQL went to locale-aware comparisons of these keys).
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        words = [str(w) for w in (value or [])]
        if connection.vendor == "postgresql":
            return words
        words = sqlite_search_words(words)
        return f" {' '.join(words)} " if words else ""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        return str(value).split()

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return value.split()
        return list(value or [])

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "contains":
            return _TextContains
        return super().get_lookup(lookup_name)


@SearchWordsField.register_lookup
class WordsOverlap(models.Lookup):
    """`search_words && ARRAY[...]` (PostgreSQL): any of the keys is stored."""

    lookup_name = "overlap"

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return ("%s", [list(value)])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}::text[]", [*lhs_params, *rhs_params]


class _TextContains(models.lookups.Contains):
    """LIKE on the SQLite text form (the value is a plain string, not a word list)."""

    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return ("%s", [str(value)])


class BytewiseCharField(models.CharField):
    """A CharField compared byte by byte on PostgreSQL (COLLATE "C"), for a column built
    to sort in its byte order (`treem.core.text.collation_string`): the database's
    locale would sort it no better and compare it more slowly."""

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class NameWord(models.Model):
    """The vocabulary of folded name words, so a typed word can be turned into the stored
    words it starts ("an" -> an, anh) and looked up in the GIN index of search words."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["word"], name="nameword_prefix_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.word


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Ngày/tháng/năm")
    MONTH = "month", _("Tháng/năm")
    YEAR = "year", _("Chỉ năm sinh")


class Poverty(models.TextChoices):
    NONE = "none", _("Không")
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")


class Schooling(models.TextChoices):
    NOT_YET = "not_yet", _("Chưa đi học")
    NURSERY = "nursery", _("Nhà trẻ")
    KINDERGARTEN = "kindergarten", _("Mẫu giáo")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
    OUT_OF_SCHOOL = "out_of_school", _("Không đi học")
    DROPPED_OUT = "dropped_out", _("Bỏ học")


class DisabilityLevel(models.TextChoices):
    NONE = "", _("Không")
    ESPECIALLY_SEVERE = "especially_severe", _("Đặc biệt nặng")
    SEVERE = "severe", _("Nặng")
    MILD = "mild", _("Nhẹ")


class ChildStatus(models.TextChoices):
    ACTIVE = "active", _("Đang theo dõi")
    ARCHIVED = "archived", _("Đã đủ 16 tuổi (lưu trữ)")
    MOVED = "moved", _("Đã chuyển đi")
    DIED = "died", _("Đã chết")


class AgeGroup(models.TextChoices):
    A0_3 = "0_3", _("Dưới 3 tuổi")
    A3_6 = "3_6", _("Từ 3 đến dưới 6 tuổi")
    A6_11 = "6_11", _("Từ 6 đến dưới 11 tuổi")
    A11_16 = "11_16", _("Từ 11 đến dưới 16 tuổi")


# (slug, lower bound inclusive, upper bound exclusive) in years
AGE_GROUP_BOUNDS: dict[str, tuple[int, int]] = {
    "0_3": (0, 3),
    "3_6": (3, 6),
    "6_11": (6, 11),
    "11_16": (11, 16),
}


def age_on(birth_date: dt.date | None, on: dt.date) -> int | None:
    if birth_date is None:
        return None
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_group_of(age: int | None) -> str:
    if age is None:
        return ""
    for slug, (low, high) in AGE_GROUP_BOUNDS.items():
        if low <= age < high:
            return slug
    return ""


def _slice_by_ids(qs: Any, low: int, high: int) -> list[Any]:
    """The rows [low:high] of the ordered queryset `qs`, in one statement that sorts the
    matches as ids and reads the slice's rows by id after (`id IN (SELECT id … ORDER BY …
    LIMIT …)`): the thousands of matches of a common name pass through the sort as
    (id, sort key), not as whole rows (measured: 3,700 matches, 17 ms as whole rows, 5 ms
    so). The outer query keeps the order."""
    return list(qs.filter(pk__in=qs.values("pk")[low:high]))


def unindexed_name_sort() -> Func:
    """`name_sort` as an expression no index answers: a search sorts its matches after
    the GIN lookup (see `selectors.search_rank_order`)."""
    return Func(F("name_sort"), template="(%(expressions)s || '')", output_field=models.CharField())


class ChildQuerySet(models.QuerySet["Child"]):
    # (set by `in_bucket_rounds`) the order a slice is read in bucket by bucket, and
    # how many children the search is expected to match
    _rounds_order: tuple[str, ...] | None = None
    _rounds_estimate = 0.0

    def in_bucket_rounds(self, estimate: float) -> ChildQuerySet:
        """A slice of this name search (ordered by `unindexed_name_sort()`, then id),
        expected to match about `estimate` children, is read in rounds when it likely
        matches many (treem/registry/search.py `first_round`): first the children of the
        first sort buckets, which the GIN index finds with the name keys (the few hundred
        of them expected to hold the slice, instead of all matches read and sorted); then,
        only when those were too few, the next buckets, sized by what the first held
        (`second_round`); then the matches of all later buckets. Every child of a round
        sorts before every child of the next, so the rows are those of the plain query,
        in its order. The last round, where thousands of matches of a common name may be
        sorted, sorts them as ids (`_slice_by_ids`).

        Only a slice in the current order is read so; another order, a window annotation
        (a count over all rows) or reading everything runs the plain query."""
        qs = self.all()
        qs._rounds_order = tuple(str(o) for o in self.query.order_by)
        qs._rounds_estimate = estimate
        return qs

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]  # (not in the stubs)
        clone._rounds_order = self._rounds_order
        clone._rounds_estimate = self._rounds_estimate
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None and self._reads_in_rounds():
            self._result_cache = self._fetch_in_rounds()
        super()._fetch_all()

    def _reads_in_rounds(self) -> bool:
        query = self.query
        return (
            self._rounds_order is not None
            and query.high_mark is not None
            and tuple(str(o) for o in query.order_by) == self._rounds_order
            and not query.combinator
            and not any(
                getattr(a, "contains_over_clause", False) for a in query.annotations.values()
            )
        )

    def _fetch_in_rounds(self) -> list[Any]:
        low, high = self.query.low_mark, self.query.high_mark
        assert high is not None
        plan = first_round(self._rounds_estimate, high)
        # the rounds read rows only: related rows are prefetched once, for the slice
        base = self.prefetch_related(None)
        base._rounds_order = None
        base.query.clear_limits()
        if plan is None:
            return list(base[low:high])
        buckets, after = plan
        rows = list(base.filter(search_words__overlap=buckets)[:high])
        if len(rows) >= high:
            return rows[low:high]
        # Too few: the next buckets, sized by what the first ones held (at most one
        # such round: the query count stays bounded), before the rest.
        plan = second_round(self._rounds_estimate, buckets, len(rows), after, high - len(rows))
        if plan is not None:
            buckets, after = plan
            rows += base.filter(search_words__overlap=buckets)[: high - len(rows)]
            if len(rows) >= high:
                return rows[low:high]
        # The later buckets: by the sort column itself, read off the matched rows (a range
        # on the name_sort index would read a large part of it); there thousands of
        # matches of a common name may be sorted, as ids.
        rest = base.alias(_rest_sort=unindexed_name_sort()).filter(_rest_sort__gte=after)
        return rows[low:] + _slice_by_ids(rest, max(low - len(rows), 0), high - len(rows))

    def not_merged(self) -> ChildQuerySet:
        return self.filter(merged_into__isnull=True)

    def active(self, on: dt.date | None = None) -> ChildQuerySet:
        """Children counted as children today: active status, not merged, under 16.

        A child with no date of birth stays counted (the data-quality page lists them).
        """
        on = on or dt.date.today()
        adult_born_by = years_before(on, ADULT_AGE)
        return self.filter(
            Q(birth_date__isnull=True) | Q(birth_date__gt=adult_born_by),
            status=ChildStatus.ACTIVE,
            merged_into__isnull=True,
        )

    def in_age_group(self, slug: str, on: dt.date | None = None) -> ChildQuerySet:
        on = on or dt.date.today()
        low, high = AGE_GROUP_BOUNDS[slug]
        # age >= low  <=> born on or before (on - low years)
        # age < high  <=> born after (on - high years)
        return self.filter(
            birth_date__lte=years_before(on, low), birth_date__gt=years_before(on, high)
        )


class Child(AreaOwned):
    """A child. `area` is the residence (the village when known, else the commune)."""

    # Foreign keys without their own index where a composite index starts with them
    # (child_commune_status_idx, child_merged_into_idx) or where no query filters on
    # them: every index costs on each imported row. Scoping, lists and the village
    # filter read `area_path` (child_area_path_id_idx), never `area_id`.
    # Foreign keys the database does not check (db_constraint=False) are those whose
    # target is never deleted and that every writer takes from an object it has just
    # read, where a check per row would cost the import most: areas are never deleted
    # (Django's PROTECT still refuses it), the services write the area of a form or API
    # choice resolved in scope, and the import checks its rows against the database in
    # one statement before it commits (`importing.service.check_written`).
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="registry_children",
        verbose_name=_("nơi ở"),
        db_index=False,
        db_constraint=False,
    )
    province_code = models.CharField(max_length=20, editable=False)  # scoped by area_path
    # The commune of `area`, copied by the services (areas are never deleted): a
    # database check of the copy could not catch a wrong commune, and costs one lookup
    # per row an import writes.
    commune = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường"),
        db_index=False,
        db_constraint=False,
    )
    # A copy of `area.path` (area paths never change): scoping filters on it with a
    # prefix LIKE served by an index instead of joining core_area.
    area_path = models.CharField(max_length=255, default="", blank=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    name_folded = models.CharField(max_length=150, default="", blank=True)
    name_tokens = models.CharField(max_length=150, default="", blank=True)
    name_sort = BytewiseCharField(max_length=320, default="", blank=True)
    # the child's and caregivers' name words and word pairs (treem/registry/search.py)
    search_words = SearchWordsField()
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("độ chính xác ngày sinh"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    # One of the 54 official groups, seeded by a data migration and never deleted (no
    # page or route removes one; Django's PROTECT still refuses to delete a group in
    # use). Every writer takes the id from that table (forms, API, import), so there is
    # no database check: it cost an import a lookup per row (measured: 0.3 s per
    # 100,000 rows, where the goal is 5 s).
    ethnicity = models.ForeignKey(
        Ethnicity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dân tộc"),
        db_index=False,
        db_constraint=False,
    )
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, null=True, blank=True)
    # None: no number; True: passes the Thông tư 07/2016 checks; False: malformed/inconsistent
    id_number_valid = models.BooleanField(null=True, blank=True, editable=False)
    birth_registration_place = models.CharField(
        _("nơi đăng ký khai sinh"), max_length=200, blank=True
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    household_head = models.CharField(_("chủ hộ"), max_length=150, blank=True)
    poverty = models.CharField(
        _("hộ nghèo, cận nghèo"), max_length=10, choices=Poverty.choices, default=Poverty.NONE
    )
    health_insurance_number = models.CharField(_("số thẻ BHYT"), max_length=20, blank=True)
    schooling = models.CharField(
        _("tình trạng học tập"), max_length=20, choices=Schooling.choices, blank=True
    )
    disability_type = models.CharField(_("dạng khuyết tật"), max_length=100, blank=True)
    disability_level = models.CharField(
        _("mức độ khuyết tật"), max_length=20, choices=DisabilityLevel.choices, blank=True
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ChildStatus.choices, default=ChildStatus.ACTIVE
    )
    status_date = models.DateField(_("ngày thay đổi trạng thái"), null=True, blank=True)
    death_cause = models.CharField(_("nguyên nhân chết"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The database also fills the timestamps (the transaction's time), so a bulk write
    # leaves them out: PostgreSQL parsing the same timestamp text twice per row was a
    # tenth of an import's time in the database.
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("đã gộp vào"),
        db_index=False,
    )
    # Who registered the child (the audit trail names them too). Users are deactivated,
    # not deleted (Django still applies SET_NULL if one is): no database check, which
    # would cost one lookup per row an import writes.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = ChildQuerySet.as_manager()

    _loaded_area_id: Any = None  # the area_id read from the database (see sync_area_path)

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")
        ordering = ["name_sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(id_number__isnull=False),
                name="child_unique_id_number",
                # pattern ops: the same index answers "id_number LIKE '0982%'" searches
                opclasses=["varchar_pattern_ops"],
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["", "male", "female"]), name="child_sex_valid"
            ),
        ]
        indexes = [
            # Scope prefix (LIKE 'path%'): a commune's or a village's children. The ID
            # number as second key: an ID-number-prefix search in a commune ("098214": a
            # hundred of its 3,300 children) is checked in the index instead of on each
            # of the commune's rows (1 M children: ~0.6 ms instead of 5-10 ms,
            # bench/bench_registry_search.py). On PostgreSQL the entries also carry
            # what a commune's list page filters and sorts on, so that its page of ids
            # and its count come from the index alone (`selectors.child_list_page`):
            # three times as wide (at 1 M children 109 MB instead of 32), ~0.1-0.2 s
            # more of an import's 100,000 rows for ~3 ms less on each list page.
            models.Index(
                fields=["area_path", "id_number"],
                name="child_area_path_id_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                include=["status", "birth_date", "merged_into", "sex", "name_sort", "id"],
            ),
            models.Index(fields=["commune", "status"], name="child_commune_status_idx"),
            models.Index(fields=["name_sort", "id"], name="child_name_sort_idx"),
            # merged records are few: only they are indexed (the merge history and undo)
            models.Index(
                fields=["merged_into"],
                name="child_merged_into_idx",
                condition=Q(merged_into__isnull=False),
            ),
            # No index on birth_date: age bands are a quarter of any scope (the list
            # walks the name order and filters them) and `age_out` runs once a day.
        ]

    def __str__(self) -> str:
        return self.full_name or f"#{self.pk}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Child:
        """A child read from the database, built without `Model.__init__`'s walk over all
        its fields (a list page reads 50 children, an export or a report 100,000; measured
        ~20 µs a child, a twentieth of the list page's Python). What `__init__` does for a
        loaded row comes to the same: every column is an attribute in `__dict__` (a
        foreign key's id under its attname), a deferred column is one left out (Django's
        descriptor reads it on first use), and the state is "in the database". When an
        init signal has a receiver (none in TreEm), Django's own path runs."""
        if pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            instance = super().from_db(db, field_names, values)
        else:
            instance = cls.__new__(cls)
            state = instance._state = ModelState()
            state.adding = False
            state.db = db
            instance.__dict__.update(zip(field_names, values, strict=True))
        instance._loaded_area_id = instance.__dict__.get("area_id")
        return instance

    def sync_area_path(self) -> None:
        """Copy `area.path` into `area_path` (a query only when the area changed unseen)."""
        if not self.area_id:
            return
        if Child.area.is_cached(self) and self.area is not None and self.area.pk == self.area_id:
            self.area_path = self.area.path
        elif not self.area_path or self.area_id != getattr(self, "_loaded_area_id", None):
            self.area_path = Area.objects.values_list("path", flat=True).get(pk=self.area_id)
        self._loaded_area_id = self.area_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sync_area_path()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("area" in update_fields or "area_id" in update_fields):
            kwargs["update_fields"] = {*update_fields, "area_path"}
        super().save(*args, **kwargs)

    def set_derived(self) -> None:
        """Fill the search/sort columns, the area path and the ID-number flag."""
        self.sync_area_path()
        self.full_name = clean(self.full_name)
        self.name_folded = fold(self.full_name)
        self.name_tokens = fold_tokens_sorted(self.full_name)
        words = self.full_name.split(" ") if self.full_name else []
        given = words[-1] if words else ""
        rest = " ".join(words[:-1])
        self.name_sort = name_sort_string(given, rest)
        self.search_words = search_words_for(
            self.name_folded, self._caregiver_names(), name_sort=self.name_sort
        )
        self.id_number = clean(self.id_number) or None
        self.id_number_valid = None if not self.id_number else not id_number_problems(self)

    def _caregiver_names(self) -> list[str]:
        """Folded names of the caregivers not removed (prefetched ones when available)."""
        if self.pk is None:
            return []
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "caregivers" in cache:
            return [c.name_folded for c in cache["caregivers"] if c.removed_at is None]
        return list(
            Caregiver.objects.filter(child_id=self.pk, removed_at__isnull=True).values_list(
                "name_folded", flat=True
            )
        )

    def age_on(self, on: dt.date | None = None) -> int | None:
        return age_on(self.birth_date, on or dt.date.today())

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def age_group(self) -> str:
        return age_group_of(self.age)

    @property
    def village(self) -> Area | None:
        return self.area if self.area_id != self.commune_id else None

    @property
    def is_counted(self) -> bool:
        """Counted as a child today (the same rule as `Child.objects.active()`)."""
        if self.status != ChildStatus.ACTIVE or self.merged_into_id:
            return False
        age = self.age
        return age is None or age < ADULT_AGE

    def birth_date_display(self) -> str:
        if not self.birth_date:
            return ""
        if self.birth_date_precision == DatePrecision.YEAR:
            return f"{self.birth_date:%Y}"
        if self.birth_date_precision == DatePrecision.MONTH:
            return f"{self.birth_date:%m/%Y}"
        return f"{self.birth_date:%d/%m/%Y}"


def name_sort_string(given: str, rest: str) -> str:
    """Sort column: given name, then the rest, by letters; tones break ties last.

    Each part ends with a space, which sorts below every letter, so "An" < "Ánh" < "Ân".
    """
    g_primary, g_tones = collation_string(given).split("|", 1)
    r_primary, r_tones = collation_string(rest).split("|", 1)
    return f"{g_primary} {r_primary} {g_tones}{r_tones}"[:320]


def id_number_problems(child: Child) -> list[str]:
    """Vietnamese messages for the child's ID number (empty when fine or absent)."""
    number = child.id_number
    if not number:
        return []
    year = child.birth_date.year if child.birth_date else None
    return list(check_id_number(number, child.sex or None, year))


class CaregiverRelation(models.TextChoices):
    FATHER = "father", _("Cha")
    MOTHER = "mother", _("Mẹ")
    GUARDIAN = "guardian", _("Người giám hộ")
    OTHER = "other", _("Người chăm sóc khác")


class CaregiverStatus(models.TextChoices):
    LIVING = "living", _("Còn sống")
    DEAD = "dead", _("Đã chết")
    MISSING = "missing", _("Mất tích")
    IN_PRISON = "in_prison", _("Đang chấp hành án phạt tù")
    ABROAD = "abroad", _("Đi làm ăn xa, ở nước ngoài")


class Caregiver(models.Model):
    # Indexed by caregiver_child_relation_idx. Not checked by the database: children are
    # never deleted (PROTECT in Django, and no route deletes one), the services add a
    # caregiver to a child they have just read, and the import writes its caregivers
    # with the children it writes in the same transaction and checks them in one
    # statement before it commits (measured: the check per row was 0.9 s of a
    # 100,000-row import's 6 s).
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        related_name="caregivers",
        db_index=False,
        db_constraint=False,
    )
    relation = models.CharField(
        _("quan hệ với trẻ"), max_length=10, choices=CaregiverRelation.choices
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    name_folded = models.CharField(max_length=150, default="", blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    id_number = models.CharField(_("số định danh"), max_length=12, blank=True)
    # Whether the number passes the checks of Thông tư 07/2016 for this person (the sex a
    # father's or mother's number codes, the birth year): None without a number. The
    # services refuse a failing number; this keeps the numbers entered before the check
    # (or by an import) findable on the data-quality page.
    id_number_valid = models.BooleanField(null=True, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=CaregiverStatus.choices,
        default=CaregiverStatus.LIVING,
    )
    # Removed by mistake-correction: kept, hidden (never hard-deleted)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())  # see Child

    class Meta:
        verbose_name = _("người chăm sóc")
        verbose_name_plural = _("người chăm sóc")
        ordering = ["child", "relation", "id"]
        indexes = [
            models.Index(fields=["child", "relation"], name="caregiver_child_relation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.full_name}"

    def set_derived(self) -> None:
        self.full_name = clean(self.full_name)
        self.name_folded = fold(self.full_name)
        self.id_number_valid = not self.id_number_problems() if self.id_number else None

    def id_number_problems(self) -> list[str]:
        return caregiver_id_problems(self.id_number, self.relation, self.birth_year)


# The sex a caregiver's ID number codes, by relation (a guardian's is not known).
CAREGIVER_SEX = {"father": "male", "mother": "female"}


def caregiver_id_problems(number: str, relation: str, birth_year: int | None) -> list[str]:
    """What is wrong with a caregiver's ID number: a father's must code a man, a mother's
    a woman; every number the birth year (`check_id_number`)."""
    return check_id_number(number, CAREGIVER_SEX.get(relation), birth_year or None, of_child=False)


class CircumstanceKind(models.TextChoices):
    SPECIAL = "special", _("Hoàn cảnh đặc biệt")
    AT_RISK = "at_risk", _("Nguy cơ rơi vào hoàn cảnh đặc biệt")
    OTHER = "other", _("Hoàn cảnh khác")


class SpecialGroup(models.TextChoices):
    """Luật Trẻ em 2016, Điều 10.1 (the slug is the article's letter; "dd" is đ)."""

    A = "a", _("a) Trẻ em mồ côi cả cha và mẹ")
    B = "b", _("b) Trẻ em bị bỏ rơi")
    C = "c", _("c) Trẻ em không nơi nương tựa")
    D = "d", _("d) Trẻ em khuyết tật")
    DD = "dd", _("đ) Trẻ em nhiễm HIV/AIDS")
    E = "e", _("e) Trẻ em vi phạm pháp luật")
    G = "g", _("g) Trẻ em nghiện ma túy")
    H = "h", _("h) Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục THCS")
    I = "i", _("i) Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực")  # noqa: E741
    K = "k", _("k) Trẻ em bị bóc lột")
    L = "l", _("l) Trẻ em bị xâm hại tình dục")
    M = "m", _("m) Trẻ em bị mua bán")
    N = (
        "n",
        _(
            "n) Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo, cận nghèo"
        ),
    )
    O = (  # noqa: E741
        "o",
        _(
            "o) Trẻ em di cư, lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc"
        ),
    )


# A few words per group, for badges in lists (the full wording is their tooltip).
SPECIAL_GROUP_SHORT: dict[str, Any] = {
    SpecialGroup.A: _("Mồ côi cha mẹ"),
    SpecialGroup.B: _("Bị bỏ rơi"),
    SpecialGroup.C: _("Không nơi nương tựa"),
    SpecialGroup.D: _("Khuyết tật"),
    SpecialGroup.DD: _("HIV/AIDS"),
    SpecialGroup.E: _("Vi phạm pháp luật"),
    SpecialGroup.G: _("Nghiện ma túy"),
    SpecialGroup.H: _("Bỏ học kiếm sống"),
    SpecialGroup.I: _("Bị bạo lực"),
    SpecialGroup.K: _("Bị bóc lột"),
    SpecialGroup.L: _("Bị xâm hại tình dục"),
    SpecialGroup.M: _("Bị mua bán"),
    SpecialGroup.N: _("Bệnh hiểm nghèo"),
    SpecialGroup.O: _("Di cư, lánh nạn"),
}


class AtRiskGroup(models.TextChoices):
    """Common "at risk" flags (free slugs are allowed; these are the usual ones)."""

    PARENT_ABSENT = "parent_absent", _("Cha, mẹ đi làm ăn xa, sống với ông bà, người thân")
    SINGLE_PARENT = "single_parent", _("Mồ côi cha hoặc mẹ")
    PARENT_IN_PRISON = "parent_in_prison", _("Cha hoặc mẹ đang chấp hành án phạt tù")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Gia đình có bạo lực")
    PARENT_DRUGS = "parent_drugs", _("Cha, mẹ nghiện ma túy")
    POOR_HOUSEHOLD = "poor_household", _("Hộ nghèo, có nguy cơ bỏ học")
    DROWNING = "drowning", _("Nguy cơ đuối nước")
    OTHER = "other", _("Nguy cơ khác")


# Decree 56/2017 sub-types, by group (slug -> label); groups without sub-types are absent.
SUBTYPES: dict[str, list[tuple[str, Any]]] = {
    "a": [
        ("both_dead", _("Cả cha và mẹ đều chết")),
        ("one_dead_other_missing", _("Cha hoặc mẹ chết, người kia mất tích hoặc không xác định")),
    ],
    "c": [
        ("parents_in_prison", _("Cha mẹ đang chấp hành án phạt tù")),
        ("parents_missing", _("Cha mẹ mất tích")),
        ("parents_unable", _("Cha mẹ mất năng lực hành vi dân sự")),
        ("other", _("Trường hợp khác")),
    ],
    "d": [
        ("especially_severe", _("Khuyết tật đặc biệt nặng")),
        ("severe", _("Khuyết tật nặng")),
        ("mild", _("Khuyết tật nhẹ")),
    ],
    "l": [
        ("rape", _("Hiếp dâm")),
        ("coerced_sex", _("Cưỡng dâm")),
        ("sexual_intercourse", _("Giao cấu")),
        ("molestation", _("Dâm ô")),
        ("prostitution_pornography", _("Mại dâm, khiêu dâm")),
    ],
    "k": [
        ("labour", _("Lao động trái quy định")),
        ("other", _("Hình thức bóc lột khác")),
    ],
}


class ChildCircumstance(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="circumstances")
    kind = models.CharField(_("loại"), max_length=10, choices=CircumstanceKind.choices)
    group = models.CharField(_("nhóm"), max_length=40)
    subtype = models.CharField(_("phân loại"), max_length=40, blank=True)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xác minh"),
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())  # see Child

    class Meta:
        verbose_name = _("hoàn cảnh của trẻ")
        verbose_name_plural = _("hoàn cảnh của trẻ")
        ordering = ["child", "kind", "group", "-start_date"]
        indexes = [
            models.Index(fields=["kind", "group", "end_date"], name="circ_kind_group_end_idx"),
            models.Index(fields=["child", "kind"], name="circ_child_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.group}"

    @property
    def is_ongoing(self) -> bool:
        return self.end_date is None or self.end_date >= dt.date.today()

    def group_label(self) -> str:
        if self.kind == CircumstanceKind.SPECIAL:
            return str(dict(SpecialGroup.choices).get(self.group, self.group))
        if self.kind == CircumstanceKind.AT_RISK:
            return str(dict(AtRiskGroup.choices).get(self.group, self.group))
        return self.group

    def subtype_label(self) -> str:
        return str(dict(SUBTYPES.get(self.group, [])).get(self.subtype, self.subtype))


class SupportKind(models.TextChoices):
    MONTHLY_ALLOWANCE = "monthly_allowance", _("Trợ cấp xã hội hằng tháng")
    HEALTH_INSURANCE = "health_insurance", _("Bảo hiểm y tế")
    EDUCATION = "education", _("Hỗ trợ giáo dục")
    MEDICAL = "medical", _("Chăm sóc y tế")
    REHABILITATION = "rehabilitation", _("Phẫu thuật chỉnh hình, phục hồi chức năng")
    COUNSELLING = "counselling", _("Tư vấn, trị liệu tâm lý")
    LEGAL_AID = "legal_aid", _("Trợ giúp pháp lý")
    GIFT = "gift", _("Quà tặng, học bổng")
    ALTERNATIVE_CARE = "alternative_care", _("Chăm sóc thay thế")
    OTHER = "other", _("Khác")


class SupportSource(models.TextChoices):
    STATE_BUDGET = "state_budget", _("Ngân sách nhà nước")
    CHILD_FUND = "child_fund", _("Quỹ Bảo trợ trẻ em")
    BUSINESS = "business", _("Doanh nghiệp")
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class Support(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="supports")
    kind = models.CharField(_("hình thức trợ giúp"), max_length=20, choices=SupportKind.choices)
    date = models.DateField(_("ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    amount = models.DecimalField(
        _("số tiền (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    source = models.CharField(_("nguồn"), max_length=20, choices=SupportSource.choices, blank=True)
    provider = models.CharField(_("đơn vị, người hỗ trợ"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trợ giúp")
        verbose_name_plural = _("trợ giúp")
        ordering = ["child", "-date", "-id"]
        indexes = [
            models.Index(fields=["child", "date"], name="support_child_date_idx"),
            models.Index(fields=["kind", "date"], name="support_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class ChildMove(models.Model):
    """A change of residence commune/village (the record travels with its history)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="moves")
    from_commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    from_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    to_commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("ngày chuyển"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyển nơi ở")
        verbose_name_plural = _("chuyển nơi ở")
        ordering = ["child", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.from_commune_id} -> {self.to_commune_id}"


class DistinctChildren(AreaOwned):
    """Two records an officer checked and found to be two children, though they share a
    name and a date of birth: the pair leaves the probable-duplicates page. Undone (it
    is never deleted), the pair comes back. `first` is the lower id."""

    first = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("xác nhận hai trẻ khác nhau")
        verbose_name_plural = _("xác nhận hai trẻ khác nhau")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"],
                condition=Q(undone_at__isnull=True),
                name="distinct_children_once",
            ),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="distinct_children_order"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} ≠ #{self.second_id}"
