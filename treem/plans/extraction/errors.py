"""Errors raised while reading a plan document; their messages are shown to users."""

from __future__ import annotations


class ExtractionError(Exception):
    """A document that cannot be read; ``str(exc)`` is a Vietnamese message for the user."""


class UnsupportedFormatError(ExtractionError):
    pass


class UnreadableDocumentError(ExtractionError):
    pass


class ScannedDocumentError(ExtractionError):
    pass
