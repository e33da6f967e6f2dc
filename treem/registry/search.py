"""Name search: the words a child is found by, and the condition for a typed query.

Every child row stores `search_words`: the folded words of its name, the words of its
(not removed) caregivers' names marked with "~", and, on PostgreSQL, every sorted pair of
a name's words ("an|nguyen"). One GIN index on that text[] column answers a search:

- a typed word must start a word of the name ("an" finds "An" and "Anh", not "Lan"); the
  small vocabulary table (`NameWord`) turns a typed word into the stored words it starts;
- two typed words are looked up as pairs: the posting list of "an|nguyen" holds a few
  hundred children where "nguyen" alone holds a third of a province, so the index scan
  and the rows read for the sort stay small;
- a search matches when every typed word matches the child's name, or every typed word
  matches a caregiver's name: one caregiver's, since two typed words are a pair of one
  name ("thi an" does not find a child whose mother is "Trần Thị Lan" and father "Đỗ
  Anh Hưng"), unless the pair would expand to too many keys (`MAX_PAIR_KEYS`), when
  each word is looked up alone;
- one more key, the child's sort bucket ("@21": the first character of `name_sort`,
  i.e. the first letter of the given name), lets a search above a commune read its
  first page bucket by bucket in name order (`ChildQuerySet.in_bucket_rounds`): the
  first 50 of 7,000 matches come from the few hundred in the first buckets instead of
  all 7,000 rows read and sorted.

On SQLite the column is a text " an nguyen van ~lan ~tran ~lan|tran " searched with LIKE:
the words of the child's name (typed words as their beginnings), its caregivers' words and
their pairs (as exact keys, so that a search finds the same children as on PostgreSQL).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import or_

from django.db import connection
from django.db.models import Q

from treem.core.text import fold

CAREGIVER = "~"
PAIR = "|"
BUCKET = "@"
# A pair condition from two typed words expands to |V1| x |V2| keys; past this many,
# the two words are looked up one by one instead.
MAX_PAIR_KEYS = 200


@lru_cache(maxsize=100_000)
def _keys(folded: str, mark: str = "") -> tuple[str, ...]:
    """The keys of one folded name: its words, then its sorted word pairs (cached: an
    import or a village repeats the same names and surnames many times)."""
    words = sorted(set(folded.split()))
    pairs = [f"{a}{PAIR}{b}" for i, a in enumerate(words) for b in words[i + 1 :]]
    return tuple(mark + k for k in (*words, *pairs))


# `name_sort` starts with the given name's first letter as one character from U+0021
# (see treem/core/text.py `collation_string`), or a space for an empty given name.
_FIRST, _LAST = 0x20, 0x9F


def sort_bucket(name_sort: str) -> str:
    """The sort-bucket key of a child: its `name_sort`'s first character, in hex. Every
    child of a lower bucket sorts before every child of a higher one (`name_sort` is
    compared byte by byte; a character outside the expected range joins the nearest
    end bucket, which keeps the order of the rounds below)."""
    code = ord(name_sort[0]) if name_sort else _FIRST
    return f"{BUCKET}{min(max(code, _FIRST), _LAST):02x}"


def _name_keys(child_folded: str, caregivers_folded: Iterable[str]) -> list[str]:
    """The keys of a child's name and of its caregivers' names (shared words once)."""
    keys = list(_keys(child_folded))
    carers = [c for c in caregivers_folded if c]
    if len(carers) == 1:
        keys.extend(_keys(carers[0], CAREGIVER))
    elif carers:
        keys.extend(dict.fromkeys(k for name in carers for k in _keys(name, CAREGIVER)))
    return keys


def search_words_for(
    child_folded: str, caregivers_folded: Iterable[str] = (), *, name_sort: str
) -> list[str]:
    """`Child.search_words` for a child's folded name, its caregivers' folded names and
    its `name_sort` (for the sort bucket)."""
    return [*_name_keys(child_folded, caregivers_folded), sort_bucket(name_sort)]


class SearchWordsText:
    """`search_words_for(child, caregivers)` as PostgreSQL COPY text ("{an,an|nguyen,…}"),
    for rows written in bulk: each name's keys are joined once, and a row joins its
    child's and caregivers' parts (the same text `writing.copy_field` gives for the list;
    tests/registry/test_import_quick.py pins it)."""

    def __init__(self) -> None:
        # folded name (and mark) -> (its keys joined with ",", the keys as a set), or
        # None when a key needs quoting in an array (the general formatter then runs)
        self._parts: dict[tuple[str, str], tuple[str, frozenset[str]] | None] = {}

    def _part(self, folded: str, mark: str) -> tuple[str, frozenset[str]] | None:
        key = (folded, mark)
        try:
            return self._parts[key]
        except KeyError:
            keys = _keys(folded, mark)
            plain = all(
                k
                and k.isascii()
                and k.replace(PAIR, "").lstrip(CAREGIVER).isalnum()
                and k.lower() != "null"
                for k in keys
            )
            found = self._parts[key] = (",".join(keys), frozenset(keys)) if plain else None
            return found

    def text(self, child_folded: str, caregivers_folded: list[str], bucket: str) -> str:
        """The COPY text of `search_words_for(child_folded, caregivers_folded, ...)` for a
        child whose `sort_bucket` is `bucket`."""
        child = self._part(child_folded, "")
        carers = [c for c in caregivers_folded if c]
        parts = [child]
        parts.extend(self._part(c, CAREGIVER) for c in carers)
        seen: frozenset[str] = frozenset()
        texts = []
        for i, part in enumerate(parts):
            if part is None or (i > 1 and not seen.isdisjoint(part[1])):
                # a key to quote, or caregivers sharing words (stored once): in general
                return _copy_text((*_name_keys(child_folded, carers), bucket))
            if i:
                seen = seen | part[1]
            if part[0]:
                texts.append(part[0])
        texts.append(bucket)
        return "{" + ",".join(texts) + "}"


def _copy_text(words: tuple[str, ...]) -> str:
    # imported here: the importing package imports the models, which import this module
    from treem.registry.importing.writing import copy_field

    return copy_field(words)


def plain_words(keys: Iterable[str]) -> set[str]:
    """The vocabulary words in a list of keys (no pairs, no bucket, no caregiver mark)."""
    return {k.lstrip(CAREGIVER) for k in keys if PAIR not in k and not k.startswith(BUCKET)}


def vocabulary_add(words: Iterable[str]) -> None:
    """Record words in the search vocabulary (existing ones are left alone)."""
    from treem.registry.models import NameWord

    new = sorted({w for w in words if w and len(w) <= 60})
    if new:
        NameWord.objects.bulk_create(
            [NameWord(word=w) for w in new], ignore_conflicts=True, batch_size=2000
        )


def search_words_refresh(child_ids: Iterable[int]) -> None:
    """Recompute `search_words` of these children from their names and caregivers (after a
    caregiver is added, changed or removed, or records are merged)."""
    from treem.registry.models import Caregiver, Child

    ids = sorted({int(i) for i in child_ids})
    if not ids:
        return
    names: dict[int, list[str]] = {i: [] for i in ids}
    for child_id, folded in Caregiver.objects.filter(
        child_id__in=ids, removed_at__isnull=True
    ).values_list("child_id", "name_folded"):
        names[child_id].append(folded)
    vocabulary: set[str] = set()
    for pk, folded, name_sort, stored in Child.objects.filter(pk__in=ids).values_list(
        "pk", "name_folded", "name_sort", "search_words"
    ):
        words = search_words_for(folded, names[pk], name_sort=name_sort)
        vocabulary |= plain_words(words)
        if list(stored or []) != _stored_form(words):
            Child.objects.filter(pk=pk).update(search_words=words)
    vocabulary_add(vocabulary)


def sqlite_search_words(words: list[str]) -> list[str]:
    """The keys SQLite stores: no sort bucket and no pairs of the child's own name (its
    words are matched by their beginnings), the caregivers' pairs kept (a search of two
    words asks them of one caregiver's name, as on PostgreSQL)."""
    return [w for w in words if not w.startswith(BUCKET) and (PAIR not in w or w[:1] == CAREGIVER)]


