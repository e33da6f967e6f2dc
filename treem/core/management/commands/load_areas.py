import time

from django.core.management.base import BaseCommand

from treem.core.areas_loader import load_areas
from treem.core.models import Area, AreaLevel


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị hành chính hiện hành và trước 01/07/2025 (chạy lại nhiều lần an toàn)."
    )

    def handle(self, *args: object, **options: object) -> None:
        start = time.perf_counter()
        result = load_areas()
        current = Area.objects.filter(valid_to__isnull=True)
        self.stdout.write(
            f"Tạo mới {result.created}, cập nhật {result.updated}, "
            f"{result.successor_links} liên kết kế thừa; "
            f"hiện hành: {current.filter(level=AreaLevel.PROVINCE).count()} tỉnh, "
            f"{current.filter(level=AreaLevel.COMMUNE).count()} xã/phường/đặc khu; "
            f"trước 2025: {Area.objects.legacy().filter(level=AreaLevel.PROVINCE).count()} tỉnh, "
            f"{Area.objects.legacy().filter(level=AreaLevel.DISTRICT).count()} huyện, "
            f"{Area.objects.legacy().filter(level=AreaLevel.COMMUNE).count()} xã "
            f"({time.perf_counter() - start:.1f} giây)."
        )
