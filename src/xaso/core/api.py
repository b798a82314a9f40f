from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from xaso.core import selectors

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    level: str
    division_type: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class DepartmentOut(Schema):
    id: int
    unit_code: str
    code: str
    name: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit_code: str | None

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code if obj.unit_id else None


@router.get("/me", response=MeOut, summary="Người dùng hiện tại")
def me(request):
    return request.auth


@router.get("/units", response=list[UnitOut], summary="Đơn vị hành chính trong phạm vi")
@paginate(LimitOffsetPagination)
def list_units(request, level: str | None = None):
    rows = selectors.units_for(request.auth)
    return rows.filter(level=level) if level else rows


@router.get("/units/{code}", response=UnitOut, summary="Một đơn vị hành chính")
def get_unit(request, code: str):
    return selectors.get_unit(request.auth, code)


@router.get("/departments", response=list[DepartmentOut], summary="Phòng/ban")
@paginate(LimitOffsetPagination)
def list_departments(request):
    return selectors.departments_for(request.auth)