def _stored_form(words: list[str]) -> list[str]:
    """What the database gives back for `words` (`sqlite_search_words` on SQLite)."""
    if connection.vendor == "postgresql":
        return words
    return sqlite_search_words(words)


# --------------------------------------------------------------------------- queries


def _expand(words: list[str]) -> list[list[str]]:
    """For each typed word, the vocabulary words it starts (one query, written out: built
    with the ORM it cost a search half a millisecond more than its execution)."""
    from treem.registry.models import NameWord

    prefixes = sorted(set(words))
    table = connection.ops.quote_name(NameWord._meta.db_table)
    column = connection.ops.quote_name(NameWord._meta.get_field("word").column)
    # one LIKE per typed word (each answered by the prefix index), wildcards escaped as
    # Django escapes them
    like = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _w in prefixes)
    params = [connection.ops.prep_for_like_query(w) + "%" for w in prefixes]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {like}", params)  # noqa: S608
        known = [row[0] for row in cursor.fetchall()]
    return [sorted(v for v in known if v.startswith(w)) for w in words]


def _key_groups(
    typed: list[str], sets: list[list[str]], mark: str
) -> tuple[list[list[str]], list[list[str]]]:
    """The key groups of one side (the child's name, or its caregivers' names): a child
    matches when its words hold a key of every group. Also, for the estimate, the keys
    of each typed word that two groups both ask for (the middle word of an odd count:
    "quach anh an" asks quach × anh and anh × an)."""
    if len(typed) == 1:
        return [[mark + w for w in sets[0]]], []
    groups = []
    # Cover every word with pairs (1,2), (3,4), ... and (n-1, n) when n is odd.
    idx = list(range(0, len(typed) - 1, 2))
    pairs = [(i, i + 1) for i in idx]
    if len(typed) % 2:
        pairs.append((len(typed) - 2, len(typed) - 1))
    for i, j in pairs:
        a, b = sets[i], sets[j]
        if len(a) * len(b) > MAX_PAIR_KEYS:
            groups.append([mark + w for w in a])
            groups.append([mark + w for w in b])
            continue
        keys = {
            mark + (f"{x}{PAIR}{y}" if x < y else f"{y}{PAIR}{x}") for x in a for y in b if x != y
        }
        # one stored word that both typed words start ("a", "an" -> "anh")
        keys |= {mark + x for x in set(a) & set(b)}
        groups.append(sorted(keys))
    covered = [i for pair in pairs for i in pair]
    shared = [[mark + w for w in sets[i]] for i in set(covered) if covered.count(i) > 1]
    return groups, shared


