"""``xaso backup``: a consistent copy of the database while the ward keeps working.

SQLite: the online backup API (readers and the writer go on during the copy). PostgreSQL:
``pg_dump --format=custom``. The encryption key is NOT copied into the backup: keep
``field.key`` (or ``XASO_FIELD_KEY``) in a separate safe place, or the copy is unreadable.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu (không kèm khoá mã hoá — hãy cất khoá riêng)."

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=str(Path(settings.DATA_DIR) / "backups"))

    def handle(self, *args, dest, **options):
        folder = Path(dest)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "sqlite":
            target = folder / f"xaso-{stamp}.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
        elif connection.vendor == "postgresql":
            if shutil.which("pg_dump") is None:
                raise CommandError("Không tìm thấy pg_dump (cài gói postgresql-client).")
            target = folder / f"xaso-{stamp}.dump"
            db = settings.DATABASES["default"]
            command = [
                "pg_dump",
                "--format=custom",
                f"--file={target}",
                f"--host={db.get('HOST') or 'localhost'}",
                f"--port={db.get('PORT') or 5432}",
                f"--username={db.get('USER') or 'postgres'}",
                db["NAME"],
            ]
            env = {"PGPASSWORD": db.get("PASSWORD") or ""}
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode:
                raise CommandError(f"pg_dump lỗi: {result.stderr.strip()}")
        else:
            raise CommandError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
        self.stderr.write("Nhớ cất khoá mã hoá (var/field.key hoặc XASO_FIELD_KEY) ở nơi khác.")
        self.stdout.write(str(target))
