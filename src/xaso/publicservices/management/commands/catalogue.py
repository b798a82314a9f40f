"""``xaso catalogue check [PATH]`` and ``xaso catalogue sync [PATH]``: validate the procedure
catalogue files, and load them into the database (a new version for each procedure that
changed; a second run changes nothing). PATH is a directory of ``*.yaml`` files or one file;
by default the catalogue shipped with the platform."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xaso.core.exceptions import BusinessError
from xaso.core.models import User
from xaso.publicservices.catalogue import PROCEDURES_DIR
from xaso.publicservices.services.catalogue import CatalogueInvalid, sync_catalogue
from xaso.publicservices.validation import catalogue_problems


class Command(BaseCommand):
    help = "Kiểm tra (check) hoặc nạp (sync) danh mục thủ tục hành chính từ các tệp YAML."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="check|sync")
        check = actions.add_parser("check", help="kiểm tra các tệp, không ghi gì")
        sync = actions.add_parser("sync", help="nạp các tệp vào cơ sở dữ liệu (có phiên bản)")
        for sub in (check, sync):
            sub.add_argument("path", nargs="?", help="thư mục *.yaml hoặc một tệp")
        sync.add_argument("--user", help="tên đăng nhập người nạp (ghi vào lịch sử, nhật ký)")
        sync.add_argument("--note", default="", help="nội dung thay đổi ghi vào lịch sử")

    def handle(self, *args, action, path=None, **options):
        target = Path(path) if path else PROCEDURES_DIR
        if not target.exists():
            raise CommandError(f"Không thấy {target}.")
        if action == "check":
            self._check(target)
        else:
            self._sync(target, username=options.get("user"), note=options.get("note") or "")

    def _check(self, target: Path) -> None:
        procedures, problems = catalogue_problems(target)
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"Danh mục có {len(problems)} lỗi.")
        fields = Counter(procedure["field"] for procedure in procedures)
        for field, count in sorted(fields.items()):
            self.stdout.write(f"  {field}: {count}")
        self.stdout.write(
            f"Danh mục hợp lệ: {len(procedures)} thủ tục trong {len(fields)} lĩnh vực."
        )

    def _sync(self, target: Path, *, username: str | None, note: str) -> None:
        actor = None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Không có người dùng '{username}'.")
        try:
            counts = sync_catalogue(actor, path=target, note=note)
        except CatalogueInvalid as error:
            for problem in error.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"Danh mục có {len(error.problems)} lỗi; chưa nạp gì.") from error
        except BusinessError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            "Đã nạp danh mục: {created} thủ tục mới, {updated} cập nhật, "
            "{unchanged} giữ nguyên.".format(**counts)
        )
