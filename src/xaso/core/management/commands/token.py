from django.core.management.base import BaseCommand, CommandError

from xaso.core.models import ApiToken, User
from xaso.core.services import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = "Mã truy cập API: `xaso token create USERNAME` in mã mới ở dòng cuối."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="tạo mã cho một người dùng")
        create.add_argument("username")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="thu hồi mã theo tiền tố")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="liệt kê mã của một người dùng")
        listing.add_argument("username")

    def handle(self, *args, action, **options):
        if action == "create":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"Không có người dùng '{options['username']}'.")
            _token, clear = create_api_token(None, user=user, name=options["name"] or "cli")
            self.stderr.write(f"Mã truy cập của {user.username} (chỉ hiện một lần):")
            self.stdout.write(clear)
        elif action == "revoke":
            tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked_at=None)
            if not tokens:
                raise CommandError("Không tìm thấy mã còn hiệu lực với tiền tố này.")
            for token in tokens:
                revoke_api_token(None, token=token)
            self.stdout.write(f"Đã thu hồi {len(tokens)} mã.")
        else:
            for token in ApiToken.objects.filter(user__username=options["username"]):
                state = "đã thu hồi" if token.revoked_at else "hiệu lực"
                self.stdout.write(
                    f"{token.prefix}…  {token.name}  {token.created_at:%d/%m/%Y}  {state}"
                )
