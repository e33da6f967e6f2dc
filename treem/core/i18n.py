"""The language of records: the files TreEm makes (exports, import templates, the error
workbook of an import, official documents in Word) are in the system's language,
Vietnamese, whatever language the user reads the pages in. An export is read back by the
importer, which knows the Vietnamese headers and values; a report, a plan or a case form
is filed and sent on as the administration writes it. The pages follow the reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def record_language() -> Iterator[None]:
    """The block runs in the language records are made in."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_record_language(view: F) -> F:
    """A view that answers with a record (a file to download): made in the language
    records are made in."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with record_language():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
