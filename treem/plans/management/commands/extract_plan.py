"""``python manage.py extract_plan FILE``: print the plan-extraction JSON of a plan document."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from treem.plans.extraction import ExtractionError, extract_plan


class Command(BaseCommand):
    help = "Đọc một kế hoạch (.txt, .docx hoặc .pdf có lớp chữ) và in ra JSON đã trích xuất."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="đường dẫn tệp kế hoạch (.txt, .docx, .pdf)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = extract_plan(options["file"])
        except ExtractionError as exc:
            # Written to the byte stream so the Vietnamese message survives any locale.
            sys.stderr.buffer.write(f"Lỗi: {exc}\n".encode())
            sys.stderr.flush()
            sys.exit(1)
        sys.stdout.buffer.write(json.dumps(plan, ensure_ascii=False, indent=1).encode("utf-8"))
        sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
