"""Reference data that data migrations load (roles, ethnic groups, holidays, indicators).

Transactional tests (browser tests with a live server) end with a flush that empties every
table, data-migration rows included; `restore()` puts them back, idempotently.
"""

from __future__ import annotations


def restore() -> None:
    from treem.cases.holidays import HOLIDAYS
    from treem.core.models import PublicHoliday
    from treem.core.roles import roles_sync
    from treem.registry.ethnicities import ethnicities_sync
    from treem.reports.catalogue import seed_indicators
    from treem.reports.models import Indicator

    roles_sync()
    ethnicities_sync()
    for date, name, _source in HOLIDAYS:
        PublicHoliday.objects.get_or_create(date=date, defaults={"name": name})
    seed_indicators(Indicator)


def missing() -> bool:
    from treem.core.models import Role

    return not Role.objects.exists()
