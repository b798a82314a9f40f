from django.urls import path

from xaso.population import views

app_name = "population"
urlpatterns = [
    path("", views.group_list, name="groups"),
    path("to/<int:pk>/", views.group_detail, name="group"),
    path("to/<int:pk>/xuat.xlsx", views.group_export, name="group_export"),
    path("ho/<int:pk>/", views.household_detail, name="household"),
    path("nhan-khau/", views.resident_list, name="residents"),
    path("nhan-khau/<int:pk>/", views.resident_detail, name="resident"),
    path("nhap/", views.import_start, name="import"),
    path("nhap/mau.xlsx", views.import_template, name="import_template"),
    path("nhap/<int:pk>/", views.import_status, name="import_status"),
    path("nhap/<int:pk>/loi.xlsx", views.import_errors, name="import_errors"),
]
