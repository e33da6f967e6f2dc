"""Excel/CSV import of a commune's children (see `service.children_import`)."""

from treem.registry.importing.service import (
    MODES,
    Duplicate,
    ImportResult,
    Problem,
    children_import,
)

__all__ = ["MODES", "Duplicate", "ImportResult", "Problem", "children_import"]
