"""Archive the children who have turned 16 (run daily from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from treem.registry.services import children_age_out


class Command(BaseCommand):
    help = "Lưu trữ hồ sơ các trẻ đã đủ 16 tuổi."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", help="Ngày tính tuổi (yyyy-mm-dd), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        on = dt.date.fromisoformat(options["on"]) if options.get("on") else None
        count = children_age_out(on=on)
        self.stdout.write(f"Đã lưu trữ {count} hồ sơ trẻ đủ 16 tuổi.")
