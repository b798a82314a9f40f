"""``xaso open311-key``: API keys of the applications that post reports through Open311.

The file name has a dash so that the command reads ``xaso open311-key create NAME``; Django
finds commands by their module file name and imports them with ``importlib``, which accepts it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xaso.core.exceptions import BusinessError
from xaso.core.models import AdministrativeUnit
from xaso.feedback.models import Open311Client
from xaso.feedback.services import KEY_PREFIX, create_open311_client, revoke_open311_client


class Command(BaseCommand):
    help = (
        "Mã API Open311: `xaso open311-key create TÊN [--unit MÃ_XÃ]` in mã mới ở dòng cuối; "
        "`revoke ĐẦU_MÃ|ID`; `list`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="cấp mã cho một ứng dụng")
        create.add_argument("name", help="tên ứng dụng")
        create.add_argument(
            "--unit", default="", help="mã xã/phường: mã chỉ gửi được phản ánh cho nơi này"
        )
        revoke = sub.add_parser("revoke", help="thu hồi mã theo đầu mã, số thứ tự hoặc cả mã")
        revoke.add_argument("key", metavar="PREFIX_OR_ID")
        listing = sub.add_parser("list", help="liệt kê các mã")
        listing.add_argument("--unit", default="", help="chỉ các mã của xã/phường này")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options["name"], options["unit"])
        elif action == "revoke":
            self._revoke(options["key"].strip())
        else:
            self._list(options["unit"])

    def _unit(self, code: str) -> AdministrativeUnit:
        unit = AdministrativeUnit.objects.filter(code=code.strip()).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị hành chính mã '{code}'.")
        return unit

    def _create(self, name: str, unit_code: str) -> None:
        unit = self._unit(unit_code) if unit_code else None
        try:
            client, key = create_open311_client(None, name=name, unit=unit)
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        where = f"chỉ cho {unit.name} ({unit.code})" if unit else "cho mọi xã/phường"
        self.stderr.write(
            f"Mã API Open311 số {client.pk} của “{client.name}”, {where} (chỉ hiện một lần):"
        )
        self.stdout.write(key)

    def _revoke(self, given: str) -> None:
        if given.isdigit():
            clients = list(Open311Client.objects.filter(pk=int(given)))
        else:
            # The whole key works too: its first ten characters are the stored prefix.
            prefix = given[:10] if given.startswith(KEY_PREFIX) else given
            clients = list(Open311Client.objects.filter(prefix=prefix, revoked_at=None))
        if not clients:
            raise CommandError("Không tìm thấy mã Open311 với đầu mã hoặc số thứ tự này.")
        if len(clients) > 1:
            raise CommandError(
                f"Có {len(clients)} mã cùng đầu mã này; hãy thu hồi theo số thứ tự "
                "(`xaso open311-key list`)."
            )
        client = revoke_open311_client(None, client=clients[0])
        self.stdout.write(f"Đã thu hồi mã {client.prefix}… của “{client.name}”.")

    def _list(self, unit_code: str) -> None:
        rows = Open311Client.objects.select_related("unit").order_by("pk")
        if unit_code:
            rows = rows.filter(unit=self._unit(unit_code))
        for client in rows:
            state = f"đã thu hồi {_local(client.revoked_at)}" if client.revoked_at else "hiệu lực"
            used = _local(client.last_used_at) if client.last_used_at else "chưa dùng"
            where = client.unit.code if client.unit else "mọi xã"
            self.stdout.write(
                f"{client.pk:>4}  {client.prefix}…  {client.name}  [{where}]  "
                f"tạo {_local(client.created_at)}  dùng: {used}  {state}"
            )


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"
