"""URLs of the procedure catalogue under /dich-vu-cong/: public pages, then officials' ones."""

from django.urls import path

from xaso.publicservices.views import catalogue as views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("thu-tuc/<slug:code>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<slug:code>/lich-su/", views.procedure_history, name="procedure_history"),
    path("thu-tuc/<slug:code>/sua/", views.procedure_edit, name="procedure_edit"),
    path("danh-muc/<slug:field_code>.yaml", views.field_file, name="field_file"),
    path("danh-muc/nhap/", views.catalogue_import, name="catalogue_import"),
]
