import importlib
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from treem.core import demo
from treem.core.models import Area

# Order matters: each app's demo builds on the ones before it.
DEMO_APPS = ["registry", "cases", "plans", "programs", "reports"]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (tổng hợp, không có dữ liệu thật); chạy lại nhiều lần an toàn."

    def handle(self, *args: object, **options: object) -> None:
        start = time.perf_counter()
        if not Area.objects.filter(key=demo.COMMUNE_KEY).exists():
            call_command("load_areas", stdout=self.stdout)
        with transaction.atomic():
            ctx = demo.seed(stdout=self.stdout)
        for app in DEMO_APPS:
            module = importlib.import_module(f"treem.{app}.demo")
            with transaction.atomic():
                module.seed(ctx, stdout=self.stdout)
        self.stdout.write(
            f"Dữ liệu mẫu sẵn sàng ({time.perf_counter() - start:.1f} giây). "
            f"Đăng nhập: admin, tinh, nghiahung, lanhdao, ctv, xakhac, yte / {demo.DEMO_PASSWORD}"
        )