@dataclass(frozen=True)
class WordsSearch:
    """A typed name as a condition, and (PostgreSQL) the key groups it is made of: one
    list of groups for the child's name, one for its caregivers' names."""

    cond: Q
    sides: tuple[list[list[str]], ...] = ()
    # per side, the keys of each typed word two of its groups share (`_key_groups`)
    shared: tuple[list[list[str]], ...] = ()

    def estimated_matches(self) -> float:
        """How many children the search matches, from PostgreSQL's statistics of the
        keys: a key among the most common has its frequency, any other half the least
        common one's. The key groups of a side are taken as independent (as PostgreSQL's
        planner estimates them) except through a typed word two of them share: given
        that word they are ("quach anh an": P(quach|anh) × P(anh|an) / P(anh); as a
        plain product, 193 of 3,068 matches, and all 3,068 read whole instead of by
        sort bucket), when that word is among the most common keys; 0 without
        statistics."""
        stats = key_stats()
        if stats is None or not self.sides:
            return 0.0

        def freq(keys: list[str]) -> float:
            return min(1.0, sum(stats.freqs.get(k, stats.rare) for k in keys))

        def given(keys: list[str]) -> float:  # a rare word's frequency is a guess: none
            return freq(keys) if all(k in stats.freqs for k in keys) else 1.0

        total = 0.0
        shared = self.shared or tuple([] for _side in self.sides)
        for groups, words in zip(self.sides, shared, strict=True):
            both = math.prod(freq(g) for g in groups) / math.prod(given(w) for w in words)
            total += min(both, min(freq(g) for g in groups))
        return total * stats.rows


def words_search_q(q: str) -> Q | None:
    """The condition for a typed name (None when there is nothing to search for)."""
    search = words_search(q)
    return search.cond if search is not None else None


