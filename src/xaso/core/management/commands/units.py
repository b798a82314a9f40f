from django.core.management.base import BaseCommand

from xaso.core.services import sync_administrative_units


class Command(BaseCommand):
    help = "Nạp/cập nhật danh mục tỉnh và xã/phường/đặc khu từ gói vietnam-provinces."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync"], nargs="?", default="sync")

    def handle(self, *args, **options):
        created, updated = sync_administrative_units()
        self.stdout.write(f"Đơn vị hành chính: {created} mới, {updated} cập nhật.")
