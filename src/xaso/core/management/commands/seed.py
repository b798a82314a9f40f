import time

from django.core.management.base import BaseCommand, CommandError

from xaso.core.registry import seeders
from xaso.core.seed import SCALES, seed_platform


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu tổng hợp (giả lập, tất định) cho một phường, một thành phố hoặc một "
        "tỉnh. Các ứng dụng bổ sung dữ liệu của mình qua cùng lệnh này."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="ward")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale, seed, quiet, **options):
        started = time.perf_counter()
        say = (lambda _m: None) if quiet else (lambda m: self.stderr.write(m))
        try:
            world = seed_platform(scale=scale, seed=seed, say=say)
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, seeder in sorted(seeders.items()):
            part = time.perf_counter()
            seeder(world=world, seed=seed, say=say)
            say(f"  {name}: {time.perf_counter() - part:.1f} s")
        self.stdout.write(
            f"Đã sinh dữ liệu quy mô '{scale}' trong {time.perf_counter() - started:.1f} s."
        )
