"""Errors the services raise that their callers tell apart from other invalid input."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """Someone else saved the record since the user loaded it: nothing was written. Pages
    show the message like any other; the API answers 409 instead of 422."""