def words_search(q: str) -> WordsSearch | None:
    """The search for a typed name (None when there is nothing to search for)."""
    # A word typed twice asks nothing more (each typed word must start some word of the
    # name, not a different one each): "dinh phuong phuong" is "dinh phuong", one pair
    # key, not also "phuong" alone (tens of thousands of children; measured 20 ms).
    typed = list(dict.fromkeys(fold(q).split()))
    if not typed:
        return None
    if connection.vendor != "postgresql":
        child = Q()
        for w in typed:
            child &= Q(search_words__contains=" " + w)
        if len(typed) == 1:
            return WordsSearch(child | Q(search_words__contains=" " + CAREGIVER + typed[0]))
        sets = _expand(typed)
        if any(not s for s in sets):
            return WordsSearch(child)
        # the caregivers' side as on PostgreSQL: its key groups, each key stored whole
        carer = Q()
        for keys in _key_groups(typed, sets, CAREGIVER)[0]:
            carer &= reduce(or_, (Q(search_words__contains=f" {k} ") for k in keys))
        return WordsSearch(child | carer)
    sets = _expand(typed)
    if any(not s for s in sets):
        return WordsSearch(Q(pk__in=[]))
    child_groups, child_shared = _key_groups(typed, sets, "")
    carer_groups, carer_shared = _key_groups(typed, sets, CAREGIVER)
    sides = (child_groups, carer_groups)
    cond = Q()
    for groups in sides:
        side = Q()
        for keys in groups:
            side &= Q(search_words__overlap=keys)
        cond |= side
    return WordsSearch(cond, sides, (child_shared, carer_shared))


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class KeyStats:
    """PostgreSQL's statistics of `registry_child.search_words`: the frequency of its
    most common keys (the sort buckets among them) and the table's row count."""

    rows: float
    freqs: dict[str, float]
    rare: float  # the frequency of a key not among the most common


_STATS_TTL = 600.0  # seconds: ANALYZE (autovacuum) refreshes them about as often
_stats: dict[str, tuple[KeyStats | None, float]] = {}  # database name -> (stats, read at)


def key_stats() -> KeyStats | None:
    """The statistics, read at most every ten minutes per process (None on SQLite or
    before the table is analysed)."""
    if connection.vendor != "postgresql":
        return None
    now = time.monotonic()
    name = str(connection.settings_dict["NAME"])
    cached = _stats.get(name)
    if cached is not None and now - cached[1] < _STATS_TTL:
        return cached[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'search_words' AND s.schemaname = current_schema() "
            "WHERE c.oid = 'registry_child'::regclass"
        )
        row = cursor.fetchone()
    found = None
    if row is not None and row[1] and row[0] > 0:
        freqs = dict(zip(row[1], row[2], strict=False))
        found = KeyStats(float(row[0]), freqs, min(freqs.values()) / 2)
    _stats[name] = (found, now)
    return found


def forget_key_stats() -> None:
    """Read the statistics again at the next search (tests, after ANALYZE)."""
    _stats.clear()


# The first page (or any slice) of a search that likely matches more children than this
# is read bucket by bucket; a rarer one is read whole and sorted. (1,500 before the
# second bucket round made a first round's miss cheap; measured on the 1 M children of
# bench/bench_registry_search.py, province officer, p95 of the first page, 3 runs each:
# 1,500: 15.6-15.7 ms; 600: 9.6-14.4 ms; 300: 10.1-13.8 ms.)
ROUNDS_ABOVE = 600


def first_round(estimate: float, needed: int) -> tuple[tuple[str, ...], str] | None:
    """For a search matching about `estimate` children, of which the first `needed` in
    name order are wanted: the sort buckets to read first (the fewest from the start
    expected to hold twice `needed`) and the first `name_sort` character after them;
    None when the search is better read whole."""
    if estimate < ROUNDS_ABOVE or needed * 4 > estimate:
        return None
    return bucket_round(estimate, chr(_FIRST), needed)


def bucket_round(estimate: float, start: str, needed: int) -> tuple[tuple[str, ...], str] | None:
    """The sort buckets from the one of `start` (a `name_sort` character) expected to
    hold twice `needed` of the `estimate` matches, and the first character after them;
    None without statistics or when all the later buckets would be needed."""
    stats = key_stats()
    if stats is None:
        return None
    share = 0.0
    keys: list[str] = []
    for code in range(max(ord(start), _FIRST), _LAST):
        key = f"{BUCKET}{code:02x}"
        keys.append(key)
        share += stats.freqs.get(key, 0.0)
        if share * estimate >= 2 * needed:
            return tuple(keys), chr(code + 1)
    return None


def second_round(
    estimate: float, first: tuple[str, ...], found: int, after: str, needed: int
) -> tuple[tuple[str, ...], str] | None:
    """After a first round (`first`, its buckets) found `found` rows, fewer than wanted:
    the next buckets expected to hold twice the `needed` rows still wanted, with the
    estimate corrected by what the first round found against what it expected (a name
    whose matches sort late: "Hồ Phúc", 3,600 matches, found 48 of 50 in its first
    buckets; the rest of them all read was ~3,600 heap pages); None to read the rest."""
    stats = key_stats()
    if stats is None:
        return None
    expected = sum(stats.freqs.get(k, 0.0) for k in first) * estimate
    corrected = estimate * max(found, 0.5) / expected if expected > 0 else estimate
    return bucket_round(corrected, after, needed)
