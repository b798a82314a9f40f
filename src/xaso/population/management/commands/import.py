"""``xaso import FILE --unit CODE``: the same import as the web page, with a progress bar."""

import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xaso.core.models import AdministrativeUnit, User
from xaso.population import services
from xaso.population.choices import ImportStatus
from xaso.population.models import ImportJob
from xaso.population.workbook import reader_for


class Command(BaseCommand):
    help = "Nhập hộ và nhân khẩu từ tệp .xlsx/.csv theo mẫu (tất cả hoặc không gì)."
    # The project's system checks have nothing to say about a data import; skipping them saves
    # a tenth of a second of every import from the terminal.
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
        stored = services.import_dir() / f"cli-{path.name}"
        shutil.copyfile(path, stored)
        job = ImportJob.objects.create(
            unit=target, created_by=actor, file_name=path.name, stored_path=str(stored)
        )
        show = sys.stderr.isatty()

        def progress(current: ImportJob) -> None:
            if not show:
                return
            width = 30
            filled = int(width * current.percent / 100)
            sys.stderr.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {current.percent:3d}% "
                f"{current.phase[:40]:<40}"
            )
            sys.stderr.flush()

        # Usually already being read since before Django started (see xaso.cli).
        job = services.run_import(job, progress=progress, table=reader_for(path))
        if show:
            sys.stderr.write("\n")
        if job.status != ImportStatus.SUCCEEDED:
            self.stderr.write(job.message)
            self.stderr.write(f"Bảng lỗi: {job.error_report_path}")
            raise CommandError("Không nhập dòng nào.")
        self.stdout.write(job.message)
