"""``xaso demo``: migrate, collect static files, seed a synthetic ward once, print the demo
logins and serve. A second run keeps the data and starts in seconds."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from xaso.core.models import ResidentialGroup
from xaso.core.seed import DEMO_LOGINS, DEMO_PASSWORD, MAIN_COMMUNE


class Command(BaseCommand):
    help = "Cài đặt và chạy một phường mẫu với dữ liệu tổng hợp."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="chỉ chuẩn bị dữ liệu")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, no_serve, port, host, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not ResidentialGroup.objects.filter(unit__code=MAIN_COMMUNE).exists():
            self.stdout.write("Đang sinh dữ liệu mẫu cho phường Xuân Đỉnh (một lần)…")
            call_command("seed", scale="ward", seed=1)
        else:
            self.stdout.write("Dữ liệu mẫu đã có — giữ nguyên.")
        self.stdout.write("")
        self.stdout.write(f"  Mở http://{host}:{port}/ và đăng nhập (mật khẩu: {DEMO_PASSWORD})")
        for username, who in DEMO_LOGINS:
            self.stdout.write(f"    {username:<15} {who}")
        self.stdout.write(
            f"  Người dân (không cần đăng nhập): http://{host}:{port}/phan-anh/"
            f" — gửi và tra cứu phản ánh; Open311: http://{host}:{port}/open311/"
        )
        self.stdout.write(f"  Dữ liệu: {settings.DATA_DIR}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", port=port, host=host)
