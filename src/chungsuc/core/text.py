"""Vietnamese text utilities: search with or without diacritics.

Official names keep their diacritics ("Thoại Sơn", "Đa Phước"); people type "thoai son" or
"Da Phuoc". `fold` maps both to the same key: lowercase, tone and vowel marks removed, đ → d,
whitespace collapsed. Store `fold(name)` in an indexed column and compare it with `fold(query)`;
that works the same on SQLite and PostgreSQL (no unaccent extension needed).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: object) -> str:
    """'  Thoại  SƠN ' → 'thoai son'; 'Đa Phước' → 'da phuoc'. None → ''."""
    if text is None:
        return ""
    value = str(text).translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).casefold()).strip()


def normalize(text: object) -> str:
    """Keep diacritics but make the text comparable: NFC (one code point per letter), spaces collapsed.

    Vietnamese text pasted from Word or typed with some keyboards arrives decomposed (NFD) or with
    combining tone marks; two visually identical names then differ byte-wise.
    """
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def search_terms(query: object) -> list[str]:
    """The folded words of a search query, in order, without repeats."""
    return list(dict.fromkeys(fold(query).split()))


def matches(query: object, text: object) -> bool:
    """True when every word of `query` occurs in `text`, ignoring case and diacritics."""
    haystack = fold(text)
    return all(term in haystack for term in search_terms(query))


def folded_q(field: str, query: object):
    """A Q object for a column that stores `fold(...)` of a name: every query word must occur in it.

    `Unit.objects.filter(folded_q("search_text", "thoai son"))`.
    """
    from django.db.models import Q

    q = Q()
    for term in search_terms(query):
        q &= Q(**{f"{field}__contains": term})
    return q


def fmt_number(value, max_decimals: int = 2, *, fixed: bool = False) -> str:
    """A number as the Vietnamese locale writes it: "1.234,5" (dot groups thousands, comma before the
    decimals, trailing zeros dropped unless `fixed`: 80 with 1 digit is "80,0"). Years and codes are
    not numbers to format: do not pass them."""
    from django.utils.formats import get_format
    from django.utils.numberformat import format as number_format

    number = round(float(value), max_decimals)
    decimals = (
        max_decimals if fixed else next(d for d in range(max_decimals + 1) if round(number, d) == number)
    )
    return number_format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
