"""Import and export routes of the registry (kept apart from the record pages)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
