"""URLs of dossiers (/dich-vu-cong/ho-so/) and the service-quality index (/dich-vu-cong/chi-so/),
for officials. Filters travel in the query string: ``thang=YYYY-MM``, ``don_vi`` (commune code,
province officials), ``thu_tuc``, ``linh_vuc``, ``kenh``, ``trang_thai``, ``q``; the records
behind an indicator: ``chi_so=<filter>&phan=tu|mau``."""

from django.urls import path

from xaso.publicservices.views import dossiers as views

urlpatterns = [
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("ho-so/tiep-nhan/", views.dossier_new, name="dossier_new"),
    path("ho-so/nhap/", views.dossier_import, name="dossier_import"),
    path("ho-so/nhap/mau.xlsx", views.dossier_import_template, name="dossier_import_template"),
    path(
        "ho-so/nhap/loi/<str:token>.xlsx",
        views.dossier_import_errors,
        name="dossier_import_errors",
    ),
    path("ho-so/thong-ke/", views.dossier_statistics, name="dossier_statistics"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/tra-ket-qua/", views.dossier_finish, name="dossier_finish"),
    path("ho-so/<int:pk>/danh-gia/", views.dossier_rate, name="dossier_rate"),
    path("ho-so/<int:pk>/thu-xin-loi/", views.dossier_apology, name="dossier_apology"),
    path("chi-so/", views.service_index_page, name="service_index"),
    path("chi-so/xu-huong.json", views.service_index_trend, name="service_index_trend"),
]
