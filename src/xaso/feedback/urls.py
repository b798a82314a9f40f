from django.urls import path, register_converter

from xaso.feedback import views


class ReportCodeConverter:
    """``PA-2026-000123`` (any letter case: the page shows it upper-cased)."""

    regex = r"[Pp][Aa]-\d{4}-\d{1,9}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(ReportCodeConverter, "report")

app_name = "feedback"
urlpatterns = [
    # The citizen, no account needed
    path("", views.index, name="index"),
    path("gui/", views.submit, name="submit"),
    path("da-gui/<report:code>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<report:code>/", views.track_detail, name="track_detail"),
    path("tra-cuu/<report:code>/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/<report:code>/mo-lai/", views.reopen, name="reopen"),
    path("anh/<int:pk>.jpg", views.photo, name="photo"),
    path("ranh-gioi/<str:unit_code>.geojson", views.boundaries, name="boundaries"),
    # Officials
    path("quan-ly/", views.queue, name="queue"),
    path("quan-ly/tao-moi/", views.file_on_behalf, name="file_on_behalf"),
    path("quan-ly/<report:code>/", views.manage, name="manage"),
    path("quan-ly/<report:code>/lien-he/", views.reveal_contact, name="reveal_contact"),
    path("quan-ly/<report:code>/tiep-nhan/", views.accept, name="accept"),
    path("quan-ly/<report:code>/khong-tiep-nhan/", views.reject, name="reject"),
    path("quan-ly/<report:code>/gop/", views.merge, name="merge"),
    path("quan-ly/<report:code>/chuyen/", views.assign, name="assign"),
    path("quan-ly/<report:code>/bat-dau/", views.start, name="start"),
    path("quan-ly/<report:code>/tra-loi/", views.resolve, name="resolve"),
    path("thong-bao/", views.notifications, name="notifications"),
]
