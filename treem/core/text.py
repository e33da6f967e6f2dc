"""Vietnamese text helpers: normalisation, folding for search, collation keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def clean(value: object) -> str:
    """NFC-normalise, turn non-breaking spaces into spaces, collapse and strip spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").replace("\u200b", "")
    return _SPACES.sub(" ", text).strip()


def fold(value: object) -> str:
    """Lower-case, diacritic-free form for search: "Nguyễn Văn Ấn" -> "nguyen van an"."""
    text = clean(value).lower().replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", re.sub(r"[^\w\s]", " ", stripped)).strip()


def fold_tokens_sorted(value: object) -> str:
    """Folded words in sorted order, so word order does not matter ("An Nguyen")."""
    return " ".join(sorted(fold(value).split()))


def title_case(value: object) -> str:
    """Title-case a Vietnamese name typed in upper or lower case: "NGUYỄN VĂN AN"."""
    words = clean(value).split(" ")
    return " ".join(w[:1].upper() + w[1:].lower() for w in words if w)


def _letter_key(ch: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    base = decomposed[0]
    tone = 0
    marks = ""
    for mark in decomposed[1:]:
        if mark in _TONE_MARKS:
            tone = _TONE_MARKS[mark]
        elif mark in _BASE_MARKS:
            marks += mark
    letter = unicodedata.normalize("NFC", base + marks)
    if ch.lower() == "đ":
        letter = "đ"
    idx = _VI_ALPHABET.find(letter)
    if idx < 0:
        return (100 + ord(letter[0]) if letter else 0, tone)
    return (idx, tone)


def collation_key(value: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese alphabetical order (a < ă < â < b ... d < đ), tones second."""
    text = clean(value)
    letters = [_letter_key(ch) for ch in text if not ch.isspace()]
    return (tuple(k[0] for k in letters), tuple(k[1] for k in letters))


def name_sort_key(full_name: str) -> tuple[object, ...]:
    """Vietnamese order for people: by given name (last word), then the rest of the name."""
    words = clean(full_name).split(" ")
    given = words[-1] if words else ""
    return (collation_key(given), collation_key(" ".join(words[:-1])))


def collation_string(value: object) -> str:
    """A plain string whose byte order is Vietnamese order (for a DB sort column)."""
    primary, tones = collation_key(value)
    return "".join(chr(0x21 + p) if p < 100 else chr(0x21 + min(p, 0x7E)) for p in primary) + (
        "|" + "".join(str(t) for t in tones)
    )
