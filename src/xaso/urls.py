from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from xaso.api import api
from xaso.core import views as core_views

admin.site.site_header = _("xaso — quản trị dữ liệu")
admin.site.site_title = "xaso"
admin.site.index_title = _("Quản trị dữ liệu dùng chung")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dang-nhap/", core_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", core_views.LogoutView.as_view(), name="logout"),
    path("dan-cu/", include("xaso.population.urls")),
    path("phan-anh/", include("xaso.feedback.urls")),
    path("open311/", include("xaso.feedback.open311_urls")),
    path("dich-vu-cong/", include("xaso.publicservices.urls")),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
