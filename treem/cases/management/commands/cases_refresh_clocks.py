"""Recompute the deadlines of open cases (run after correcting the holiday calendar)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from treem.cases.services import cases_refresh_clocks


class Command(BaseCommand):
    help = "Tính lại thời hạn của các vụ việc đang xử lý (sau khi sửa lịch ngày nghỉ lễ)."

    def handle(self, *args: Any, **options: Any) -> None:
        n = cases_refresh_clocks()
        self.stdout.write(f"Đã tính lại thời hạn của {n} vụ việc.")
