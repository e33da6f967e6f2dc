"""How TreEm's connections to PostgreSQL are set up."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_statements_are_not_compiled_with_jit() -> None:
    """The pages reading a province (its dashboard, its data-quality counts) run
    statements PostgreSQL costs high, and its JIT compiled them for longer than they ran
    (2.3 s of compiling in the 5.8 s of a province's data-quality counts)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
