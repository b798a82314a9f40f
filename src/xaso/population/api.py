"""Population endpoints: residential groups, households, residents, population changes."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xaso.core.crypto import mask, mask_phone
from xaso.core.exceptions import BusinessError
from xaso.population import selectors, services
from xaso.population.choices import ChangeKind, DigitalSkillsGroup, Relation, ResidenceStatus, Sex
from xaso.population.search import COUNT_LIMIT

router = Router(tags=["population"])


class ResidentPagination(LimitOffsetPagination):
    """Limit/offset pages whose total may be counted only up to a limit (a search over many
    communes: a million Nguyễns are not counted one by one)."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"Số kết quả; khi tìm trên nhiều xã chỉ đếm tới {COUNT_LIMIT + 1}"
            " (xem count_capped)."
        )
        count_capped: bool = Field(
            False, description=f"true: có hơn {COUNT_LIMIT} kết quả, count chỉ là cận dưới."
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["count_capped"] = bool(getattr(queryset, "count_capped", False))
        return page


class GroupOut(Schema):
    id: int
    unit_code: str
    code: str
    name: str
    kind: str
    leader: str | None
    household_count: int
    resident_count: int
    boundary: dict | None = None

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_leader(obj):
        return obj.leader.display_name if obj.leader_id else None


class HouseholdOut(Schema):
    id: int
    unit_code: str
    group_id: int
    group_code: str
    code: str
    address: str = Field(description="Chỉ tên đường; số nhà bị che (xem chi tiết hộ).")
    member_count: int | None = None
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_group_code(obj):
        return obj.group.code

    @staticmethod
    def resolve_address(obj):
        return selectors.masked_address(obj)


class ResidentOut(Schema):
    id: int
    household_id: int
    household_code: str
    group_code: str
    full_name: str
    birth_date: dt.date
    sex: Sex
    national_id: str = Field(description="Che một phần trong danh sách, ví dụ 0010••••••89.")
    phone: str
    residence_status: ResidenceStatus
    relation_to_head: Relation
    occupation: str
    has_smartphone: bool
    has_epayment: bool
    vneid_level2: bool
    digital_skills_group: str
    is_active: bool

    @staticmethod
    def resolve_household_code(obj):
        return obj.household.code

    @staticmethod
    def resolve_group_code(obj):
        return obj.household.group.code

    @staticmethod
    def resolve_national_id(obj):
        return mask(obj.national_id)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)


class ResidentDetailOut(ResidentOut):
    address: str

    @staticmethod
    def resolve_national_id(obj):
        return obj._pii["national_id"]

    @staticmethod
    def resolve_phone(obj):
        return obj._pii["phone"]

    @staticmethod
    def resolve_address(obj):
        return obj._pii["address"]


class HouseholdDetailOut(HouseholdOut):
    members: list[ResidentOut]

    @staticmethod
    def resolve_members(obj):
        return obj.members.filter(is_active=True).select_related("household", "household__group")


class HouseholdIn(Schema):
    group_id: int
    code: str = Field(min_length=1, max_length=30)
    address: str = Field("", max_length=300)
    street: str = Field("", max_length=160)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class ResidentIn(Schema):
    household_id: int
    full_name: str = Field(min_length=1, max_length=120)
    birth_date: dt.date
    sex: Sex
    national_id: str = Field("", pattern=r"^(\d{12})?$")
    phone: str = Field("", max_length=20)
    residence_status: ResidenceStatus = ResidenceStatus.PERMANENT
    relation_to_head: Relation = Relation.OTHER
    occupation: str = Field("", max_length=120)
    has_smartphone: bool = False
    has_epayment: bool = False
    vneid_level2: bool = False
    digital_skills_group: DigitalSkillsGroup = DigitalSkillsGroup.NONE
    change_kind: ChangeKind | None = Field(None, description="birth hoặc move_in để ghi biến động")


class ResidentPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=120)
    birth_date: dt.date | None = None
    sex: Sex | None = None
    phone: str | None = Field(None, max_length=20)
    residence_status: ResidenceStatus | None = None
    relation_to_head: Relation | None = None
    occupation: str | None = Field(None, max_length=120)
    has_smartphone: bool | None = None
    has_epayment: bool | None = None
    vneid_level2: bool | None = None
    digital_skills_group: DigitalSkillsGroup | None = None


