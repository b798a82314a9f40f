"""The JSON API at /api/v1/ (django-ninja, OpenAPI 3 at /api/v1/openapi.json, docs at
/api/v1/docs). Each app contributes a router; auth is a bearer token or the browser session."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from xaso.core.exceptions import BusinessError, NotAllowed


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        from xaso.core.services import authenticate_token

        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="xaso API",
    version="1",
    description=(
        "API dữ liệu dùng chung của xã/phường. Xác thực bằng `Authorization: Bearer <token>` "
        "(tạo bằng `xaso token create USERNAME`) hoặc phiên đăng nhập trình duyệt. Mọi kết quả "
        "đã được giới hạn theo đơn vị của người dùng; dữ liệu cá nhân được che trừ khi vai trò "
        "được phép xem, và mỗi lần xem đều được ghi nhật ký."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


def _error(request, status: int, message: str, field: str | None = None):
    body = {"detail": message}
    if field:
        body["field"] = field
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, str(exc) or "Không tìm thấy.")


@api.exception_handler(NotAllowed)
def not_allowed(request, exc):
    return _error(request, 403, exc.message, exc.field)


@api.exception_handler(BusinessError)
def business_error(request, exc):
    return _error(request, 422, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(request, 401, "Chưa xác thực: cần mã truy cập (Bearer) hoặc đăng nhập.")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request, {"detail": "Dữ liệu gửi lên không hợp lệ.", "errors": exc.errors}, status=422
    )


@api.get("/health", auth=None, tags=["platform"], summary="Tình trạng dịch vụ")
def health(request):
    return {"status": "ok"}


from xaso.core.api import router as core_router  # noqa: E402
from xaso.population.api import router as population_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", population_router)
from xaso.publicservices.api import router as publicservices_router  # noqa: E402

api.add_router("/", publicservices_router)
