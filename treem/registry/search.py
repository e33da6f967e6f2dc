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
  matches a caregiver's name (words of several caregivers count together).

On SQLite the column is a text " an nguyen van ~lan ~tran " searched with LIKE.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db import connection
from django.db.models import Q

from treem.core.text import fold

CAREGIVER = "~"
PAIR = "|"
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


def search_words_for(child_folded: str, caregivers_folded: Iterable[str] = ()) -> list[str]:
    """`Child.search_words` for a child's folded name and its caregivers' folded names."""
    keys = list(_keys(child_folded))
    carers = [c for c in caregivers_folded if c]
    if len(carers) == 1:
        keys.extend(_keys(carers[0], CAREGIVER))
    elif carers:
        keys.extend(dict.fromkeys(k for name in carers for k in _keys(name, CAREGIVER)))
    return keys


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

    def text(self, child_folded: str, caregivers_folded: list[str]) -> str:
        child = self._part(child_folded, "")
        carers = [c for c in caregivers_folded if c]
        parts = [child]
        parts.extend(self._part(c, CAREGIVER) for c in carers)
        seen: frozenset[str] = frozenset()
        texts = []
        for i, part in enumerate(parts):
            if part is None or (i > 1 and not seen.isdisjoint(part[1])):
                # a key to quote, or caregivers sharing words (stored once): in general
                return _copy_text(tuple(search_words_for(child_folded, carers)))
            if i:
                seen = seen | part[1]
            if part[0]:
                texts.append(part[0])
        return "{" + ",".join(texts) + "}"


def _copy_text(words: tuple[str, ...]) -> str:
    # imported here: the importing package imports the models, which import this module
    from treem.registry.importing.writing import copy_field

    return copy_field(words)


def plain_words(keys: Iterable[str]) -> set[str]:
    """The vocabulary words in a list of keys (no pairs, no caregiver mark)."""
    return {k.lstrip(CAREGIVER) for k in keys if PAIR not in k}


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
    for pk, folded, stored in Child.objects.filter(pk__in=ids).values_list(
        "pk", "name_folded", "search_words"
    ):
        words = search_words_for(folded, names[pk])
        vocabulary |= plain_words(words)
        if list(stored or []) != _stored_form(words):
            Child.objects.filter(pk=pk).update(search_words=words)
    vocabulary_add(vocabulary)


def _stored_form(words: list[str]) -> list[str]:
    """What the database gives back for `words` (SQLite keeps no pairs)."""
    if connection.vendor == "postgresql":
        return words
    return [w for w in words if PAIR not in w]


# --------------------------------------------------------------------------- queries


def _expand(words: list[str]) -> list[list[str]]:
    """For each typed word, the vocabulary words it starts (one query)."""
    from treem.registry.models import NameWord

    cond = Q()
    for w in set(words):
        cond |= Q(word__startswith=w)
    known = list(NameWord.objects.filter(cond).values_list("word", flat=True))
    return [sorted(v for v in known if v.startswith(w)) for w in words]


def _pg_words_q(typed: list[str], sets: list[list[str]], mark: str) -> Q:
    """Every typed word matches (all on the child's name, or all on caregivers' names)."""
    cond = Q()
    if len(typed) == 1:
        return Q(search_words__overlap=[mark + w for w in sets[0]])
    # Cover every word with pairs (1,2), (3,4), ... and (n-1, n) when n is odd.
    idx = list(range(0, len(typed) - 1, 2))
    pairs = [(i, i + 1) for i in idx]
    if len(typed) % 2:
        pairs.append((len(typed) - 2, len(typed) - 1))
    for i, j in pairs:
        a, b = sets[i], sets[j]
        if len(a) * len(b) > MAX_PAIR_KEYS:
            cond &= Q(search_words__overlap=[mark + w for w in a])
            cond &= Q(search_words__overlap=[mark + w for w in b])
            continue
        keys = {
            mark + (f"{x}{PAIR}{y}" if x < y else f"{y}{PAIR}{x}") for x in a for y in b if x != y
        }
        # one stored word that both typed words start ("a", "an" -> "anh")
        keys |= {mark + x for x in set(a) & set(b)}
        cond &= Q(search_words__overlap=sorted(keys))
    return cond


def words_search_q(q: str) -> Q | None:
    """The condition for a typed name (None when there is nothing to search for)."""
    typed = fold(q).split()
    if not typed:
        return None
    if connection.vendor != "postgresql":
        child = Q()
        carer = Q()
        for w in typed:
            child &= Q(search_words__contains=" " + w)
            carer &= Q(search_words__contains=" " + CAREGIVER + w)
        return child | carer
    sets = _expand(typed)
    if any(not s for s in sets):
        return Q(pk__in=[])
    return _pg_words_q(typed, sets, "") | _pg_words_q(typed, sets, CAREGIVER)
