"""python manage.py import_children FILE --area CODE [--dry-run] [--json] [--valid-only]"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from treem.core.models import Area, AreaLevel
from treem.registry.importing import children_import


class Command(BaseCommand):
    help = "Nhập danh sách trẻ em của một xã từ tệp Excel (.xlsx, .xls, .ods) hoặc .csv."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--area", required=True, help="Mã xã, phường (ví dụ 13891)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Ghi các dòng hợp lệ, bỏ qua các dòng lỗi (mặc định: có lỗi thì không ghi gì)",
        )
        parser.add_argument(
            "--user", default=None, help="Tên đăng nhập người nhập (mặc định: quản trị hệ thống)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        commune = (
            Area.objects.current().filter(level=AreaLevel.COMMUNE).filter(key=opts["area"]).first()
        ) or Area.objects.current().filter(level=AreaLevel.COMMUNE, code=opts["area"]).first()
        if commune is None:
            raise CommandError(f"Không có xã, phường mã {opts['area']}.")
        User = get_user_model()
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {opts['user']}.")
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError("Cần --user (chưa có tài khoản quản trị hệ thống).")
        try:
            result = children_import(
                actor=actor,
                commune=commune,
                file=opts["file"],
                mode="valid_only" if opts["valid_only"] else "all_or_nothing",
                dry_run=opts["dry_run"],
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            for p in result.errors:
                where = f"Dòng {p.row}, cột “{p.column}”" if p.row else "Tệp"
                value = f" (“{p.value}”)" if p.value else ""
                self.stdout.write(f"{where}{value}: {p.message}")
            for d in result.duplicates:
                self.stdout.write(f"Dòng {d.row}: có thể trùng ({d.kind}) với {d.matches}")
            state = "đã ghi" if result.committed else "chưa ghi"
            self.stdout.write(
                f"{result.rows} dòng: thêm {result.created}, cập nhật {result.updated}, "
                f"{len(result.errors)} lỗi, {len(result.duplicates)} trùng — {state}."
            )
        if result.errors and not result.committed:
            raise SystemExit(1)