class ChangeIn(Schema):
    kind: ChangeKind
    date: dt.date
    note: str = Field("", max_length=300)


class ChangeOut(Schema):
    id: int
    resident_id: int
    household_id: int
    kind: str
    date: dt.date
    note: str


@router.get(
    "/groups", response=list[GroupOut], summary="Tổ dân phố / thôn, kèm số hộ, số nhân khẩu"
)
@paginate(LimitOffsetPagination)
def list_groups(request):
    return selectors.groups_with_counts(request.auth)


@router.get("/groups/{group_id}", response=GroupOut, summary="Một tổ dân phố")
def get_group(request, group_id: int):
    return selectors.get_group(request.auth, group_id)


@router.get("/households", response=list[HouseholdOut], summary="Hộ gia đình")
@paginate(LimitOffsetPagination)
def list_households(request, group_id: int | None = None):
    rows = selectors.households_with_counts(request.auth).select_related("unit")
    return rows.filter(group_id=group_id) if group_id else rows


@router.get(
    "/households/{household_id}", response=HouseholdDetailOut, summary="Một hộ và các thành viên"
)
def get_household(request, household_id: int):
    return selectors.get_household(request.auth, household_id)


@router.post("/households", response={201: HouseholdOut}, summary="Tạo hộ gia đình")
def create_household(request, payload: HouseholdIn):
    group = selectors.get_group(request.auth, payload.group_id)
    household = services.create_household(
        request.auth, group=group, **payload.dict(exclude={"group_id"})
    )
    return Status(201, household)


@router.get(
    "/residents",
    response=list[ResidentOut],
    summary="Nhân khẩu; q tìm theo tên (có dấu hoặc không dấu) hoặc số định danh",
)
@paginate(ResidentPagination)
def list_residents(
    request, q: str = "", group_id: int | None = None, include_inactive: bool = False
):
    return selectors.search_residents(
        request.auth, q, group_id=group_id, include_inactive=include_inactive
    )


@router.get(
    "/residents/{resident_id}",
    response=ResidentDetailOut,
    summary="Một nhân khẩu (dữ liệu cá nhân hiện rõ theo vai trò, có ghi nhật ký)",
)
def get_resident(request, resident_id: int):
    resident = selectors.get_resident(request.auth, resident_id)
    resident._pii = selectors.resident_pii(request.auth, resident)
    return resident


@router.post("/residents", response={201: ResidentOut}, summary="Đăng ký nhân khẩu vào một hộ")
def create_resident(request, payload: ResidentIn):
    household = selectors.get_household(request.auth, payload.household_id)
    data = payload.dict(exclude={"household_id"})
    return Status(201, services.register_resident(request.auth, household=household, **data))


@router.patch("/residents/{resident_id}", response=ResidentOut, summary="Sửa thông tin nhân khẩu")
def update_resident(request, resident_id: int, payload: ResidentPatch):
    resident = selectors.get_resident(request.auth, resident_id)
    changes = payload.dict(exclude_unset=True)
    if any(value is None for value in changes.values()):
        raise BusinessError("Không được gửi giá trị rỗng (null).")
    return services.update_resident(request.auth, resident=resident, **changes)


@router.post(
    "/residents/{resident_id}/changes",
    response={201: ChangeOut},
    summary="Ghi biến động: sinh, mất, chuyển đến, chuyển đi",
)
def record_change(request, resident_id: int, payload: ChangeIn):
    resident = selectors.get_resident(request.auth, resident_id)
    change = services.record_population_change(request.auth, resident=resident, **payload.dict())
    return Status(201, change)


@router.get("/population-changes", response=list[ChangeOut], summary="Biến động dân cư")
@paginate(LimitOffsetPagination)
def list_changes(request, kind: ChangeKind | None = None):
    rows = selectors.population_changes_for(request.auth)
    return rows.filter(kind=kind) if kind else rows
