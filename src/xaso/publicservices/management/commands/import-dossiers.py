"""``xaso import-dossiers FILE --unit CODE``: the dossier import of the web page (a file
exported from the province's one-stop system, .xlsx or .csv), with a progress line."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xaso.core.models import AdministrativeUnit, User
from xaso.publicservices.services.dossier_import import import_dossiers


class Command(BaseCommand):
    help = (
        "Nhập hồ sơ thủ tục hành chính từ tệp .xlsx/.csv của hệ thống một cửa (tất cả hoặc không)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="mã xã/phường, ví dụ 00611")
        parser.add_argument("--user", help="tên đăng nhập người nhập (ghi vào nhật ký)")

    def handle(self, *args, file, unit, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {file}.")
        target = AdministrativeUnit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"Không có xã/phường mã {unit}.")
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"Không có người dùng '{user}'.")
        started = time.perf_counter()
        show = sys.stderr.isatty() or options["verbosity"] > 1

        def progress(phase: str, done: int, total: int) -> None:
            if not show:
                return
            counted = f" {done:,}/{total:,}".replace(",", ".") if total else ""
            sys.stderr.write(
                f"\r{phase}{counted} ({time.perf_counter() - started:.1f} s)".ljust(70)
            )
            sys.stderr.flush()

        result = import_dossiers(actor, unit=target, file=path, progress=progress)
        if show:
            sys.stderr.write("\n")
        if not result.ok:
            for error in result.errors[:50]:
                where = f"dòng {error.row}" if error.row else "tệp"
                column = f", cột “{error.column}”" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            if len(result.errors) > 50 or result.more_errors:
                hidden = len(result.errors) - 50 + result.more_errors
                self.stderr.write(f"… và {max(hidden, 0)} lỗi khác.")
            raise CommandError(result.message)
        self.stdout.write(f"{result.message} ({time.perf_counter() - started:.1f} s)")
